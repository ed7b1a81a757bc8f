"""The queue's filters: by status (the queue opens on what waits), by readers' reports, by one article."""

from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters

from articles.models import Article

from ..models import Comment


class StatusFilter(admin.SimpleListFilter):
    """Comments in one status, or in all of them.

    The parameter keeps the name Django's own filter on the field gave it, so that older links (the admin home's
    "awaiting moderation") keep working. The queue opens on pending (``CommentAdmin.changelist_view``), so "All"
    needs a value of its own. The queue's tabs offer it (tabs.py): the queue has no sidebar, which would take the
    width the comments need.
    """

    title = "status"
    parameter_name = "status__exact"
    ALL = "all"

    def lookups(self, request, model_admin):
        return Comment.Status.choices

    def choices(self, changelist):
        value = self.value()
        yield {
            "selected": value in (None, self.ALL),
            "query_string": changelist.get_query_string({self.parameter_name: self.ALL}),
            "display": "All",
        }
        for lookup, title in self.lookup_choices:
            yield {
                "selected": value == lookup,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }

    def queryset(self, request, queryset):
        value = self.value()
        if value in (None, self.ALL):
            return queryset
        if value not in Comment.Status.values:
            raise IncorrectLookupParameters("No such status.")
        return queryset.filter(status=value)


class ReportedFilter(admin.SimpleListFilter):
    """Comments readers reported; the queue's tabs offer it, as they offer the status."""

    title = "reports"
    parameter_name = "reported"

    def lookups(self, request, model_admin):
        return [("yes", "Reported"), ("again", "Reported again after approval"), ("no", "Not reported")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.reported()
        if self.value() == "again":
            return queryset.reported_since_review()
        if self.value() == "no":
            return queryset.filter(report_count=0)
        return queryset


def may_see_unpublished_articles(user) -> bool:
    """Those who may see articles in the admin; a Moderators-only account learns nothing about drafts here."""
    return user.has_perm("articles.view_article") or user.has_perm("articles.change_article")


def articles_visible_to(user):
    return Article.objects.all() if may_see_unpublished_articles(user) else Article.objects.published()


class ArticleFilter(admin.SimpleListFilter):
    """The comments on one article, chosen from the article column: listing every article with comments here
    would read the whole comments table on each load. Only articles the user may see are named or accepted; the
    queue names the chosen one above its list (``QueueChangeList.chosen_article``)."""

    title = "article"
    parameter_name = "article__id__exact"

    def lookups(self, request, model_admin):
        value = self.value()
        if not value:
            return []
        visible = articles_visible_to(request.user).only("title")
        article = visible.filter(pk=int(value)).first() if value.isascii() and value.isdigit() else None
        if article is None:  # Django's "incorrect filter" page then, which names nothing
            raise IncorrectLookupParameters("No such article.")
        return [(str(article.pk), article.title)]

    def queryset(self, request, queryset):
        return queryset.filter(article_id=int(self.value())) if self.value() else queryset
