from django.conf import settings
from django.db.models import Prefetch
from django.http import Http404, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.generic import DetailView, ListView
from taggit.models import Tag

from pagecache.edge import add_surrogate_keys, surrogate_key

from . import playlists, surrogate_keys, tags
from .forms import SearchForm
from .models import Article, Author, Composer, Work
from .pages import article_parts, for_page, published_article
from .search import postgres

NAMES_SHOWN = 10  # composers, and works, listed above the search results


class ArticleListMixin:
    """A read page whose main content is a paginated list of published articles."""

    context_object_name = "articles"

    def get_paginate_by(self, queryset):
        return settings.ARTICLES_PER_PAGE

    def get_articles(self):
        return Article.objects.published().for_listing()

    def get_canonical_path(self) -> str | None:
        """Where search engines should index the list; None for a list they should not index (search results)."""
        return None

    def get_surrogate_keys(self) -> set[str]:
        """The keys of what the page shows besides its list (its tag, composer or work)."""
        return set()

    def add_surrogate_keys(self, articles) -> None:
        surrogate_keys.list_page(self.request, articles, *self.get_surrogate_keys())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        self.add_surrogate_keys(context["object_list"])
        if path := self.get_canonical_path():
            # The page's own address and page number; nothing else from the query string.
            page = context["page_obj"]
            query = f"?page={page.number}" if page and page.number > 1 else ""
            context["canonical_url"] = self.request.build_absolute_uri(path + query)
        return context


class HomeView(ArticleListMixin, ListView):
    template_name = "articles/home.html"

    def get_queryset(self):
        return self.get_articles()

    def get_canonical_path(self) -> str:
        return reverse("articles:home")


class ArticleDetailView(DetailView):
    template_name = "articles/article_detail.html"

    def get_queryset(self):
        return for_page(Article.objects.visible_to(self.request.user))

    def get_object(self, queryset=None):
        # A published article is found without asking who the reader is: its page then reads no session and can be
        # shared with readers who have one (pagecache/middleware.py).
        if queryset is None:
            try:
                return published_article(self.request, self.kwargs[self.slug_url_kwarg])
            except Article.DoesNotExist:
                pass  # a draft, for those who may preview it
        return super().get_object(queryset)

    def get_context_data(self, **kwargs):
        article = self.object
        context = super().get_context_data(**kwargs)
        context["is_preview"] = not article.is_public
        context["canonical_url"] = self.request.build_absolute_uri(article.get_absolute_url())
        context["parts"] = article_parts(
            self.request, article, is_preview=context["is_preview"], canonical_url=context["canonical_url"]
        )
        return context


class TagView(ArticleListMixin, ListView):
    template_name = "articles/tag_detail.html"

    def get(self, request, *args, **kwargs):
        try:
            return super().get(request, *args, **kwargs)
        except Http404:
            if moved := tags.moved_to(self.kwargs["slug"]):  # renamed or merged: its address now is the tag's
                return HttpResponsePermanentRedirect(reverse("articles:tag", kwargs={"slug": moved.slug}))
            raise

    def get_queryset(self):
        self.tag = get_object_or_404(Tag.objects.select_related("description"), slug=self.kwargs["slug"])
        return self.get_articles().filter(tags=self.tag)

    def get_context_data(self, **kwargs):
        description = self.tag.description.text if hasattr(self.tag, "description") else ""
        meta_description = f"Articles tagged #{self.tag.name}."
        return super().get_context_data(
            tag=self.tag, description=description, meta_description=meta_description, **kwargs
        )

    def get_surrogate_keys(self) -> set[str]:
        return {surrogate_key("tag", self.tag.pk)}

    def get_canonical_path(self) -> str:
        return reverse("articles:tag", kwargs={"slug": self.tag.slug})


class ComposerView(ArticleListMixin, ListView):
    template_name = "articles/composer_detail.html"

    def get_queryset(self):
        self.composer = get_object_or_404(Composer, slug=self.kwargs["slug"])
        return self.get_articles().filter(composers=self.composer)

    def get_context_data(self, **kwargs):
        if photo := self.composer.photo_image:
            kwargs["share_image_url"] = self.request.build_absolute_uri(photo.src)
        self.works = list(Work.objects.timeline_of(self.composer))
        return super().get_context_data(composer=self.composer, works=self.works, **kwargs)

    def get_surrogate_keys(self) -> set[str]:
        return {surrogate_key("composer", self.composer.pk), *(surrogate_key("work", work.pk) for work in self.works)}

    def get_canonical_path(self) -> str:
        return self.composer.get_absolute_url()


class AuthorView(ArticleListMixin, ListView):
    template_name = "articles/author_detail.html"

    def get_queryset(self):
        self.author = get_object_or_404(Author.objects.with_page().select_related("user"), slug=self.kwargs["slug"])
        return self.get_articles().filter(author_id=self.author.user_id)

    def get_context_data(self, **kwargs):
        if photo := self.author.photo_image:
            kwargs["share_image_url"] = self.request.build_absolute_uri(photo.src)
        return super().get_context_data(author=self.author, **kwargs)

    def get_canonical_path(self) -> str:
        return self.author.get_absolute_url()


class WorkView(ArticleListMixin, ListView):
    template_name = "articles/work_detail.html"

    def get_queryset(self):
        self.work = get_object_or_404(Work.objects.prefetch_related("tracks"), slug=self.kwargs["slug"])
        return self.get_articles().filter(work=self.work)

    def get_context_data(self, **kwargs):
        self.composers = list(Composer.objects.credited_on(self.work).only("name", "slug"))
        return super().get_context_data(work=self.work, composers=self.composers, **kwargs)

    def get_surrogate_keys(self) -> set[str]:
        return {surrogate_key("work", self.work.pk), *(surrogate_key("composer", c.pk) for c in self.composers)}

    def get_canonical_path(self) -> str:
        return self.work.get_absolute_url()


class SearchView(ArticleListMixin, ListView):
    template_name = "articles/search.html"

    def get_articles(self):
        # A result shows its work and composers (names and links), not its tags.
        composers = Prefetch("composers", queryset=Composer.objects.only("name", "slug"))
        return Article.objects.published().select_related("work").prefetch_related(composers).without_search_text()

    def get_queryset(self):
        self.form = SearchForm(self.request.GET)
        if not self.form.query:
            return Article.objects.none()
        return self.get_articles().search(self.form.query)

    def add_surrogate_keys(self, articles) -> None:
        pass  # search pages are never cached (PAGE_CACHE_EXCLUDED_PREFIXES)

    def paginate_queryset(self, queryset, page_size):
        """A page number past the end (or not a number) shows the last (or first) page of results."""
        paginator = self.get_paginator(queryset, page_size)
        page = paginator.get_page(self.request.GET.get(self.page_kwarg))
        if queryset.ranked_page and paginator.count:
            page.object_list = queryset.ranked_page(page.start_index() - 1, page.end_index())
        return paginator, page, page.object_list, page.has_other_pages()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(form=self.form, query=self.form.query, **kwargs)
        # Only the newest matches are shown past the cap, so the count is a lower bound there.
        context["capped"] = context["paginator"].count >= postgres.SEARCH_MAX_RESULTS
        shown = context["page_obj"].object_list
        context["correction"] = correction = getattr(shown[0], "search_correction", "") if shown else ""
        # Phrases in quotes are full text's; the other tips hold on every database.
        context["phrases_searched"] = postgres.is_indexed(self.get_articles().db)
        if self.form.query and context["page_obj"].number == 1:
            context["composers"], context["works"] = self.names_found(self.form.query, correction)
        return context

    def names_found(self, query: str, correction: str) -> tuple[list[Composer], list[Work]]:
        """The composers and works the query names (or its correction does), for the first page of results."""
        composers, works = Composer.objects.matching(query), Work.objects.matching(query)
        if correction:
            composers |= Composer.objects.matching(correction)
            works |= Work.objects.matching(correction)
        return (
            list(composers.only("name", "slug")[:NAMES_SHOWN]),
            list(works.only("title", "year", "kind", "slug")[:NAMES_SHOWN]),
        )


PLAYLIST_FORMATS = {  # the format in the address: its media type, and how it is written
    "xspf": ("application/xspf+xml", playlists.as_xspf),
    "m3u8": ("audio/mpegurl; charset=utf-8", playlists.as_m3u8),
}


def playlist_response(request, playlist: playlists.Playlist, name: str, playlist_format: str, keys: set[str]):
    """The playlist in the format asked for, carrying the keys of what it shows (its own page's, and the articles'
    whose featured tracks it lists: an edit to one purges it)."""
    if playlist_format not in PLAYLIST_FORMATS:
        raise Http404("Playlists come as .xspf or .m3u8.")
    media_type, write = PLAYLIST_FORMATS[playlist_format]
    add_surrogate_keys(request, keys | {surrogate_key("article", pk) for pk in playlist.article_ids})
    response = HttpResponse(write(playlist), content_type=media_type)
    response["Content-Disposition"] = f'inline; filename="{name}.{playlist_format}"'
    return response


def article_playlist(request, slug: str, playlist_format: str):
    """The article's featured tracks, in its order (drafts for those who may preview them)."""
    article = get_object_or_404(Article.objects.visible_to(request.user).select_related("work"), slug=slug)
    playlist = playlists.for_article(article, request.build_absolute_uri)
    return playlist_response(request, playlist, article.slug, playlist_format, {surrogate_key("work", article.work_id)})


def work_playlist(request, slug: str, playlist_format: str):
    work = get_object_or_404(Work, slug=slug)
    playlist = playlists.for_work(work, request.build_absolute_uri)
    return playlist_response(request, playlist, work.slug, playlist_format, {surrogate_key("work", work.pk)})


def composer_playlist(request, slug: str, playlist_format: str):
    composer = get_object_or_404(Composer, slug=slug)
    playlist = playlists.for_composer(composer, request.build_absolute_uri)
    keys = {surrogate_key("composer", composer.pk)}
    return playlist_response(request, playlist, composer.slug, playlist_format, keys)
