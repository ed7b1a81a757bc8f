from django.conf import settings
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.views.generic import DetailView, ListView
from taggit.models import Tag

from .models import Article, Composer, FeaturedTrack, Section, Work


class ArticleListMixin:
    """A read page whose main content is a paginated list of published articles."""

    context_object_name = "articles"

    def get_paginate_by(self, queryset):
        return settings.ARTICLES_PER_PAGE

    def get_articles(self):
        return Article.objects.published().for_listing()


class HomeView(ArticleListMixin, ListView):
    template_name = "articles/home.html"

    def get_queryset(self):
        return self.get_articles()


class ArticleDetailView(DetailView):
    template_name = "articles/article_detail.html"

    def get_queryset(self):
        return (
            Article.objects.visible_to(self.request.user)
            .select_related("work", "author")
            .prefetch_related(
                "tags",
                "composers",
                Prefetch("sections", queryset=Section.objects.order_by("position")),
                Prefetch(
                    "featured_tracks",
                    queryset=FeaturedTrack.objects.select_related("track", "section").order_by("position"),
                ),
            )
        )

    def get_context_data(self, **kwargs):
        article = self.object
        context = super().get_context_data(**kwargs)
        context["is_preview"] = not article.is_public
        if article.is_public:
            context["previous_article"], context["next_article"] = article.neighbours()
        return context


class TagView(ArticleListMixin, ListView):
    template_name = "articles/tag_detail.html"

    def get_queryset(self):
        self.tag = get_object_or_404(Tag, slug=self.kwargs["slug"])
        return self.get_articles().filter(tags=self.tag)

    def get_context_data(self, **kwargs):
        return super().get_context_data(tag=self.tag, **kwargs)


class ComposerView(ArticleListMixin, ListView):
    template_name = "articles/composer_detail.html"

    def get_queryset(self):
        self.composer = get_object_or_404(Composer, slug=self.kwargs["slug"])
        return self.get_articles().filter(composers=self.composer)

    def get_context_data(self, **kwargs):
        return super().get_context_data(composer=self.composer, **kwargs)


class WorkView(ArticleListMixin, ListView):
    template_name = "articles/work_detail.html"

    def get_queryset(self):
        self.work = get_object_or_404(Work.objects.prefetch_related("tracks"), slug=self.kwargs["slug"])
        return self.get_articles().filter(work=self.work)

    def get_context_data(self, **kwargs):
        return super().get_context_data(work=self.work, **kwargs)
