"""Failed tasks run again later: one attempt more, after a delay that doubles each time, up to a limit.

A task that retries takes ``attempt`` (1 on the first run) and, when it fails, calls ``retry_later()`` before
raising: the failed run stays in the queue's results as failed (staff see why), and the next attempt waits in the
queue with its ``run_after``. Past TASKS_MAX_ATTEMPTS nothing is enqueued, and the last failure is the task's end.
"""

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.tasks import Task
from django.utils import timezone


def retry_delay(attempt: int) -> timedelta:
    """How long the attempt after ``attempt`` waits: TASKS_RETRY_DELAY_SECONDS, doubled for each earlier retry."""
    return timedelta(seconds=settings.TASKS_RETRY_DELAY_SECONDS * 2 ** (attempt - 1))


def retry_later(
    task: Task,
    *,
    attempt: int,
    args: tuple = (),
    kwargs: dict[str, Any] | None = None,
    max_attempts: int | None = None,
) -> bool:
    """Enqueue attempt ``attempt + 1`` of ``task`` after its delay; False when none is left (``max_attempts``,
    TASKS_MAX_ATTEMPTS unless the task has a limit of its own) or the backend runs tasks at once (no queue to wait
    in: development and most tests)."""
    if attempt >= (max_attempts or settings.TASKS_MAX_ATTEMPTS) or not task.get_backend().supports_defer:
        return False
    task.using(run_after=timezone.now() + retry_delay(attempt)).enqueue(
        *args, **(kwargs or {}) | {"attempt": attempt + 1}
    )
    return True
