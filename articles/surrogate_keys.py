"""Which pages show what (the surrogate keys they carry), and which keys a change purges (pagecache/edge.py).

Pages carry a key for each row they show: ``article-<pk>``, ``work-<pk>``, ``composer-<pk>``, ``tag-<pk>``; an
article's page also carries ``comments-<pk>`` (its comment section) and its neighbours' ``article-<pk>`` (their
titles link there). Pages that list articles carry ``lists`` too.

A change to one of those rows purges its key; a change to what a list holds (an article's own fields, its tags or
composers) purges ``lists`` as well. Changes with no precise mapping purge ``catalogue``, every page: an article made
or deleted, published, unpublished or moved in time (its neighbours change), an author's name or profile, tags or
composers taken off articles from their side, bulk publishing.
"""

from collections.abc import Iterable

from taggit.models import Tag

from pagecache.edge import CATALOGUE, LISTS, add_surrogate_keys, discussion_keys, surrogate_key

from .models import Composer, TagAlias, TagDescription, Track, Work


def shown_on_cards(articles: Iterable) -> set[str]:
    """The keys of articles listed as cards: each article, its work, composers and tags (from the list's
    prefetches: no query)."""
    keys = set()
    for article in articles:
        keys |= {surrogate_key("article", article.pk), surrogate_key("work", article.work_id)}
        keys |= {surrogate_key("composer", composer.pk) for composer in article.composers.all()}
        keys |= {surrogate_key("tag", tag.pk) for tag in article.tags.all()}
    return keys


def shown_on_article_page(article, *, neighbours, related=()) -> set[str]:
    """The keys of an article's page: its card's (its featured tracks are its work's), its comments, its
    neighbours and the related articles it links to (by title, with their work)."""
    return (
        shown_on_cards([article])
        | discussion_keys([article.pk])
        | {surrogate_key("article", neighbour.pk) for neighbour in neighbours if neighbour is not None}
        | {
            key
            for other in related
            for key in (surrogate_key("article", other.pk), surrogate_key("work", other.work_id))
        }
    )


def list_page(request, articles: Iterable, *shown: str) -> None:
    """Say what a page listing ``articles`` shows: ``lists``, the cards, and ``shown`` (the page's own tag...)."""
    add_surrogate_keys(request, {LISTS, *shown_on_cards(articles), *shown})


def purged_by_article_change(article, *, visibility_changed: bool) -> set[str]:
    if visibility_changed:
        return {CATALOGUE}
    return {surrogate_key("article", article.pk), LISTS}


def purged_by_part_change(part) -> set[str]:
    """A section or featured track: shown only on its article's page."""
    return {surrogate_key("article", part.article_id)}


def purged_by_catalogue_change(instance) -> set[str]:
    """A work, composer, tag or track: the pages that show it."""
    match instance:
        case Work():
            return {surrogate_key("work", instance.pk)}
        case Track():
            return {surrogate_key("work", instance.work_id)}
        case Composer():
            return {surrogate_key("composer", instance.pk)}
        case Tag():
            return {surrogate_key("tag", instance.pk)}
        case TagAlias() | TagDescription():  # shown on, or leading to, the tag's page
            return {surrogate_key("tag", instance.tag_id)}
    return {CATALOGUE}
