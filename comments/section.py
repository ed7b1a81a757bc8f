"""The comment section under an article, rendered once per content version and shared by every reader.

The section (counts, favourite tracks, the page of comments, the empty form) looks the same to every reader who
has no comments of their own in it. It is rendered once with placeholders where a signed-in reader's own values go
(the CSRF token, their name and email) and cached under the catalogue's stamp and the article's comment stamp
(soundtrack_site/pagecache.py); each view swaps its values in. The form's signed stamp is a placeholder in every
section, shared or not, filled by comments.middleware.FormStampMiddleware for each response (cached pages
included). A bound form (a refused post) and a reader's own comments are always rendered fresh.
"""

from django.conf import settings
from django.core.cache import cache
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from articles.models import Article
from soundtrack_site.fragments import templates_digest
from soundtrack_site.pagecache import fragment_versions

from .discussion import build_discussion, own_comment_ids, parse_comment_id, requested_page
from .forms import CommentForm
from .rendering import CARD_TEMPLATE
from .services import comments_are_open

SECTION_TEMPLATE = "comments/section.html"
SECTION_TIMEOUT = 24 * 60 * 60  # its stamps move on every change it shows; this only lets unread ones go


def placeholder(name: str) -> str:
    """Stands for a per-view value in the cached HTML. Derived from the secret key, so no comment can contain one
    (a reader would see their own CSRF token or name inside somebody's comment); letters and digits only, so
    escaping leaves it as it is."""
    return "ph" + salted_hmac("comments.section.placeholder", name, algorithm="sha256").hexdigest()[:30]


def render_comment_section(request, article: Article, *, form: CommentForm | None = None) -> SafeString:
    if form is not None or settings.DEBUG or own_comment_ids(request):
        discussion = build_discussion(request, article, form=form, form_initial={"stamp": placeholder("stamp")})
        return render_to_string(SECTION_TEMPLATE, discussion, request=request)

    signed_in = request.user.is_authenticated
    key = _section_key(request, article, signed_in=signed_in)
    html = cache.get(key)
    if html is None:
        html = _render_shared(request, article, signed_in=signed_in)
        cache.set(key, html, SECTION_TIMEOUT)
    return mark_safe(_fill_in(html, request, signed_in=signed_in))  # noqa: S308 (rendered by the template above)


def _section_key(request, article: Article, *, signed_in: bool) -> str:
    """Everything the shared section depends on besides what moves its stamps (the catalogue's and the article's
    comments', which are in the key too)."""
    shown = (
        article.pk,
        article.updated_at.timestamp(),
        requested_page(request),
        parse_comment_id(request.GET.get("picked")),
        parse_comment_id(request.GET.get("reply_to")),
        signed_in,
        comments_are_open(article),  # closes by the clock, with no change to move the stamp
        timezone.get_current_timezone_name(),
        settings.COMMENTS_THREADS_PER_PAGE,
        settings.COMMENTS_MAX_DEPTH,
        settings.COMMENTS_EDIT_WINDOW_MINUTES,
        *map(repr, fragment_versions(request, article.pk)),
    )
    return f"comments:section:{templates_digest(SECTION_TEMPLATE, CARD_TEMPLATE)}:" + ":".join(map(str, shown))


def _render_shared(request, article: Article, *, signed_in: bool) -> str:
    initial = {"stamp": placeholder("stamp")}
    context = {}
    if signed_in:
        initial |= {"author_name": placeholder("author_name"), "author_email": placeholder("author_email")}
        context["csrf_token"] = placeholder("csrf_token")
    discussion = build_discussion(request, article, form_initial=initial)
    return render_to_string(SECTION_TEMPLATE, discussion | context, request=request)


def _fill_in(html: str, request, *, signed_in: bool) -> str:
    if not signed_in:
        return html
    user = request.user
    values = {
        "author_name": escape(user.get_full_name() or user.get_username()),
        "author_email": escape(user.email),
        "csrf_token": get_token(request),
    }
    for name, value in values.items():
        html = html.replace(placeholder(name), value)
    return html
