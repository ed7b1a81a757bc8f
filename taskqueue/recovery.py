"""Tasks whose worker died run again.

The queue (django-tasks-db) marks a task running when a worker claims it, and finished when the worker records its
end; a worker killed in between (SIGKILL, the machine lost) leaves it running forever. So each worker records a
heartbeat (``beat()``), and every worker, on each beat, queues again the running tasks whose worker has been
silent for three beats (``requeue_abandoned_tasks()``). A task may so run twice, never at the same time as itself
unless a live worker stalls for three beats: tasks are written to be run again (comments/notifications.py).
"""

import logging
import threading
from datetime import timedelta

from django.conf import settings
from django.db import DatabaseError, close_old_connections, connections
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from .models import WorkerHeartbeat

logger = logging.getLogger(__name__)

MISSED_BEATS = 3
FORGOTTEN_AFTER = timedelta(days=1)  # a stopped worker's heartbeat is deleted after this


def beat(worker_id: str) -> None:
    WorkerHeartbeat.objects.update_or_create(worker_id=worker_id, defaults={"seen_at": timezone.now()})


def forget(worker_id: str) -> None:
    WorkerHeartbeat.objects.filter(worker_id=worker_id).delete()


def requeue_abandoned_tasks() -> int:
    """Queue again each running task whose worker has gone silent; return how many."""
    now = timezone.now()
    silent_since = now - timedelta(seconds=settings.TASKS_WORKER_HEARTBEAT_SECONDS * MISSED_BEATS)
    alive = set(WorkerHeartbeat.objects.filter(seen_at__gte=silent_since).values_list("worker_id", flat=True))
    requeued = 0
    for task in DBTaskResult.objects.running().only("id", "worker_ids", "started_at", "task_path"):
        if task.worker_ids and task.worker_ids[-1] in alive:
            continue
        # Only if it is still the same run: another worker may have just requeued and claimed it.
        if DBTaskResult.objects.filter(pk=task.pk, status=TaskResultStatus.RUNNING, started_at=task.started_at).update(
            status=TaskResultStatus.READY
        ):
            logger.warning("Task id=%s path=%s queued again: its worker stopped answering", task.pk, task.task_path)
            requeued += 1
    WorkerHeartbeat.objects.filter(seen_at__lt=now - FORGOTTEN_AFTER).delete()
    return requeued


class Heartbeat(threading.Thread):
    """Beats for a worker, and requeues the dead ones' tasks, every TASKS_WORKER_HEARTBEAT_SECONDS until stopped."""

    def __init__(self, worker_id: str):
        super().__init__(name=f"heartbeat-{worker_id}", daemon=True)
        self.worker_id = worker_id
        self.stopping = threading.Event()

    def beat_and_recover(self) -> None:
        close_old_connections()  # a connection broken by a database restart is replaced, not reused
        try:
            beat(self.worker_id)
            requeue_abandoned_tasks()
        except DatabaseError:  # the database is down or busy (SQLite's lock): the next beat tries again
            logger.warning("Worker %s could not record its heartbeat", self.worker_id, exc_info=True)

    def run(self) -> None:
        try:
            while not self.stopping.wait(settings.TASKS_WORKER_HEARTBEAT_SECONDS):
                self.beat_and_recover()
        finally:
            connections.close_all()

    def stop(self) -> None:
        self.stopping.set()
        self.join()
