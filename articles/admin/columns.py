"""The articles list's computed columns, short enough that the titles keep the room at a desktop's width."""

from django.contrib import admin
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html

from ..authors import admin_name
from ..models import Article
from ..templatetags.soundtrack import iso_datetime


def _time(value, format_string: str):
    local = timezone.localtime(value)
    return format_html('<time datetime="{}">{}</time>', iso_datetime(local), date_format(local, format_string))


class ArticleColumnsMixin:
    """For ArticleAdmin: the publication (status and time in one column), the author by name, the last save."""

    @admin.display(description="Publication", ordering="publish_at")
    def publication(self, article: Article):
        if article.status == Article.Status.DRAFT:
            return "Draft"
        if article.is_public:
            label = "Published" if article.status == Article.Status.PUBLISHED else "Published (scheduled)"
        else:
            label = "Scheduled for"
        return format_html('{}<br><span class="quiet">{}</span>', label, _time(article.publish_at, "j M Y, H:i"))

    @admin.display(description="Author", ordering="author__last_name")
    def author_name(self, article: Article):
        return admin_name(article.author) if article.author_id else "—"

    @admin.display(description="Last saved", ordering="updated_at")
    def last_saved(self, article: Article):
        return _time(article.updated_at, "j M, H:i")
