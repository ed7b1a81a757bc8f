"""The search index: each article's stored search text and weighted vector (PostgreSQL), and the lexicon of words
misspellings are corrected to (every database), kept current.

The receivers in signals.py note which articles a change touches; when the transaction commits, one task refreshes
each of them once, however many rows of it were saved (at once in development, by the worker in production: an
editor's save does not wait for it). A rebuild of the whole index is a task too. Searching itself is
``Article.objects.search()``.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.postgres.search import SearchVector
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, transaction
from django.db.models import Prefetch, TextField, Value
from django.tasks import task

from taskqueue.retries import retry_later

from ..models import Article, FeaturedTrack, Section
from ..search.models import SearchWord
from ..search.postgres import SEARCH_CONFIG, is_indexed
from ..search.snippets import one_line, plain_text
from ..search.spelling import record_words

PENDING_ATTRIBUTE = "articles_pending_search_refresh"


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


def refresh_search_vectors(article_ids: Iterable[int], *, using: str = DEFAULT_DB_ALIAS) -> int:
    """Recompute the stored search text and vector of these articles (PostgreSQL) and add their words to the
    lexicon (every database); return how many were refreshed."""
    full_text = is_indexed(using)
    refreshed = 0
    # Each row is locked from its read to its write: when edits race, the refresh that reads last writes last.
    articles = indexable_articles(using).filter(pk__in=set(article_ids)).order_by("pk").select_for_update(of=["self"])
    with transaction.atomic(using=using):
        texts = []
        for article in articles:
            document = SearchDocument.of(article)
            texts += [document.title, document.names, document.text]
            if not full_text:  # elsewhere only the lexicon is kept
                refreshed += 1
                continue
            # update(), not save(): no signals, and updated_at stays the editor's last change.
            refreshed += (
                Article.objects.using(using)
                .filter(pk=article.pk)
                .update(search_document=document.text, search_vector=document.vector())
            )
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
        refresh_articles.enqueue(article_ids=sorted(self.article_ids), using=self.using)

    def is_scheduled(self) -> bool:
        # A rolled-back transaction or savepoint drops its callbacks, and a run one stops collecting.
        connection = connections[self.using]
        return getattr(connection, PENDING_ATTRIBUTE, None) is self and any(
            callback is self for _savepoints, callback, _robust in connection.run_on_commit
        )


def refresh_on_commit(article_ids: Iterable[int | None], *, using: str = DEFAULT_DB_ALIAS) -> None:
    """Refresh these articles when the current transaction commits (at once outside one), each once."""
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
    # Robust: the change itself is committed by then; a refresh that cannot be queued is logged, and
    # rebuild_search_index mends it.
    transaction.on_commit(pending, using=using, robust=True)


def rebuild_search_index(*, using: str = DEFAULT_DB_ALIAS, batch_size: int = 200) -> int:
    """Refresh every article, a batch per transaction; return how many were refreshed. The spelling lexicon is
    made again from scratch (words no article has any more leave it)."""
    refreshed = 0
    SearchWord.objects.using(using).all().delete()
    article_ids = list(Article.objects.using(using).order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(article_ids), batch_size):
        with transaction.atomic(using=using):
            refreshed += refresh_search_vectors(article_ids[start : start + batch_size], using=using)
    return refreshed


@task
def refresh_articles(article_ids: list[int], using: str = DEFAULT_DB_ALIAS, attempt: int = 1) -> int:
    """``refresh_search_vectors()`` as a task, tried again later when the database fails it."""
    try:
        return refresh_search_vectors(article_ids, using=using)
    except DatabaseError:
        retry_later(refresh_articles, attempt=attempt, kwargs={"article_ids": article_ids, "using": using})
        raise


@task
def rebuild_index(using: str = DEFAULT_DB_ALIAS, attempt: int = 1) -> int:
    """``rebuild_search_index()`` as a task (``rebuild_search_index --queue``), tried again later when the database
    fails it."""
    try:
        return rebuild_search_index(using=using)
    except DatabaseError:
        retry_later(rebuild_index, attempt=attempt, kwargs={"using": using})
        raise
