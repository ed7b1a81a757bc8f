"""Times relative to now, and the fixed moment tests stop the clock at (``time_machine.travel(NOW, tick=False)``,
or the ``clock`` fixture)."""

from datetime import UTC, datetime, timedelta

from django.utils import timezone

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


def ago(**delta) -> datetime:
    return timezone.now() - timedelta(**delta)


def from_now(**delta) -> datetime:
    return timezone.now() + timedelta(**delta)
