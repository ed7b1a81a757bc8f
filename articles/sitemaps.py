"""What crawlers are told: a sitemap index of paginated sections, and robots.txt pointing at it."""

from django.contrib.sitemaps import Sitemap
from django.db.models import Max
from django.http import HttpResponse
from django.urls import reverse
from taggit.models import Tag

from .models import Article, Author, Composer, Work

# URLs per sitemap page: small pages are quick to build and cache; the index lists every page.
SITEMAP_PAGE_SIZE = 1000


class PagedSitemap(Sitemap):
    limit = SITEMAP_PAGE_SIZE


class ArticleSitemap(PagedSitemap):
    def items(self):
        return Article.objects.published().only("slug", "updated_at").newest_first()

    def lastmod(self, article):
        return article.updated_at

    def get_latest_lastmod(self):
        # The index asks for it: one aggregate, not a walk through every article.
        return Article.objects.published().aggregate(latest=Max("updated_at"))["latest"]


class TagSitemap(PagedSitemap):
    def items(self):
        return Tag.objects.filter(article__in=Article.objects.published()).distinct().order_by("name")

    def location(self, tag):
        return reverse("articles:tag", kwargs={"slug": tag.slug})


class ComposerSitemap(PagedSitemap):
    def items(self):
        return Composer.objects.only("slug")


class AuthorSitemap(PagedSitemap):
    def items(self):
        """Authors with a page and a published article (a page listing nothing is not worth a crawl)."""
        published = Article.objects.published().values("author_id")
        return Author.objects.with_page().filter(user__in=published).only("slug").order_by("slug")


class WorkSitemap(PagedSitemap):
    def items(self):
        return Work.objects.only("slug")


SITEMAPS = {
    "articles": ArticleSitemap,
    "tags": TagSitemap,
    "composers": ComposerSitemap,
    "works": WorkSitemap,
    "authors": AuthorSitemap,
}

# Path prefixes, as robots.txt wants them. Search results are kept out: every query makes a new URL of thin,
# duplicate content (the articles are reachable through the sitemap and the tag, composer and work pages), and
# each crawl of one is a full-text query on the database. The comment forms (edit, delete, report) are noindex.
DISALLOWED_PATHS = ["/admin/", "/search/", "/comments/"]


def robots_txt(request):
    lines = ["User-agent: *", *(f"Disallow: {path}" for path in DISALLOWED_PATHS), ""]
    lines.append(f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}")
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
