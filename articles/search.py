"""The search index: each article's stored search text and weighted vector (PostgreSQL), kept current.

Signal receivers note which articles a change touches; the refresh runs once per article when the transaction
commits, however many rows of it were saved. Searching itself is ``Article.objects.search()``.
"""

import html
from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.search import SearchVector
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models import Prefetch, TextField, Value
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete
from django.utils.html import escape, strip_tags
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from taggit.models import Tag

from .models import (
    HIGHLIGHT_START,
    HIGHLIGHT_STOP,
    SEARCH_CONFIG,
    Article,
    Composer,
    FeaturedTrack,
    SearchWord,
    Section,
    Track,
    Work,
)
from .spelling import record_words

PENDING_ATTRIBUTE = "articles_pending_search_refresh"
EXCERPT_WORDS = 40


def one_line(text: str) -> str:
    """Text on one line, without the characters reserved for highlights."""
    return " ".join(text.replace(HIGHLIGHT_START, " ").replace(HIGHLIGHT_STOP, " ").split())


def plain_text(fragment: str) -> str:
    """Rendered (and sanitized) HTML as one line of plain text."""
    return one_line(html.unescape(strip_tags(fragment)))


@dataclass(frozen=True)
class SearchDocument:
    """What an article is found by, by weight: its title (A); its work, composers and tags (B); its text (C)."""

    title: str
    names: str
    text: str

    @classmethod
    def of(cls, article: Article) -> "SearchDocument":
        """The document of an article fetched with ``indexable_articles()``."""
        names = [article.work.title, *(c.name for c in article.composers.all()), *(t.name for t in article.tags.all())]
        text = [plain_text(article.standfirst_html)]
        for section in article.sections.all():
            text += [one_line(section.heading), plain_text(section.body_html)]
        for featured in article.featured_tracks.all():
            text += [one_line(featured.track.title), plain_text(featured.note_html)]
        return cls(
            title=one_line(article.title), names="\n".join(map(one_line, names)), text="\n".join(filter(None, text))
        )

    def vector(self) -> SearchVector:
        def weighted(text: str, weight: str) -> SearchVector:
            return SearchVector(Value(text, output_field=TextField()), weight=weight, config=SEARCH_CONFIG)

        return weighted(self.title, "A") + weighted(self.names, "B") + weighted(self.text, "C")


def indexable_articles(using: str = DEFAULT_DB_ALIAS):
    return (
        Article.objects.using(using)
        .select_related("work")
        .prefetch_related(
            "composers",
            "tags",
            Prefetch("sections", queryset=Section.objects.order_by("position")),
            Prefetch("featured_tracks", queryset=FeaturedTrack.objects.select_related("track").order_by("position")),
        )
        .without_search_text()
    )


def is_indexed(using: str) -> bool:
    """The stored index exists on PostgreSQL only; elsewhere ``Article.objects.search()`` reads the tables."""
    return connections[using].vendor == "postgresql"


def refresh_search_vectors(article_ids: Iterable[int], *, using: str = DEFAULT_DB_ALIAS) -> int:
    """Recompute the stored search text and vector of these articles; return how many were refreshed."""
    if not is_indexed(using):
        return 0
    refreshed = 0
    # Each row is locked from its read to its write: when edits race, the refresh that reads last writes last.
    articles = indexable_articles(using).filter(pk__in=set(article_ids)).order_by("pk").select_for_update(of=["self"])
    with transaction.atomic(using=using):
        texts = []
        for article in articles:
            document = SearchDocument.of(article)
            # update(), not save(): no signals, and updated_at stays the editor's last change.
            refreshed += (
                Article.objects.using(using)
                .filter(pk=article.pk)
                .update(search_document=document.text, search_vector=document.vector())
            )
            texts += [document.title, document.names, document.text]
        record_words(texts, using=using)
    return refreshed


class PendingSearchRefresh:
    """The articles a transaction changed, refreshed together when it commits."""

    def __init__(self, using: str):
        self.using = using
        self.article_ids: set[int] = set()

    def __call__(self) -> None:
        connection = connections[self.using]
        if getattr(connection, PENDING_ATTRIBUTE, None) is self:
            setattr(connection, PENDING_ATTRIBUTE, None)
        refresh_search_vectors(self.article_ids, using=self.using)

    def is_scheduled(self) -> bool:
        # A rolled-back transaction or savepoint drops its callbacks, and a run one stops collecting.
        connection = connections[self.using]
        return getattr(connection, PENDING_ATTRIBUTE, None) is self and any(
            callback is self for _savepoints, callback, _robust in connection.run_on_commit
        )


def refresh_on_commit(article_ids: Iterable[int | None], *, using: str = DEFAULT_DB_ALIAS) -> None:
    """Refresh these articles when the current transaction commits (at once outside one), each once."""
    if not is_indexed(using):
        return
    article_ids = {pk for pk in article_ids if pk is not None}
    if not article_ids:
        return
    connection = connections[using]
    pending = getattr(connection, PENDING_ATTRIBUTE, None)
    if pending is not None and pending.is_scheduled():
        pending.article_ids |= article_ids
        return
    pending = PendingSearchRefresh(using)
    pending.article_ids |= article_ids
    setattr(connection, PENDING_ATTRIBUTE, pending)
    # Robust: the change itself is committed by then; a failed refresh is logged and rebuild_search_index mends it.
    transaction.on_commit(pending, using=using, robust=True)


# Receivers: which articles a change touches. Each asks the database only where the index is kept.


def article_saved(sender, instance, using, **kwargs):
    refresh_on_commit([instance.pk], using=using)


def article_part_changed(sender, instance, using, **kwargs):
    """A section or a featured track was saved or deleted."""
    refresh_on_commit([instance.article_id], using=using)


def track_saved(sender, instance, using, created=False, **kwargs):
    if not created and is_indexed(using):
        refresh_on_commit(instance.featurings.using(using).values_list("article_id", flat=True), using=using)


def work_saved(sender, instance, using, created=False, **kwargs):
    if not created and is_indexed(using):
        refresh_on_commit(instance.articles.using(using).values_list("pk", flat=True), using=using)


def composer_saved_or_deleted(sender, instance, using, created=False, **kwargs):
    """Saved (renamed), or about to be deleted: its articles lose the name, without an m2m_changed signal."""
    if not created and is_indexed(using):
        refresh_on_commit(instance.articles.using(using).values_list("pk", flat=True), using=using)


def composers_changed(sender, instance, action, reverse, pk_set, using, **kwargs):
    if not reverse and action in ("post_add", "post_remove", "post_clear"):
        refresh_on_commit([instance.pk], using=using)
    elif reverse and action in ("post_add", "post_remove"):
        refresh_on_commit(pk_set, using=using)
    elif reverse and action == "pre_clear" and is_indexed(using):
        refresh_on_commit(instance.articles.using(using).values_list("pk", flat=True), using=using)


def tag_saved(sender, instance, using, created=False, **kwargs):
    if not created and is_indexed(using):
        refresh_on_commit(Article.objects.using(using).filter(tags=instance).values_list("pk", flat=True), using=using)


def tagging_changed(sender, instance, using, **kwargs):
    """A tag was put on or taken off an object (taggit saves and deletes these rows one by one)."""
    if (
        is_indexed(using)
        and instance.content_type_id == ContentType.objects.db_manager(using).get_for_model(Article).pk
    ):
        refresh_on_commit([instance.object_id], using=using)


def connect_signals() -> None:
    tagging = Article.tags.through
    receivers = [
        (post_save, Article, article_saved),
        (post_save, Section, article_part_changed),
        (post_delete, Section, article_part_changed),
        (post_save, FeaturedTrack, article_part_changed),
        (post_delete, FeaturedTrack, article_part_changed),
        (post_save, Track, track_saved),
        (post_save, Work, work_saved),
        (post_save, Composer, composer_saved_or_deleted),
        (pre_delete, Composer, composer_saved_or_deleted),
        (m2m_changed, Article.composers.through, composers_changed),
        (post_save, Tag, tag_saved),
        (post_save, tagging, tagging_changed),
        (post_delete, tagging, tagging_changed),
    ]
    for signal, sender, receiver in receivers:
        signal.connect(receiver, sender=sender, dispatch_uid=f"articles.search.{receiver.__name__}.{sender.__name__}")


def rebuild_search_index(*, using: str = DEFAULT_DB_ALIAS, batch_size: int = 200) -> int:
    """Refresh every article, a batch per transaction; return how many were refreshed. The spelling lexicon is
    made again from scratch (words no article has any more leave it)."""
    refreshed = 0
    if is_indexed(using):
        SearchWord.objects.using(using).all().delete()
    article_ids = list(Article.objects.using(using).order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(article_ids), batch_size):
        with transaction.atomic(using=using):
            refreshed += refresh_search_vectors(article_ids[start : start + batch_size], using=using)
    return refreshed


def search_snippet(article: Article) -> SafeString:
    """The search result's snippet as HTML: its matches in <mark>, everything else escaped.

    Without a headline (a search on SQLite), the start of the standfirst.
    """
    headline = getattr(article, "search_headline", None)
    if not headline:
        return escape(Truncator(plain_text(article.standfirst_html)).words(EXCERPT_WORDS))
    highlighted = escape(headline).replace(HIGHLIGHT_START, "<mark>").replace(HIGHLIGHT_STOP, "</mark>")
    return mark_safe(highlighted)  # noqa: S308 (escaped above; the only tags are the highlights ts_headline paired)
