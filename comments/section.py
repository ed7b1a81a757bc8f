"""The cached comment section under an article: counts, favourite tracks, a page of comments and the form.

The section looks the same to every reader who has no comments of their own in it, signed in or not, and it reads
no session for them: the article's page can then be shared by all of them (pagecache/middleware.py). It is
rendered once with reader slots where a signed-in reader's own values go (the CSRF token, their name and email;
soundtrack_site/reader_slots.py), cached under the catalogue's and the article's discussion stamps
(pagecache/stamps.py), and each response fills the values in. Its parts that most changes leave as they are
are kept apart: the form, and the page's list of comments, kept with the last change of each comment it shows (a
new thread goes on the last page; the first page, which most readers read, stays). The form's signed token is a
slot in every section, shared or not, filled for each response by ``pagecache.middleware.PerViewSlotsMiddleware``
(cached pages included). A bound form (a refused post), a confirmation, and a reader who needs a page of their own
(comments of their own: ``pagecache.slots.needs_own_page``) get the section rendered fresh, from their session.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.messages.storage.base import Message
from django.core.cache import cache
from django.db.models import Prefetch, prefetch_related_objects
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

from articles.models import Article, FeaturedTrack
from pagecache.fragments import fragment_key
from pagecache.slots import fill_slots, needs_own_page, slot
from pagecache.stamps import fragment_stamps

from .cards import CARD_TEMPLATE, CommentList
from .forms import CommentForm, account_values
from .models import Comment
from .own_comments import own_comment_ids
from .services import comments_are_open
from .threads import (
    load_threads,
    loaded_versions,
    page_threads,
    page_versions,
    parse_comment_id,
    requested_page,
)

SECTION_TEMPLATE = "comments/section.html"
FORM_TEMPLATE = "comments/form.html"
SECTION_TIMEOUT = 24 * 60 * 60  # its stamps move on every change it shows; this only lets unread ones go
FORM_TOKEN_SLOT = "form_token"  # filled per view (settings.PAGECACHE_PER_VIEW_SLOTS)
CONFIRMATION_TAG = "comment-confirmation"  # a message the section shows beside the comment it is about


def confirm_posting(request, comment: Comment) -> None:
    """Thank the reader for a comment just posted: the next article page shows it beside the comment (or at the
    form, for a comment it does not show), not at the top of the page."""
    if comment.is_public:
        messages.success(request, "Thank you: your comment is published.", extra_tags=CONFIRMATION_TAG)
    elif comment.status == Comment.Status.UNCONFIRMED:
        messages.info(request, _waits_for_confirmation(comment), extra_tags=CONFIRMATION_TAG)
    elif comment.status == Comment.Status.PENDING:
        text = "Thank you: your comment is awaiting moderation. Only you can see it now."
        messages.info(request, text, extra_tags=CONFIRMATION_TAG)
    else:
        text = "Your comment was held by our spam filter; a moderator may release it."
        messages.warning(request, text, extra_tags=CONFIRMATION_TAG)


def _waits_for_confirmation(comment: Comment) -> str:
    # Said whether or not the address left every email from us (then none is sent): the page tells nobody that.
    moderated = {
        "new": " and a moderator approves it (a first comment waits for review)",
        "always": " (and a moderator approves it, for a first comment)",
    }.get(settings.COMMENTS_CONFIRM_EMAIL, "")
    return (
        f"Thank you: we sent a link to {comment.author_email}; your comment appears after you confirm it"
        f"{moderated}. Only you can see it now."
    )


def is_confirmation(message: Message) -> bool:
    return CONFIRMATION_TAG in message.extra_tags.split()


def confirmations(request) -> list[Message]:
    return [message for message in messages.get_messages(request) if is_confirmation(message)]


def render_comment_section(request, article: Article, *, form: CommentForm | None = None) -> SafeString:
    own_page = needs_own_page(request)
    if form is not None or settings.DEBUG or confirmations(request) or (own_page and own_comment_ids(request)):
        context = section_context(
            request, article, form=form, form_initial={"form_token": slot(FORM_TOKEN_SLOT)}, reader=True
        )
        return render_to_string(SECTION_TEMPLATE, context, request=request)

    key = _section_key(request, article)
    html = cache.get(key)
    if html is None:
        html = _render_shared(request, article)
        cache.set(key, html, SECTION_TIMEOUT)
    if own_page:  # a page for this reader alone, their values from their session rather than the hints
        html = fill_slots(html, _reader_values(request))
    return mark_safe(html)  # noqa: S308 (rendered by the template above)


def section_context(
    request, article: Article, *, form: CommentForm | None = None, form_initial: dict | None = None, reader: bool
) -> dict:
    """What the section shows, in a fixed number of queries; ``form_initial`` fills the empty form (slots).
    ``reader``: for this reader alone, from their session (their own comments, their account); otherwise it
    reads no session, and shows what it shows every reader who needs no page of their own."""
    # The article's featured tracks (for the favourites tally, the filter and the form): the page may have fetched
    # them with the article already (articles/pages.py), otherwise this is one query.
    featured = FeaturedTrack.objects.select_related("track").order_by("position")
    prefetch_related_objects([article], Prefetch("featured_tracks", queryset=featured))
    counts = Comment.objects.discussion_counts(article)
    pages = max(1, -(-counts.threads // settings.COMMENTS_THREADS_PER_PAGE))
    page = min(requested_page(request), pages)
    approved = Comment.objects.approved().for_article(article)
    picked_id = request.GET.get("picked")
    picked = next((f for f in article.featured_tracks.all() if str(f.pk) == picked_id), None)
    is_open = comments_are_open(article)
    # A reader who posted recently also sees their own pending comments and edit links (the section is cached only
    # for readers without any).
    own_ids = own_comment_ids(request) if reader else []
    user = request.user if reader else None
    confirmation = confirmations(request)
    if reader or picked is not None:
        nodes, roots = load_threads(article, approved, page=page, pages=pages, picked=picked, own_ids=own_ids)
        # The thanks for a comment just posted (the reader's newest) go beside it, or at the form if it is not shown.
        confirmed_id = own_ids[-1] if confirmation and own_ids and own_ids[-1] in nodes else None
        thanks = (confirmed_id, confirmation) if confirmed_id else None
        comment_list = CommentList(roots, page=page, comments_open=is_open, confirmation=thanks).render()
    else:
        confirmed_id = None
        nodes, comment_list = _shared_comment_list(request, article, approved, page=page, comments_open=is_open)

    reply_to = _replying_to(request, form, nodes, approved)
    if form is None and is_open:
        initial = {"parent": reply_to.pk if reply_to else None} | (form_initial or {})
        form = CommentForm(article=article, user=user, initial=initial)
    return {
        "article": article,
        "counts": counts,
        "comment_list": comment_list,
        "page": page,
        "pages": pages,
        "picked": picked,
        "favourites": [(f, counts.favourite_tracks.get(f.pk, 0)) for f in article.featured_tracks.all()],
        "form": form,
        "reply_to": reply_to,
        "confirmation": [] if confirmed_id else confirmation,
        "comments_open": is_open,
        "edit_minutes": settings.COMMENTS_EDIT_WINDOW_MINUTES,
        "confirm_email": settings.COMMENTS_CONFIRM_EMAIL,
        "signed_in": user is not None and user.is_authenticated,
        # A shared section's: filled with a signed-in reader's token (only their posts are checked for one).
        "csrf_slot": "" if reader else slot("csrf_input"),
    }


def _replying_to(request, form: CommentForm | None, nodes: dict, approved) -> Comment | None:
    """The public comment the form replies to (``?reply_to=``, or a refused reply's parent), from the page's comments
    when they were read (``nodes``)."""
    reply_id = parse_comment_id(
        request.GET.get("reply_to") or (form.data.get("parent") if form is not None and form.is_bound else None)
    )
    if reply_id is None:
        return None
    if shown := nodes.get(reply_id):
        return shown.comment if shown.comment.is_public else None
    return approved.filter(pk=reply_id).first()


def _section_key(request, article: Article) -> str:
    """Everything the shared section shows: its stamps (the catalogue's and the article's discussion's) and what
    changes without moving them."""
    shown = (
        article.pk,
        article.updated_at.timestamp(),
        requested_page(request),
        parse_comment_id(request.GET.get("picked")),
        parse_comment_id(request.GET.get("reply_to")),
        comments_are_open(article),  # closes by the clock, with no change to move a stamp
        timezone.get_current_timezone_name(),
        settings.COMMENTS_THREADS_PER_PAGE,
        settings.COMMENTS_MAX_DEPTH,
        settings.COMMENTS_EDIT_WINDOW_MINUTES,
        settings.COMMENTS_CONFIRM_EMAIL,
        *map(repr, fragment_stamps(request, article.pk)),
    )
    return fragment_key("comment-section", templates=(SECTION_TEMPLATE, CARD_TEMPLATE), shown=shown)


def _shared_comment_list(
    request, article: Article, approved, *, page: int, comments_open: bool
) -> tuple[dict, SafeString]:
    """A page of threads as every reader without comments of their own sees it, kept with the last change of each
    comment it shows (``page_versions``): while they stand, the page's comments are not read again. A new thread
    goes on the last page, so the first page, which most readers read, stays. A first render reads the comments
    alone, and takes the versions from them. (The comments read by pk, none for a kept list; the list.)"""
    shown = (
        article.pk,
        page,
        comments_open,
        timezone.get_current_timezone_name(),
        settings.COMMENTS_THREADS_PER_PAGE,
        settings.COMMENTS_MAX_DEPTH,
        *map(repr, fragment_stamps(request)),  # the catalogue's: a featured track renamed or moved
    )
    key = fragment_key("comment-list", templates=(CARD_TEMPLATE,), shown=shown)
    kept = cache.get(key)
    thread_ids = None  # a first render reads them with the comments
    if kept is not None:
        thread_ids = page_threads(approved, page)
        if kept["versions"] == page_versions(approved, thread_ids):
            return {}, mark_safe(kept["html"])  # noqa: S308 (the cards' template, CommentList)
    nodes, roots = load_threads(article, approved, page=page, own_ids=[], thread_ids=thread_ids)
    html = CommentList(roots, page=page, comments_open=comments_open).render()
    cache.set(key, {"versions": loaded_versions(nodes), "html": html}, SECTION_TIMEOUT)
    return nodes, html


def _render_shared(request, article: Article) -> str:
    # A signed-in reader's name and email are reader slots; a reader without an account's are empty.
    initial = {
        "form_token": slot(FORM_TOKEN_SLOT),
        "author_name": slot("comment_author_name"),
        "author_email": slot("comment_author_email"),
    }
    context = section_context(request, article, form_initial=initial, reader=False)
    if context["comments_open"]:
        context["form_html"] = _shared_form(context)
    return render_to_string(SECTION_TEMPLATE, context, request=request)


def _shared_form(context: dict) -> SafeString:
    """The shared section's form: the same for every reader and whatever the discussion, so kept apart from the
    section, which is rendered again on every new comment."""
    article, form, reply_to = context["article"], context["form"], context["reply_to"]
    shown = (
        article.slug,
        reply_to.pk if reply_to else None,
        [(featured.pk, featured.track.title) for featured in article.featured_tracks.all()],
        [(name, field.label, field.help_text) for name, field in form.fields.items()],
        context["edit_minutes"],
        context["confirm_email"],
        *(slot(name) for name in (FORM_TOKEN_SLOT, "comment_author_name", "comment_author_email", "csrf_input")),
    )
    key = fragment_key("comment-form", templates=(FORM_TEMPLATE,), shown=shown)
    if (html := cache.get(key)) is None:
        html = render_to_string(FORM_TEMPLATE, context)
        cache.set(key, html, SECTION_TIMEOUT)
    return mark_safe(html)  # noqa: S308 (rendered by the template above)


def _reader_values(request) -> dict[str, str]:
    """The reader slots' values from the session itself, for a section rendered for its reader alone."""
    user = request.user
    if not user.is_authenticated:
        return {"comment_author_name": "", "comment_author_email": "", "csrf_input": ""}
    account = account_values(user)
    return {
        "comment_author_name": escape(account["author_name"]),
        "comment_author_email": escape(account["author_email"]),
        "csrf_input": csrf_input(get_token(request)),
    }


def csrf_input(token: str) -> SafeString:
    """The form's CSRF field: only a signed-in reader's post is checked for one (comments/views.py)."""
    return format_html('<input type="hidden" name="csrfmiddlewaretoken" value="{}">', token)
