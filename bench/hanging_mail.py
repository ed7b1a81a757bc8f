"""Comment POSTs while the mail server hangs (issue 13): held comments' notices go to the task queue, and a worker
that is stuck on the mail server must not slow a single post.

The app server is started again with the database queue (TASKS_BACKEND=database) and a task worker, both mailing a
server that accepts connections and never says a word. The first held comment queues the moderators' notice; the
worker takes it and waits on that server for the rest of the run, while wrk posts as in the plain POST figure.
"""

import os
import secrets
import socket
import subprocess
import sys
import threading
from contextlib import contextmanager

from .common import ROOT, STATE, log
from .harness import Bench
from .scenarios import POST_CLIENTS, post_lua, post_once
from .servers import AppServer

TARGET_P99_MS = 100
# Fewer clients than the app server has workers: no post waits for a free worker, so the p99 is each post's own time
# (with 16 clients it is mostly the queue for the 5 workers: 16 / posts per second). Both are measured.
UNQUEUED_CLIENTS = 4


class SilentMailServer:
    """Accepts connections and never answers, not even SMTP's greeting."""

    def __init__(self):
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.connections: list[socket.socket] = []
        threading.Thread(target=self.hold, daemon=True).start()

    def hold(self) -> None:
        while True:
            try:
                self.connections.append(self.listener.accept()[0])
            except OSError:  # closed
                return

    def close(self) -> None:
        self.listener.close()
        for connection in self.connections:
            connection.close()


@contextmanager
def environment(**overrides: str):
    """os.environ (which the app server and worker start from) with ``overrides``, restored afterwards."""
    saved = {name: os.environ.get(name) for name in overrides}
    os.environ.update(overrides)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def notice_statuses() -> list[str]:
    from django_tasks_db.models import DBTaskResult

    tasks = DBTaskResult.objects.filter(task_path="comments.notifications.send_moderator_notice")
    return sorted(tasks.values_list("status", flat=True))


def forget_this_periods_notice() -> None:
    """The plain POST figure ran tasks at once: this period's notice went out then. Forget it, so that the next held
    comment queues one for the worker."""
    from django.core.cache import cache

    from comments.models import ModeratorNotice
    from comments.notifications import REQUESTED_KEY, current_period

    period = current_period()
    ModeratorNotice.objects.filter(period_start=period).delete()
    cache.delete(f"{REQUESTED_KEY}:{period.isoformat()}")


def measure(bench: Bench) -> None:
    """Replace the run's app server by one with the queue and a stuck worker; figures in results["mail_hangs"]."""
    mail = SilentMailServer()
    bench.server.stop()
    bench.run_id = secrets.token_hex(4)  # new bodies and emails: the same again would be refused as duplicates
    overrides = {
        "TASKS_BACKEND": "database",
        "EMAIL_URL": f"smtp://127.0.0.1:{mail.port}",
        "EMAIL_TIMEOUT": "600",
        "COMMENTS_MODERATOR_EMAILS": "moderators@example.org",
    }
    with environment(**overrides), open(STATE / "worker.log", "w") as worker_log:
        worker = subprocess.Popen(
            [sys.executable, "manage.py", "db_worker", "--no-reload", "--no-startup-delay"],
            cwd=ROOT,
            env={**os.environ},
            stdout=worker_log,
            stderr=subprocess.STDOUT,
        )
        try:
            bench.server = AppServer(bench.base).start()  # measure() stops it
            forget_this_periods_notice()
            post_once(bench)  # a held comment: its notice is queued, and the worker gets stuck sending it
            log(f"Comment POST while the mail server hangs: {POST_CLIENTS} clients, {bench.duration}s…")
            figures = bench.wrk("/", connections=POST_CLIENTS, lua_extra=post_lua(bench))
            log(f"  p99 {figures['p99_ms']} ms; then {UNQUEUED_CLIENTS} clients, {bench.duration}s…")
            bench.run_id = secrets.token_hex(4)  # bodies and emails of their own: the same would be duplicates
            unqueued = bench.wrk("/", connections=UNQUEUED_CLIENTS, lua_extra=post_lua(bench))
            figures.update(
                label=f"Comment POST ({POST_CLIENTS} clients) while the mail server hangs",
                unqueued={key: unqueued[key] for key in ("rps", "p50_ms", "p99_ms", "errors")},
                mail_connections_held=len(mail.connections),
                notice_tasks=notice_statuses(),  # RUNNING: the worker still waits on the mail server
                worker_running=worker.poll() is None,
            )
        finally:
            worker.kill()
            worker.wait()
            mail.close()
    bench.results["mail_hangs"] = figures
    unqueued = figures["unqueued"]
    log(f"  p99 {unqueued['p99_ms']} ms, {unqueued['rps']} posts/s; notice tasks {figures['notice_tasks']}")


def target(figures: dict) -> tuple[str, str, bool]:
    """Judged on each post's own time (fewer clients than workers); the 16 clients' p99, mostly their queue, is
    shown beside it."""
    hung = figures["mail_connections_held"] > 0 and "RUNNING" in figures["notice_tasks"]
    unqueued = figures.get("unqueued", figures)  # runs from before measured the 16 clients alone
    errors = figures["errors"] + (unqueued["errors"] if unqueued is not figures else 0)
    return (
        f"Comment POST p99 < {TARGET_P99_MS} ms while the mail server hangs (worker stuck on it), "
        f"{UNQUEUED_CLIENTS} clients",
        f"{unqueued['p99_ms']:.1f} ms ({POST_CLIENTS} clients: {figures['p99_ms']:.1f} ms), {errors} errors"
        + ("" if hung else "; the worker was not stuck"),
        unqueued["p99_ms"] < TARGET_P99_MS and errors == 0 and hung,
    )
