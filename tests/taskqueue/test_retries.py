"""Retries: a doubling delay, a limit, and none where tasks run at once (no queue to wait in)."""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from comments.models import ModeratorNotice
from comments.notifications import send_moderator_notice
from reliability.mailservers import MailServer
from taskqueue.retries import retry_delay, retry_later
from tests.utils.clock import NOW

pytestmark = pytest.mark.django_db

PERIOD = "2026-06-01T12:00:00+00:00"


@pytest.fixture
def database_queue(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def test_each_retry_waits_twice_as_long_as_the_one_before(settings):
    settings.TASKS_RETRY_DELAY_SECONDS = 30

    assert [retry_delay(attempt) for attempt in (1, 2, 3, 4)] == [
        timedelta(seconds=30),
        timedelta(minutes=1),
        timedelta(minutes=2),
        timedelta(minutes=4),
    ]


def test_a_retry_waits_in_the_queue_with_the_next_attempt_number(settings, database_queue):
    settings.TASKS_MAX_ATTEMPTS, settings.TASKS_RETRY_DELAY_SECONDS = 5, 30
    with time_machine.travel(NOW, tick=False):
        assert retry_later(send_moderator_notice, attempt=2, kwargs={"period_start": PERIOD})

    queued = DBTaskResult.objects.get()
    assert (queued.status, queued.run_after) == (TaskResultStatus.READY, NOW + timedelta(minutes=1))
    assert queued.args_kwargs == {"args": [], "kwargs": {"period_start": PERIOD, "attempt": 3}}


def test_the_last_attempt_enqueues_nothing(settings, database_queue):
    settings.TASKS_MAX_ATTEMPTS = 3

    assert not retry_later(send_moderator_notice, attempt=3, kwargs={"period_start": PERIOD})
    assert not DBTaskResult.objects.exists()


def test_where_tasks_run_at_once_a_refused_notice_is_not_retried_and_breaks_nothing(settings):
    """Development's immediate backend: the refusal is logged and the task's result failed; the period's notice is
    left unclaimed for the next held comment."""
    assert settings.TASKS["default"]["BACKEND"].endswith("ImmediateBackend")
    settings.COMMENTS_MODERATOR_EMAILS = ["moderators@example.org"]
    server = MailServer(refuse=True).start()
    try:
        settings.MAILERS = {
            "default": {
                "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                "OPTIONS": {"host": "127.0.0.1", "port": server.port, "timeout": 10},
            }
        }
        result = send_moderator_notice.enqueue(period_start=PERIOD)
    finally:
        server.stop()

    assert result.status == TaskResultStatus.FAILED
    assert result.errors[0].exception_class_path == "smtplib.SMTPDataError"
    assert server.attempts == 1
    assert not ModeratorNotice.objects.exists()
    assert mail.outbox == []
