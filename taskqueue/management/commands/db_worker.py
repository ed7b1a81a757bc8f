from contextlib import suppress

from django.db import DatabaseError
from django_tasks_db.management.commands import db_worker

from ...recovery import Heartbeat, forget


class Command(db_worker.Command):
    """django-tasks-db's worker, with a heartbeat: the tasks of a worker that died run again."""

    help = f"{db_worker.Command.help}; tasks whose worker stopped answering are queued again"

    def handle(self, *args, worker_id: str, **options):
        heartbeat = Heartbeat(worker_id)
        heartbeat.beat_and_recover()  # recorded before the first claim: a claimed task always has a live worker
        heartbeat.start()
        try:
            super().handle(*args, worker_id=worker_id, **options)
        finally:
            heartbeat.stop()
            with suppress(DatabaseError):  # if the database is down, the heartbeat goes stale by itself
                forget(worker_id)
