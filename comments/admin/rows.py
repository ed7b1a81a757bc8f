"""What a row of the queue shows besides plain fields: the comment as readers will see it, and why it is where it
is (the latest decision on it, by a moderator or by a rule)."""

from functools import lru_cache

from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import timezone
from django.utils.dates import MONTHS_3
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from articles.authors import admin_name
from articles.markup import sanitize_html
from articles.templatetags.soundtrack import iso_datetime

from ..markup import COMMENT
from ..models import Comment, ModerationEvent

# The rules' names (comments/moderation.py, and "reports" and "author_deleted" in comments/services.py), as
# moderators read them.
RULE_NAMES = {
    "first_comment": "First comment",
    "known_commenter": "Known commenter",
    "too_many_links": "Links",
    "moderation_list": "Moderation list",
    "block_list": "Blocked term",
    "file_link": "Link to a file",
    "honeypot": "Hidden field filled in",
    "too_fast": "Posted too fast",
    "form_expired": "Old form",
    "reports": "Readers' reports",
    "author_deleted": "Deleted by its author",
    "unconfirmed_email": "Email not confirmed yet",
}
DECIDED_BY = {
    Comment.Status.APPROVED: "Approved by",
    Comment.Status.SPAM: "Marked as spam by",
    Comment.Status.REJECTED: "Rejected by",
    Comment.Status.PENDING: "Sent back to the queue by",
}


# Stands for a row's id in an address reversed once per page type (no admin address holds this number otherwise).
ANY_ID = 2_147_483_647


@lru_cache(maxsize=64)
def _reversed(name: str, args: tuple, prefix: str, urlconf: str | None) -> str:
    return reverse(name, args=args)


def admin_url(name: str) -> str:
    """``reverse(name)``, once per process: reversing costs more than the rest of a queue row."""
    return _reversed(name, (), get_script_prefix(), get_urlconf())


def row_url(name: str, object_id: int) -> str:
    """``reverse(name, args=[object_id])`` for an admin address of one object, reversed once per process."""
    before, _, after = _reversed(name, (ANY_ID,), get_script_prefix(), get_urlconf()).partition(str(ANY_ID))
    return f"{before}{object_id}{after}"


def readers_view(comment: Comment) -> str:
    """The comment as readers will see it: its stored HTML sanitized again (the database is not trusted)."""
    return format_html('<div class="comment-body">{}</div>', mark_safe(sanitize_html(comment.body_html, COMMENT)))  # noqa: S308


def why(event: ModerationEvent | None) -> str:
    """Who or which rule put a comment where it is, and their reason: "First comment: A first comment from this
    email waits for review."""
    if event is None:
        return "No decision recorded."
    if event.actor:
        who = f"{DECIDED_BY[event.to_status]} {admin_name(event.actor)}"
    elif event.rule:
        who = RULE_NAMES.get(event.rule, event.rule)
    else:  # a person decided whose account is gone
        who = f"{DECIDED_BY[event.to_status]} a former moderator"
    if not event.reason:
        return format_html("<strong>{}</strong>", who)
    return format_html("<strong>{}</strong>: {}", who, event.reason)


def when(time) -> str:
    """A time as moderators read it ("2 Jun 2026, 17:40"), in the time zone the admin shows."""
    time = timezone.localtime(time)
    shown = f"{time.day} {MONTHS_3[time.month].title()} {time:%Y, %H:%M}"  # Django's date format "j M Y, H:i"
    return format_html('<time datetime="{}">{}</time>', iso_datetime(time), shown)
