"""What the bench reads, and as whom: the pages (anonymous, signed in, a moderator's) and their session cookies."""

import urllib.parse
from typing import NamedTuple

READER, MODERATOR = "bench-reader", "bench-moderator"
# A signed-in reader who posted comments from this browser: the article pages are rendered for them alone.
COMMENTER = "bench-commenter"


class Page(NamedTuple):
    key: str  # its name in the results
    label: str
    path: str
    user: str | None  # whose cookie it is read with; None: anonymous


def sign_in() -> dict[str, str]:
    """A signed-in reader, a commenter and a moderator: the cookies of each, by username, as a browser holds them
    after signing in (the session's, the CSRF cookie and the hints of soundtrack_site/reader_slots.py)."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
    from django.contrib.auth.models import Group
    from django.contrib.sessions.backends.cached_db import SessionStore
    from django.middleware.csrf import CSRF_ALLOWED_CHARS, CSRF_SECRET_LENGTH
    from django.utils.crypto import get_random_string

    from comments.own_comments import own_comments_cookie
    from soundtrack_site.reader_slots import hint_cookies

    users = get_user_model()
    cookies = {}
    for username, staff in ((READER, False), (COMMENTER, False), (MODERATOR, True)):
        user, _ = users.objects.update_or_create(
            username=username, defaults={"is_staff": staff, "email": f"{username}@example.com"}
        )
        user.set_unusable_password()
        user.save()
        if staff:
            user.groups.add(Group.objects.get(name="Moderators"))
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        jar = {
            settings.SESSION_COOKIE_NAME: session.session_key,
            settings.CSRF_COOKIE_NAME: get_random_string(CSRF_SECRET_LENGTH, CSRF_ALLOWED_CHARS),
            **hint_cookies(user),
            # A note of comments posted from the browser: their pages are rendered for them.
            **({settings.COMMENTS_OWN_COOKIE_NAME: own_comments_cookie([])} if username == COMMENTER else {}),
        }
        cookies[username] = "; ".join(f"{name}={value}" for name, value in jar.items())
    return cookies


def pick_pages() -> tuple[list[Page], list[str]]:
    """Every page the bench loads, and the slugs of the articles it posts comments to."""
    from taggit.models import Tag

    from articles.models import Article
    from bench.generate import HOT_SLUG, MID_SLUG, SEARCH_PHRASE

    mid = Article.objects.prefetch_related("composers").select_related("work").get(slug=MID_SLUG)
    hot = Article.objects.select_related("work").get(slug=HOT_SLUG)
    composer = mid.composers.all()[0]
    tag = mid.tags.order_by("name").first() or Tag.objects.order_by("name").first()
    word = composer.name.split()[1].lower()  # a surname: found in its composer's articles
    title_word = max(hot.work.title.split(), key=len)
    misspelt = title_word[:2] + title_word[3:]  # one letter dropped: full text misses, similarity finds
    post_slugs = list(
        Article.objects.exclude(slug__in=[HOT_SLUG, MID_SLUG])
        .order_by("-publish_at")
        .values_list("slug", flat=True)[:16]
    )
    article = f"/articles/{MID_SLUG}/"
    hot_path = f"/articles/{HOT_SLUG}/"
    search = "/search/?q="
    pages = [
        Page("home", "Home", "/", None),
        Page("article", "Article, 200 comments", article, None),
        Page("article_signed_in", "Article, 200 comments, signed in (the shared cached page)", article, READER),
        Page("article_own", "Article, 200 comments, a commenter (rendered for them)", article, COMMENTER),
        Page("hot", "Hot article, 1,000 comments", hot_path, None),
        Page("hot_signed_in", "Hot article, signed in (the shared cached page)", hot_path, READER),
        Page("hot_own", "Hot article, a commenter (rendered for them)", hot_path, COMMENTER),
        Page("tag", "Tag", f"/tags/{tag.slug}/", None),
        Page("tag_signed_in", "Tag, signed in (the shared cached page)", f"/tags/{tag.slug}/", READER),
        Page("composer", "Composer", composer.get_absolute_url(), None),
        Page("composer_signed_in", "Composer, signed in (the shared cached page)", composer.get_absolute_url(), READER),
        Page("search_word", f"Search: {word}", search + urllib.parse.quote(word), None),
        Page("search_phrase", f'Search: "{SEARCH_PHRASE}"', search + urllib.parse.quote(f'"{SEARCH_PHRASE}"'), None),
        Page("search_misspelt", f"Search: {misspelt} (misspelt)", search + urllib.parse.quote(misspelt), None),
        Page("feed", "RSS feed", "/feeds/rss/", None),
        Page("feed_signed_in", "RSS feed, signed in (the shared cached page)", "/feeds/rss/", READER),
        Page("sitemap", "Sitemap", "/sitemap.xml", None),
        Page("sitemap_signed_in", "Sitemap, signed in (the shared cached page)", "/sitemap.xml", READER),
        Page("moderation", "Moderation queue (moderator)", "/admin/comments/comment/", MODERATOR),
    ]
    return pages, post_slugs
