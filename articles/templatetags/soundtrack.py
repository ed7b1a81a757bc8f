from datetime import UTC, datetime, timedelta

from django import template
from django.utils.safestring import mark_safe

from articles.highlights import highlight_placeholders_in_text
from articles.markup import ARTICLE, NOTE, PREVIEW, sanitize_html, with_placeholder_marks
from articles.moments import clock
from articles.search import snippets

register = template.Library()


@register.filter
def article_html(html: str, is_preview: bool = False) -> str:
    """Stored article HTML, sanitized again on the way out: the database is not trusted to hold safe HTML. A preview
    keeps the highlighted placeholders (articles/highlights.py)."""
    return mark_safe(sanitize_html(html, PREVIEW if is_preview else ARTICLE))  # noqa: S308 (sanitized just now)


@register.filter
def placeholders_highlighted(text: str, is_preview: bool = False) -> str:
    """Plain text, with its placeholders highlighted in a preview."""
    return highlight_placeholders_in_text(text) if is_preview else text


@register.filter
def note_html(html: str, is_preview: bool = False) -> str:
    """A featured track's stored note, sanitized again on the way out (its policy also allows spoilers); a preview
    keeps the highlighted placeholders."""
    return mark_safe(sanitize_html(html, with_placeholder_marks(NOTE) if is_preview else NOTE))  # noqa: S308


@register.filter
def duration(value: timedelta | int | None) -> str:
    """Show a duration (or whole seconds) the way track lists do: 3:25, or 1:02:03 past an hour."""
    if value is None:
        return ""
    return clock(int(value.total_seconds()) if isinstance(value, timedelta) else value)


@register.filter
def iso_duration(value: timedelta | int | None) -> str:
    """ISO 8601 duration (of a timedelta or whole seconds) for <time datetime>: PT3M25S."""
    if value is None:
        return ""
    total = int(value.total_seconds()) if isinstance(value, timedelta) else value
    hours, rest = divmod(total, 3600)
    minutes, seconds = divmod(rest, 60)
    return "PT" + (f"{hours}H" if hours else "") + (f"{minutes}M" if minutes else "") + f"{seconds}S"


@register.filter(expects_localtime=True)
def iso_datetime(value: datetime | None) -> str:
    """ISO 8601 date and time for <time datetime>, to the second and with the offset: 2026-06-01T12:00:00+00:00.

    Not the date filter's "c": that is Python's isoformat(), whose six digits of microseconds HTML refuses (it takes
    at most three). Like the date filter, it shows the time in the current time zone.
    """
    if not value:
        return ""
    return value.replace(microsecond=0).isoformat()


@register.filter
def iso_utc_minute(value: datetime | None) -> str:
    """The minute a time shows, in UTC and written with a Z, for <time datetime>: 2026-06-01T12:00Z. Eight bytes
    shorter than iso_datetime, for markup sent hundreds of times a page (a comment card's date, shown to the minute).
    """
    if not value:
        return ""
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%MZ")


@register.filter
def search_snippet(article) -> str:
    """A search result's snippet: its matches highlighted, everything else escaped."""
    return snippets.search_snippet(article)
