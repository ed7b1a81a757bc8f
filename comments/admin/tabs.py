"""The tabs above the queue: what waits first, each with how many comments it holds (counted up to a limit)."""

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.admin.views.main import ORDER_VAR, PAGE_VAR
from django.utils.http import urlencode

from ..models import Comment, CommentQuerySet, count_for_queue, queue_count_label
from .filters import ReportedFilter, StatusFilter

STATUS, REPORTED = StatusFilter.parameter_name, ReportedFilter.parameter_name
# What the queue shows when it is opened with no question: the comments that wait for a moderator.
OPENS_ON = {STATUS: Comment.Status.PENDING}


@dataclass(frozen=True)
class Tab:
    label: str
    query: dict[str, str]
    comments: Callable[[], CommentQuerySet] | None  # what it counts; None: not counted


TABS = [
    Tab("Pending", OPENS_ON, Comment.objects.in_moderation),
    Tab("Reported again after approval", {REPORTED: "again"}, Comment.objects.reported_since_review),
    Tab("Reported", {REPORTED: "yes"}, Comment.objects.reported),
    Tab("Approved", {STATUS: Comment.Status.APPROVED}, Comment.objects.approved),
    Tab("Spam", {STATUS: Comment.Status.SPAM}, lambda: Comment.objects.filter(status=Comment.Status.SPAM)),
    Tab("Rejected", {STATUS: Comment.Status.REJECTED}, lambda: Comment.objects.filter(status=Comment.Status.REJECTED)),
    # Waiting for their writers, not for a moderator (comments/email_confirmation.py): there to look at if need be,
    # not counted (no moderator has to act on them).
    Tab("Unconfirmed", {STATUS: Comment.Status.UNCONFIRMED}, None),
    Tab("All", {STATUS: StatusFilter.ALL}, None),
]


@dataclass(frozen=True)
class ShownTab:
    label: str
    url: str
    count: str  # "" when not counted
    current: bool


def queue_tabs(query) -> list[ShownTab]:
    """The tabs for a queue page with this query string; the one it shows is current (paging and order aside).
    One capped count per counted tab: the same few queries however long the queue."""
    asked = {key: value for key, value in query.items() if key not in (PAGE_VAR, ORDER_VAR)}
    return [
        ShownTab(
            label=tab.label,
            url=f"?{urlencode(tab.query)}",
            count=queue_count_label(count_for_queue(tab.comments())) if tab.comments else "",
            current=asked == tab.query,
        )
        for tab in TABS
    ]
