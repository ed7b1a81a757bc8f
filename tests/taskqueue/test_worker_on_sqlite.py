"""The worker on the embedded default's database: SQLite, in a file of its own that the worker and the commands
that queue tasks share (the test database of an SQLite run lives in memory, out of another process's reach)."""

import subprocess
import sys

import pytest

from reliability.mailservers import MailServer
from reliability.servers import ROOT
from tests.utils.processes import clean_environment


@pytest.fixture
def mail_server():
    server = MailServer().start()
    yield server
    server.stop()


def manage(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def test_the_worker_sends_a_queued_notice_once_on_sqlite(tmp_path, mail_server):
    env = clean_environment(
        DJANGO_DEBUG="1",
        DATABASE_URL=f"sqlite:///{tmp_path / 'site.sqlite3'}",
        TASKS_BACKEND="database",
        EMAIL_URL=mail_server.url,
        COMMENTS_MODERATOR_EMAILS="moderators@example.org",
    )
    manage(env, "migrate", "--no-input", "--verbosity=0")
    queue_the_notice = (
        "from comments.notifications import send_moderator_notice\n"
        "for _ in range(2):  # the same period's notice, asked for twice\n"
        "    send_moderator_notice.enqueue(period_start='2026-06-01T12:00:00+00:00')"
    )
    results = (
        "from django_tasks_db.models import DBTaskResult\n"
        "for status, value in DBTaskResult.objects.order_by('enqueued_at').values_list('status', 'return_value'):\n"
        "    print(f'{status}: {value}')"
    )

    manage(env, "shell", "--verbosity=0", "--command", queue_the_notice)
    manage(env, "db_worker", "--batch", "--no-reload", "--no-startup-delay")

    assert manage(env, "shell", "--verbosity=0", "--command", results).splitlines() == [
        "SUCCESSFUL: sent",
        "SUCCESSFUL: already sent",
    ]
    assert mail_server.subjects() == ["[Soundtrack Notes] 0 comments awaiting moderation"]
