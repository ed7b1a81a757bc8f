"""RSS 2.0 and Atom feeds of the latest published articles: the whole site's, and each tag's, composer's and work's."""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.db.models import Prefetch
from django.http import Http404, HttpResponsePermanentRedirect
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from taggit.models import Tag

from . import tags
from .models import Article, Composer, FeaturedTrack, Work


class LatestArticlesFeed(Feed):
    # The standfirst, or the whole article when FEEDS_FULL_TEXT is on; sanitized like the article page.
    description_template = "articles/feed_item.html"

    def title(self):
        return settings.SITE_NAME

    def link(self):
        return reverse("articles:home")

    def description(self, obj):
        return "Long-form writing about film, TV and game soundtracks."

    def articles(self, obj):
        return Article.objects.published()

    def items(self, obj):
        articles = self.articles(obj).for_listing().select_related("author__author_profile")
        if settings.FEEDS_FULL_TEXT:
            articles = articles.prefetch_related(
                "sections", Prefetch("featured_tracks", queryset=FeaturedTrack.objects.select_related("track"))
            )
        return articles[: settings.FEEDS_ITEMS]

    def get_context_data(self, **kwargs):
        return {"article": kwargs["item"], "full_text": settings.FEEDS_FULL_TEXT}

    def item_pubdate(self, article):
        return article.publish_at

    def item_updateddate(self, article):
        return article.updated_at

    def item_author_name(self, article):
        return article.byline or None

    def item_categories(self, article):
        return [tag.name for tag in article.tags.all()]


class TagFeed(LatestArticlesFeed):
    def __call__(self, request, *args, **kwargs):
        try:
            return super().__call__(request, *args, **kwargs)
        except Http404:  # no such tag: a renamed or merged tag's feed is at the tag's address now
            if moved := tags.moved_to(kwargs["slug"]):
                view = request.resolver_match.view_name
                return HttpResponsePermanentRedirect(reverse(view, kwargs={"slug": moved.slug}))
            raise

    def get_object(self, request, slug):
        return Tag.objects.get(slug=slug)  # Tag.DoesNotExist becomes a 404

    def title(self, tag):
        return f"#{tag.name} · {settings.SITE_NAME}"

    def link(self, tag):
        return reverse("articles:tag", kwargs={"slug": tag.slug})

    def description(self, tag):
        return f"Articles tagged #{tag.name}."

    def articles(self, tag):
        return super().articles(tag).filter(tags=tag)


class ComposerFeed(LatestArticlesFeed):
    def get_object(self, request, slug):
        return Composer.objects.get(slug=slug)

    def title(self, composer):
        return f"{composer.name} · {settings.SITE_NAME}"

    def link(self, composer):
        return composer.get_absolute_url()

    def description(self, composer):
        return f"Articles about the scores of {composer.name}."

    def articles(self, composer):
        return super().articles(composer).filter(composers=composer)


class WorkFeed(LatestArticlesFeed):
    def get_object(self, request, slug):
        return Work.objects.get(slug=slug)

    def title(self, work):
        return f"{work} · {settings.SITE_NAME}"

    def link(self, work):
        return work.get_absolute_url()

    def description(self, work):
        return f"Articles about the soundtrack of {work}."

    def articles(self, work):
        return super().articles(work).filter(work=work)


class AtomFeedMixin:
    feed_type = Atom1Feed

    def subtitle(self, obj):
        return self.description(obj)  # Atom's name for RSS's description

    def item_title(self, article):
        # An Atom title is plain text; RSS readers take it as HTML, hence Django's double escaping there.
        return article.title


class LatestArticlesAtomFeed(AtomFeedMixin, LatestArticlesFeed):
    pass


class TagAtomFeed(AtomFeedMixin, TagFeed):
    pass


class ComposerAtomFeed(AtomFeedMixin, ComposerFeed):
    pass


class WorkAtomFeed(AtomFeedMixin, WorkFeed):
    pass
