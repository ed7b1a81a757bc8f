"""The editors' panels of the admin home (their drafts, what is coming up, their recent edits), and people's
names in the admin."""

from django import template

from articles.authors import admin_name as _admin_name
from articles.models import Article
from articles.revisions import RecentEdit, recent_edits

register = template.Library()

PANEL_ROWS = 5


@register.simple_tag
def upcoming_articles(limit: int = PANEL_ROWS) -> list[Article]:
    """The next scheduled articles, for the admin's "Coming up" panel."""
    return list(Article.objects.upcoming().only("title", "publish_at")[:limit])


@register.simple_tag
def drafts_of(user, limit: int = PANEL_ROWS) -> list[Article]:
    """The user's drafts, the last changed first."""
    drafts = Article.objects.drafts().written_by(user).order_by("-updated_at", "-pk")
    return list(drafts.only("title", "updated_at")[:limit])


@register.simple_tag
def recent_edits_of(user, limit: int = PANEL_ROWS) -> list[RecentEdit]:
    """The articles the user saved last, from their revisions."""
    return recent_edits(user, limit=limit)


@register.filter
def admin_name(user) -> str:
    """A user as the admin names them (``articles.authors.admin_name``)."""
    return _admin_name(user)
