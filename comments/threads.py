"""The thread tree: which comments a page of an article's discussion shows, nested as they answer each other."""

from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.db.models import Case, F, Q, Value, When

from .models import Comment


def thread_position(parent: Comment | None) -> tuple[Comment | None, Comment | None, int]:
    """(parent, thread, depth) for a reply, attaching replies past the maximum depth to the deepest allowed level."""
    if parent is None:
        return None, None, 0
    while parent.depth + 1 >= settings.COMMENTS_MAX_DEPTH and parent.parent_id:
        parent = parent.parent
    if parent.depth + 1 >= settings.COMMENTS_MAX_DEPTH:  # a depth limit of 1: no replies, only threads
        return None, None, 0
    return parent, parent.thread or parent, parent.depth + 1


PRIVATE_OR_UNSHOWN = ("body", "author_email", "ip_address", "user_agent", "submission_token")


@dataclass
class Node:
    comment: Comment
    own: bool = False
    editable: bool = False
    replies: list["Node"] = field(default_factory=list)


def parse_comment_id(value) -> int | None:
    """A comment's pk from the query string or the form, None for anything that is not a plain number."""
    try:
        return int(value)
    except (TypeError, ValueError):  # "²" passes str.isdigit() but not int(); a 5,000-digit number raises too
        return None


def requested_page(request) -> int:
    """The page of threads asked for (?comments=N): 1 for anything that is not a number from 1 up."""
    try:
        return max(1, int(request.GET.get("comments", 1)))
    except (TypeError, ValueError):
        return 1


def page_of(comment: Comment) -> int:
    """The page of threads (``?comments=N``) that shows a comment: its thread's page. A reader's own new thread
    that waits for moderation comes after the public ones, on the last page."""
    per_page = settings.COMMENTS_THREADS_PER_PAGE
    top = comment.thread or comment
    threads = Comment.objects.approved().thread_starts().filter(article_id=comment.article_id)
    if not top.is_public:
        return max(1, -(-threads.count() // per_page))
    earlier = threads.filter(Q(created_at__lt=top.created_at) | Q(created_at=top.created_at, pk__lt=top.pk))
    return earlier.count() // per_page + 1


def load_threads(
    article, approved, *, page: int, pages: int | None = None, picked=None, own_ids: list[int], thread_ids=None
):
    """The comments a page shows, as a tree (or a flat list for one picked track): (nodes by pk, roots).

    ``approved`` is the article's public comments; the reader's own comments that wait for moderation (or for the
    reader to confirm their address) are added where they belong (a new thread of theirs on the last page of
    ``pages``). ``thread_ids``: the page's ``page_threads()`` when read already; otherwise they are asked for in the
    same query (a first render keeps to its query budget; ``in_threads()`` says what that costs).
    """
    if picked is not None:
        # The comments that chose one featured track, as a flat list.
        shown = approved.filter(favourite_track=picked)
        own_shown = Q(favourite_track=picked)
    else:
        thread_ids = _page_threads(approved, page) if thread_ids is None else thread_ids
        shown = in_threads(approved, thread_ids)
        own_shown = Q(thread__in=thread_ids)
        if page == pages:  # the reader's own new threads are the newest: they come last
            own_shown |= Q(thread__isnull=True)
    if own_ids:
        waiting = (Comment.Status.PENDING, Comment.Status.UNCONFIRMED)
        own_pending = Q(pk__in=own_ids, article=article, status__in=waiting) & own_shown
        # Its writer's own card names the address a comment waits to be confirmed by: read it for those alone.
        to_confirm = Case(When(status=Comment.Status.UNCONFIRMED, then=F("author_email")), default=Value(""))
        shown = Comment.objects.filter(Q(pk__in=shown.values("pk")) | own_pending).annotate(confirm_to=to_confirm)
    comments = (
        shown.select_related("favourite_track__track")
        .defer(*PRIVATE_OR_UNSHOWN)  # the Markdown source can be long, and the rest is never shown
        .order_by("created_at", "pk")
    )

    nodes: dict[int, Node] = {}
    roots: list[Node] = []
    for comment in comments:
        own = comment.pk in own_ids
        node = Node(comment, own=own, editable=own and comment.can_still_edit())
        nodes[comment.pk] = node
        container = nodes.get(comment.parent_id) or nodes.get(comment.thread_id)
        if container is not None and picked is None:
            container.replies.append(node)
        else:
            roots.append(node)
    return nodes, roots


def page_versions(approved, thread_ids: list[int]) -> list[tuple[int, datetime]]:
    """(pk, last change) of each public comment a page of threads (``page_threads()``) shows, by pk: every change to a
    comment moves its ``updated_at`` (its save, and each ``update()`` that changes what it shows), so the page's cards
    look the same while these stay."""
    return list(in_threads(approved, thread_ids).order_by("pk").values_list("pk", "updated_at"))


def loaded_versions(nodes: dict) -> list[tuple[int, datetime]]:
    """``page_versions()`` of a page whose comments were read: from ``load_threads``' nodes (none of a reader's own)."""
    return sorted((pk, node.comment.updated_at) for pk, node in nodes.items())


def page_threads(approved, page: int) -> list[int]:
    """The keys of the thread starts of a page of threads, oldest first (read through comment_article_thread_starts:
    the page's alone, however many threads come before it)."""
    return list(_page_threads(approved, page))


def _page_threads(approved, page: int):
    per_page = settings.COMMENTS_THREADS_PER_PAGE
    threads = approved.thread_starts().order_by("created_at", "pk")
    return threads.values_list("pk", flat=True)[(page - 1) * per_page : page * per_page]


def in_threads(approved, thread_ids):
    """The comments of these threads, their starts included. With the threads' keys read first (``page_threads()``),
    the database finds the starts and the replies through their indexes; given as a subquery, it is asked on each side
    of the OR, and the database reads every comment of the article to test it."""
    return approved.filter(Q(pk__in=thread_ids) | Q(thread__in=thread_ids))
