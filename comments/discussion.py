"""Everything the comment section of an article page shows, gathered in a fixed number of queries."""

from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Prefetch, Q, prefetch_related_objects

from articles.models import Article, FeaturedTrack

from .forms import CommentForm
from .models import Comment
from .rendering import CommentList
from .services import can_still_edit, comments_are_open

SESSION_KEY = "comments_posted"
SESSION_LIMIT = 50
PRIVATE_OR_UNSHOWN = ("body", "author_email", "ip_address", "user_agent", "submission_token")


@dataclass
class Node:
    comment: Comment
    own: bool = False
    editable: bool = False
    replies: list["Node"] = field(default_factory=list)


def own_comment_ids(request) -> list[int]:
    """The comments this browser posted; the session is only read when the reader already has one."""
    if settings.SESSION_COOKIE_NAME not in request.COOKIES:
        return []
    return [int(pk) for pk in request.session.get(SESSION_KEY, [])]


def remember_own_comment(request, comment: Comment) -> None:
    ids = [pk for pk in own_comment_ids(request) if pk != comment.pk]
    request.session[SESSION_KEY] = (ids + [comment.pk])[-SESSION_LIMIT:]


def parse_comment_id(value) -> int | None:
    """A comment's pk from the query string or the form, None for anything that is not a plain number."""
    try:
        return int(value)
    except (TypeError, ValueError):  # "²" passes str.isdigit() but not int(); a 5,000-digit number raises too
        return None


def requested_page(request) -> int:
    """The page of comments asked for (?comments=N): 1 for anything that is not a number from 1 up."""
    try:
        return max(1, int(request.GET.get("comments", 1)))
    except (TypeError, ValueError):
        return 1


def build_discussion(
    request, article: Article, *, form: CommentForm | None = None, form_initial: dict | None = None
) -> dict:
    """The section's context; ``form_initial`` fills the empty form (comments/section.py puts placeholders there)."""
    # The article's featured tracks (for the favourites tally, the filter and the form): the page may have fetched
    # them with the article already (articles/pages.py), otherwise this is one query.
    featured = FeaturedTrack.objects.select_related("track").order_by("position")
    prefetch_related_objects([article], Prefetch("featured_tracks", queryset=featured))
    counts = Comment.objects.discussion_counts(article)
    per_page = settings.COMMENTS_THREADS_PER_PAGE
    pages = max(1, -(-counts.threads // per_page))
    page = min(requested_page(request), pages)
    own_ids = own_comment_ids(request)
    approved = Comment.objects.approved().for_article(article)

    picked_id = request.GET.get("picked")
    picked = next((f for f in article.featured_tracks.all() if str(f.pk) == picked_id), None)
    is_open = comments_are_open(article)
    # A reader who posted recently also sees their own pending comments and edit links (comments/section.py
    # caches the section only for readers without any).
    nodes, roots = _load_comments(article, approved, page=page, pages=pages, picked=picked, own_ids=own_ids)
    comment_list = CommentList(roots, page=page, comments_open=is_open).render()

    reply_to = None
    reply_id = parse_comment_id(
        request.GET.get("reply_to") or (form.data.get("parent") if form is not None and form.is_bound else None)
    )
    if reply_id is not None:
        shown_node = nodes.get(reply_id)
        if shown_node is not None:
            reply_to = shown_node.comment if shown_node.comment.status == Comment.Status.APPROVED else None
        else:
            reply_to = approved.filter(pk=reply_id).first()

    if form is None and is_open:
        initial = {"parent": reply_to.pk if reply_to else None} | (form_initial or {})
        form = CommentForm(article=article, user=request.user, initial=initial)
    favourites = [(featured, counts.favourite_tracks.get(featured.pk, 0)) for featured in article.featured_tracks.all()]
    return {
        "article": article,
        "counts": counts,
        "comment_list": comment_list,
        "page": page,
        "pages": pages,
        "picked": picked,
        "favourites": favourites,
        "form": form,
        "reply_to": reply_to,
        "comments_open": is_open,
        "edit_minutes": settings.COMMENTS_EDIT_WINDOW_MINUTES,
    }


def _load_comments(article, approved, *, page: int, pages: int, picked, own_ids: list[int]):
    """The comments a page shows, as a tree (or a flat list for one picked track): (nodes by pk, roots)."""
    per_page = settings.COMMENTS_THREADS_PER_PAGE
    if picked is not None:
        # The comments that chose one featured track, as a flat list.
        shown = approved.filter(favourite_track=picked)
        own_shown = Q(favourite_track=picked)
    else:
        threads = approved.filter(parent__isnull=True).order_by("created_at", "pk")
        thread_ids = threads.values("pk")[(page - 1) * per_page : page * per_page]
        shown = approved.filter(Q(pk__in=thread_ids) | Q(thread__in=thread_ids))
        own_shown = Q(thread__in=thread_ids)
        if page == pages:  # the reader's own new threads are the newest: they come last
            own_shown |= Q(parent__isnull=True)
    if own_ids:
        own_pending = Q(pk__in=own_ids, article=article, status=Comment.Status.PENDING) & own_shown
        shown = Comment.objects.filter(Q(pk__in=shown.values("pk")) | own_pending)
    comments = (
        shown.select_related("favourite_track__track")
        .defer(*PRIVATE_OR_UNSHOWN)  # the Markdown source can be long, and the rest is never shown
        .order_by("created_at", "pk")
    )

    nodes: dict[int, Node] = {}
    roots: list[Node] = []
    for comment in comments:
        own = comment.pk in own_ids
        node = Node(comment, own=own, editable=own and can_still_edit(comment))
        nodes[comment.pk] = node
        container = nodes.get(comment.parent_id) or nodes.get(comment.thread_id)
        if container is not None and picked is None:
            container.replies.append(node)
        else:
            roots.append(node)

    return nodes, roots
