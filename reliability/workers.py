"""The task worker as production runs it (`manage.py db_worker`), in a process of its own that a scenario or a
test starts, stops, or kills mid-task."""

import subprocess
import sys
from pathlib import Path

from .servers import ROOT, stop_process


def worker_environment(app_env: dict[str, str], *, mail_url: str, **overrides: str) -> dict[str, str]:
    """The app servers' environment for a worker that takes tasks from the database queue and mails ``mail_url``;
    heartbeats, retries and polling quick enough for a run of seconds."""
    return app_env | {
        "TASKS_BACKEND": "database",
        "EMAIL_URL": mail_url,
        "TASKS_WORKER_HEARTBEAT_SECONDS": "0.2",
        "TASKS_RETRY_DELAY_SECONDS": "0",
        **overrides,
    }


class TaskWorker:
    def __init__(self, env: dict[str, str], *, log: Path | None = None):
        self.env, self.log = env, log
        self.process: subprocess.Popen | None = None

    def start(self) -> "TaskWorker":
        output = open(self.log, "a") if self.log else subprocess.DEVNULL  # noqa: SIM115 (open while it runs)
        self.process = subprocess.Popen(
            [sys.executable, "manage.py", "db_worker", "--no-reload", "--no-startup-delay", "--interval", "0.05"],
            cwd=ROOT,
            env=self.env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
        return self

    def kill(self) -> None:
        """SIGKILL: no chance to record anything, as when the machine is lost."""
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait()

    def stop(self) -> None:
        """SIGTERM, as a service manager stops it: the task in hand is finished first."""
        stop_process(self.process)
