"""An article's revisions (django-reversion): who edited it and when, what changed between two, and restoring one.

A version of an article holds its sections, featured tracks and tags, saved in the same revision. A revision
may hold several articles (a bulk action's), so reading and restoring always pick out one article's part.

Every article has a first revision however it was made: the change form keeps one with each save
(``recording()``), and every other path that creates or changes articles calls ``keep_revision()``: a draft from a
template, the demo loader, an import, the bulk publish and unpublish actions. What changed between two versions
is read in ``changes``.
"""

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime

import reversion
from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.db.models import F, Max
from reversion.errors import RevertError
from reversion.models import Version

from ..authors import admin_name
from ..fields import normalise_line_endings
from ..models import MAX_POSITION, Article, FeaturedTrack, Section
from .changes import PART_MODELS, datetime_label, parts_of

# Not kept: the search index is derived data, refreshed after every save (a restore included).
EXCLUDED_FIELDS = ["tags", "search_document", "search_vector"]


def register_models() -> None:
    """Keep a version of each article with its sections, featured tracks and tags whenever a revision is made."""
    for model in (Section, FeaturedTrack, Article.tags.through):
        if not reversion.is_registered(model):
            reversion.register(model)
    if not reversion.is_registered(Article):
        reversion.register(Article, follow=["sections", "featured_tracks", "tagged_items"], exclude=EXCLUDED_FIELDS)


@contextmanager
def recording(*, by: AbstractBaseUser | None, comment: str = "") -> Iterator[None]:
    """Keep what is saved inside as one revision by ``by`` (None: by no one known), with ``comment`` unless the
    code inside sets its own (``reversion.set_comment()``)."""
    with reversion.create_revision():
        reversion.set_user(by)
        if comment:
            reversion.set_comment(comment)
        yield


def keep_revision(articles: Iterable[Article], *, by: AbstractBaseUser | None, comment: str) -> None:
    """A revision of each article as it is now, with its sections, featured tracks and tags: for every path that
    saves articles outside the change form (which keeps its own, with ``recording()``)."""
    for article in articles:
        with recording(by=by, comment=comment):
            reversion.add_to_revision(article)


def versions_of(article: Article):
    """The article's versions, newest first, with who made each."""
    return (
        Version.objects.get_for_object(article)
        .select_related("revision__user__author_profile")
        .order_by("-revision__date_created", "-pk")
    )


@dataclass(frozen=True)
class Edit:
    """Who last changed something, and when."""

    user: AbstractBaseUser | None
    at: datetime

    @property
    def editor(self) -> str:
        if self.user is None:
            return "someone"
        return admin_name(self.user)

    @property
    def when(self) -> str:
        return datetime_label(self.at)


def last_edit(article: Article) -> Edit | None:
    """The latest revision's author and time; None for an article no revision has kept yet."""
    version = versions_of(article).first()
    return Edit(version.revision.user, version.revision.date_created) if version else None


@dataclass(frozen=True)
class RecentEdit:
    """An article someone changed, with the time of their latest revision of it."""

    article: Article
    at: datetime


def recent_edits(user: AbstractBaseUser, *, limit: int) -> list[RecentEdit]:
    """The articles ``user`` kept a revision of most recently, the latest first (two queries, however many)."""
    latest = (
        Version.objects.get_for_model(Article)
        .filter(revision__user=user)
        .values("object_id")
        .annotate(at=Max("revision__date_created"))
        .order_by("-at", "-object_id")[:limit]
    )
    times = {int(row["object_id"]): row["at"] for row in latest}
    articles = Article.objects.filter(pk__in=times).only("title", "status", "publish_at")
    edits = [RecentEdit(article, times[article.pk]) for article in articles]
    return sorted(edits, key=lambda edit: (edit.at, edit.article.pk), reverse=True)


# Restoring a version.


def restored_message(version: Version) -> str:
    edit = Edit(version.revision.user, version.revision.date_created)
    return f"Restored the version {edit.editor} saved on {edit.when}."


def restore(version: Version, *, user: AbstractBaseUser) -> Article:
    """Bring the article back to this version (its sections, featured tracks and tags too) and keep that as a
    new revision. Rows added since are deleted. Raises RevertError when the version cannot be brought back
    (it names a track or work that no longer exists)."""
    parts = parts_of(version)
    article_id = int(version.object_id)
    try:
        with transaction.atomic(), reversion.create_revision():
            reversion.set_user(user)
            reversion.set_comment(restored_message(version))
            kept = {model: set() for model in PART_MODELS}
            for part in parts:
                kept[part._model].add(int(part.object_id))
            FeaturedTrack.objects.filter(article_id=article_id).exclude(pk__in=kept[FeaturedTrack]).delete()
            Section.objects.filter(article_id=article_id).exclude(pk__in=kept[Section]).delete()
            Article.objects.get(pk=article_id).tagged_items.exclude(pk__in=kept[Article.tags.through]).delete()
            # Park the remaining rows' positions out of the way: the version may order them differently.
            for model in (Section, FeaturedTrack):
                model.objects.filter(article_id=article_id).update(position=F("position") + MAX_POSITION + 1)
            # The article first: a featured track's database guard checks it against the article's work.
            for part in [version, *parts]:
                part.revert()
            # A revert saves the rows as the version holds them (a raw save): an old one may hold CR LF line endings.
            for model, text in ((Section, "body"), (FeaturedTrack, "note")):
                normalise_line_endings(model.objects.filter(article_id=article_id), text)
            article = Article.objects.get(pk=article_id)
            article.save()  # renders, sets updated_at, refreshes caches and search, and keeps the new revision
    except (IntegrityError, RevertError) as error:
        raise RevertError(f"This version cannot be restored: {error}") from error
    return article
