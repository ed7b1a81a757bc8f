"""The parts of an article's page that only its content changes: rendered once, cached, shared by every reader."""

from functools import cache as once

from django.conf import settings
from django.core.cache import cache
from django.db.models import Prefetch, prefetch_related_objects
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from pagecache.edge import add_surrogate_keys
from pagecache.fragments import fragment_key
from pagecache.stamps import fragment_stamps

from .models import Article, FeaturedTrack, Section
from .nearby import nearby
from .placeholders import Placeholder, placeholders_left
from .structured_data import article_graph, json_ld_script
from .surrogate_keys import shown_on_article_page

ARTICLE_PARTS = ("meta", "body", "neighbours", "related")

PARTS_TEMPLATES = tuple(f"articles/includes/article_{name}.html" for name in ARTICLE_PARTS)
ARTICLE_PARTS_TIMEOUT = 24 * 60 * 60
SURROGATE_KEYS = "surrogate_keys"  # kept with the parts: what they show, for the page's own keys
FEATURED_TRACKS = Prefetch(
    "featured_tracks", queryset=FeaturedTrack.objects.select_related("track", "section").order_by("position")
)
ARTICLE_PREFETCHES = (
    "tags",
    "composers",
    Prefetch("sections", queryset=Section.objects.order_by("position")),
    FEATURED_TRACKS,
    "featured_tracks__track__composers",  # for the structured data
)


def for_page(articles):
    """``articles`` with what the page shows of each beside its parts: its work and its author."""
    return articles.select_related("work", "author__author_profile").without_search_text()


def published_article(request, slug: str) -> Article:
    """The public article at ``slug`` as its page and a comment's post read it, its featured tracks with it (the
    comment section's tally and form show them). While the page cache is on, it is cached under the catalogue stamp, as
    its parts are: the page rendered again after a new comment, and the post, read no article from the database.
    Raises ``Article.DoesNotExist``."""
    articles = for_page(Article.objects.published())
    if not settings.PAGE_CACHE_SECONDS or settings.DEBUG:
        return articles.get(slug=slug)
    (catalogue,) = fragment_stamps(request)
    key = fragment_key("published-article", templates=(), shown=(slug, catalogue, *_article_columns()))
    article = cache.get(key)
    if article is None or not article.is_public:  # (kept only while public: an article leaves only by a change)
        article = articles.get(slug=slug)
        prefetch_related_objects([article], FEATURED_TRACKS)
        cache.set(key, article, ARTICLE_PARTS_TIMEOUT)
    return article


@once
def _article_columns() -> tuple[str, ...]:
    """The model's columns, in the kept article's key: an object pickled by an earlier release is never read by one
    with other fields. Read once per process, not on every view."""
    return tuple(field.attname for field in Article._meta.concrete_fields)


def article_parts(request, article, *, is_preview: bool, canonical_url: str = "") -> dict:
    """The head's meta tags and structured data, the article itself and the links to its neighbours, as HTML.

    A public article's parts are cached under the catalogue stamp (any change to articles, works, composers or tags
    moves it; pagecache/stamps.py), so a page rendered for a signed-in reader runs none of the article's
    prefetch queries; previews are never cached.
    """
    key = None
    if not is_preview and not settings.DEBUG:
        (catalogue,) = fragment_stamps(request)  # comments do not show in these parts: their stamps are not needed
        shown = (article.pk, article.updated_at.timestamp(), catalogue, request.get_host(), request.scheme)
        shown += tuple(settings.SECURE_CSP.get("frame-src", ()))  # a track's player is offered where it is framed
        key = fragment_key("article-parts", templates=PARTS_TEMPLATES, shown=shown)
        if (parts := cache.get(key)) is not None:
            return _shown(request, parts)

    if isinstance(article, Article):
        prefetch_related_objects([article], *ARTICLE_PREFETCHES)
    context = {"article": article, "is_preview": is_preview, "canonical_url": canonical_url}
    if is_preview:
        context["placeholders_left"] = highlight_placeholders(article)
    if cover := article.cover_image:
        context["share_image_url"] = request.build_absolute_uri(cover.src)
    if not is_preview:
        around = nearby(article)
        context |= {
            "previous_article": around.previous,
            "next_article": around.next,
            "related_articles": around.related,
        }
    parts = {
        name: render_to_string(f"articles/includes/article_{name}.html", context, request=request)
        for name in ARTICLE_PARTS
    }
    parts["structured_data"] = "" if is_preview else str(json_ld_script(article_graph(request, article)))
    neighbours = (context.get("previous_article"), context.get("next_article"))
    keys = shown_on_article_page(article, neighbours=neighbours, related=context.get("related_articles", ()))
    parts[SURROGATE_KEYS] = " ".join(sorted(keys))
    if key:
        cache.set(key, parts, ARTICLE_PARTS_TIMEOUT)
    return _shown(request, parts)


def _shown(request, parts: dict[str, str]) -> dict:
    """The parts as HTML, once the page is told what they show (pagecache/edge.py)."""
    add_surrogate_keys(request, parts[SURROGATE_KEYS].split())
    return {name: mark_safe(html) for name, html in parts.items() if name != SURROGATE_KEYS}  # noqa: S308 (ours)


def highlight_placeholders(article) -> list[Placeholder]:
    """For a preview: the placeholders left, highlighted in the article's HTML (rendered again, never saved)."""
    if left := placeholders_left(article):
        article.render_html(highlight_placeholders=True)
        for part in (*article.sections.all(), *article.featured_tracks.all()):
            part.render_html(highlight_placeholders=True)
    return left
