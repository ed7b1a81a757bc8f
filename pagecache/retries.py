"""Retrying a failed task later, with a growing delay, where the task backend can run a task later."""

from datetime import timedelta

from django.tasks import Task
from django.utils import timezone

FIRST_DELAY_SECONDS = 5
LONGEST_DELAY_SECONDS = 10 * 60


def retry_later(task: Task, *args, attempt: int, max_attempts: int, **kwargs) -> bool:
    """Enqueue ``task`` again with ``attempt=attempt + 1``, to run after 5 s, 10 s, 20 s... (ten minutes at most),
    unless ``max_attempts`` are spent or its backend cannot defer a task (the immediate backend of development and
    tests). Return whether it was enqueued; the caller says what was given up otherwise."""
    if attempt >= max_attempts or not task.get_backend().supports_defer:
        return False
    delay = min(FIRST_DELAY_SECONDS * 2 ** (attempt - 1), LONGEST_DELAY_SECONDS)
    task.using(run_after=timezone.now() + timedelta(seconds=delay)).enqueue(*args, attempt=attempt + 1, **kwargs)
    return True
