"""The task worker killed in the middle of a task, again and again, while readers post held comments: every task
runs to its end, and no moderators' notice is sent twice.

A backlog of notices waits in the queue (one per period, as after a mail outage) and readers post comments that
are held for moderation (each period's first asks for a notice too). The mail server answers each message after
a pause; each time it has received a message, the worker is killed (SIGKILL) before it hears the answer, and a
new one is started, as a service manager would. The notice's task is then in mid-send: it has claimed its period
and the message is delivered, but nothing recorded the task's end. The next worker queues it again after the dead
one's heartbeat goes silent (taskqueue/recovery.py) and runs it: it must find the period claimed and send nothing.
"""

import secrets
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from .mailservers import MailServer
from .servers import AppServer, PostgresCluster, RedisServer, app_environment, manage, prepare_site, wait_until
from .workers import TaskWorker, worker_environment

MODERATORS = "moderators@example.org"


class HeldCommentLoad:
    """Clients posting first comments (held for moderation) until told to stop."""

    def __init__(self, server: AppServer, slugs: list[str], *, clients: int):
        self.server, self.slugs, self.clients = server, slugs, clients
        self.run_id = secrets.token_hex(4)
        self.statuses: Counter = Counter()
        self.lock = threading.Lock()
        self.stopping = threading.Event()

    def client(self, number: int) -> None:
        from comments.forms import new_form_token

        sequence = 0
        while not self.stopping.is_set():
            form = {
                "author_name": f"Reader {number}",
                "author_email": f"reader-{self.run_id}-{number}-{sequence}@example.com",  # new: held
                "body": f"Worker fault {self.run_id}: client {number}, thought {sequence} on the main theme.",
                "favourite_track": "",
                "parent": "",
                "website": "",
                "form_token": new_form_token(),
            }
            try:
                status, _headers, _page = self.server.post(
                    f"/articles/{self.slugs[sequence % len(self.slugs)]}/comments/", form
                )
            except OSError:
                status = None
            with self.lock:
                self.statuses[str(status or "no connection")] += 1
            sequence += 1

    def run(self) -> None:
        with ThreadPoolExecutor(max_workers=self.clients) as pool:
            for future in [pool.submit(self.client, n) for n in range(self.clients)]:
                future.result()


def queue_a_backlog(env: dict[str, str], notices: int) -> None:
    """One notice per period, in periods long past, waiting in the queue."""
    manage(
        env,
        "shell",
        "--verbosity=0",
        "--command",
        "from datetime import datetime, timedelta, UTC\n"
        "from django.conf import settings\n"
        "from comments.notifications import send_moderator_notice\n"
        "start, period = datetime(2020, 1, 1, tzinfo=UTC), timedelta(minutes=settings.COMMENTS_NOTIFY_EVERY_MINUTES)\n"
        f"for n in range({notices}):\n"
        "    send_moderator_notice.enqueue(period_start=(start + n * period).isoformat())",
    )


def kill_workers_mid_send(worker_env: dict[str, str], mail: MailServer, *, kills: int, log: Path) -> list[TaskWorker]:
    """Start a worker, kill it as soon as the mail server has a message from it; ``kills`` times."""
    killed = []
    for _ in range(kills):
        mail.received.clear()
        worker = TaskWorker(worker_env, log=log).start()
        if not mail.received.wait(timeout=120):
            raise RuntimeError("the worker sent no notice within 120 s")
        worker.kill()
        killed.append(worker)
    return killed


def task_counts(cluster: PostgresCluster, database: str) -> dict:
    with cluster.connect(database) as connection:
        statuses = dict(
            connection.execute(
                "SELECT status, count(*) FROM django_tasks_database_dbtaskresult "
                "WHERE task_path = 'comments.notifications.send_moderator_notice' GROUP BY status"
            ).fetchall()
        )
        run_again = connection.execute(
            "SELECT count(*) FROM django_tasks_database_dbtaskresult WHERE jsonb_array_length(worker_ids) > 1"
        ).fetchone()[0]
        results = dict(
            connection.execute(
                "SELECT return_value #>> '{}', count(*) FROM django_tasks_database_dbtaskresult "
                "WHERE status = 'SUCCESSFUL' GROUP BY 1"
            ).fetchall()
        )
        uncertain = connection.execute("SELECT count(*) FROM comments_moderatornotice WHERE sent_at IS NULL").fetchone()
        periods = connection.execute("SELECT count(*) FROM comments_moderatornotice").fetchone()[0]
    return {
        "statuses": statuses,
        "run_again": run_again,
        "results": results,
        "uncertain": uncertain[0],
        "periods": periods,
    }


def unfinished(cluster: PostgresCluster, database: str) -> int:
    with cluster.connect(database) as connection:
        return connection.execute(
            "SELECT count(*) FROM django_tasks_database_dbtaskresult WHERE status IN ('READY', 'RUNNING')"
        ).fetchone()[0]


def run(
    cluster: PostgresCluster, redis_server: RedisServer, workdir: Path, *, notices: int, clients: int, kills: int
) -> dict:
    """The backlog and the posts, with ``kills`` workers killed mid-send; the figures, with ``passed``."""
    from django.conf import settings

    database = "reliability_worker"
    env = app_environment(
        database_url=cluster.create_database(database),
        redis_url=redis_server.url(2),
        secret_key=settings.SECRET_KEY,  # the form tokens are signed here, as the app would sign them
        COMMENTS_RATE_LIMIT="1000000000",
        COMMENTS_MIN_SECONDS_TO_POST="0",
        COMMENTS_MODERATOR_EMAILS=MODERATORS,
        TASKS_BACKEND="database",
    )
    slugs = prepare_site(env)
    mail = MailServer(delay=0.2).start()
    worker_env = worker_environment(env, mail_url=mail.url)
    log = workdir / "worker-kill-workers.log"
    server = AppServer(env, log=workdir / "worker-kill-gunicorn.log").start()
    load = HeldCommentLoad(server, slugs, clients=clients)
    last = None
    started = time.monotonic()
    try:
        queue_a_backlog(env, notices)
        with ThreadPoolExecutor(max_workers=1) as posting:
            posted = posting.submit(load.run)
            try:
                kill_workers_mid_send(worker_env, mail, kills=kills, log=log)
                last = TaskWorker(worker_env, log=log).start()
                wait_until(lambda: not unfinished(cluster, database), what="the queue drained", timeout=600)
            finally:
                load.stopping.set()
                posted.result()
        last.stop()
    finally:
        if last:
            last.kill()
        server.stop()
        mail.stop()
    return _figures(cluster, database, mail, load, notices=notices, clients=clients, kills=kills, started=started)


def _figures(cluster, database, mail, load, *, notices: int, clients: int, kills: int, started: float) -> dict:
    """What the run counted: tasks, messages and posts, with ``passed``."""
    counts = task_counts(cluster, database)
    message_ids = Counter(mail.headers("Message-ID"))
    figures = {
        "scenario": "the task worker killed mid-send while readers post",
        "notices_queued_beforehand": notices,
        "posting_clients": clients,
        "workers_killed_mid_send": kills,
        "notice_tasks": counts["statuses"],
        "tasks_run_again": counts["run_again"],
        "task_results": counts["results"],
        "notice_periods": counts["periods"],
        "messages_received": len(mail.messages),
        "duplicate_messages": sum(n - 1 for n in message_ids.values()),
        "periods_without_a_message": counts["periods"] - len(message_ids),
        "notices_left_uncertain": counts["uncertain"],
        "post_statuses": dict(load.statuses),
        "duration_seconds": round(time.monotonic() - started, 1),
    }
    figures["passed"] = (
        set(counts["statuses"]) == {"SUCCESSFUL"}
        and counts["run_again"] >= kills
        and figures["duplicate_messages"] == 0
        and set(load.statuses) == {"302"}
    )
    return figures
