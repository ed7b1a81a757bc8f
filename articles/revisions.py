"""An article's revisions (django-reversion): who edited it and when, what changed between two, and restoring one.

A version of an article holds its sections, featured tracks and tags, saved in the same revision. A revision
may hold several articles (a bulk action's), so reading and restoring always pick out one article's part.

Every article has a first revision however it was made: the change form keeps one with each save
(``recording()``), and every other path that creates or changes articles calls ``keep_revision()``: a draft from a
template, the demo loader, an import, the bulk publish and unpublish actions.
"""

import difflib
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime

import reversion
from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import normalize_newlines
from reversion.errors import RevertError
from reversion.models import Version
from taggit.models import Tag

from .authors import admin_name
from .fields import normalise_line_endings
from .models import MAX_POSITION, Article, Composer, FeaturedTrack, Section, Track, Work

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
        return _when(self.at)


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


# Reading a version.

PART_MODELS = (Section, FeaturedTrack, Article.tags.through)


def parts_of(version: Version) -> list[Version]:
    """The versions of the article's sections, featured tracks and taggings kept in the same revision."""
    article_id = int(version.object_id)
    parts = []
    for part in version.revision.version_set.exclude(pk=version.pk):
        if part._model in PART_MODELS:
            owner = part.field_dict.get("object_id" if part._model is Article.tags.through else "article_id")
            if owner is not None and int(owner) == article_id:
                parts.append(part)
    return parts


def tokens(text: str) -> list[str]:
    """Words, runs of white space and single punctuation marks: the units a text diff is made of."""
    return re.findall(r"\s+|\w+|[^\w\s]", text)


def text_diff(old: str, new: str) -> list[tuple[str, str]]:
    """The change from ``old`` to ``new`` as (kind, text) pieces, kind being "equal", "delete" or "insert"."""
    a, b = tokens(old), tokens(new)
    pieces: list[tuple[str, str]] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            pieces.append(("equal", "".join(a[i1:i2])))
            continue
        if i2 > i1:
            pieces.append(("delete", "".join(a[i1:i2])))
        if j2 > j1:
            pieces.append(("insert", "".join(b[j1:j2])))
    return pieces


@dataclass
class FieldChange:
    label: str
    old: str
    new: str

    @property
    def pieces(self) -> list[tuple[str, str]]:
        return text_diff(self.old, self.new)


@dataclass
class PartChange:
    """A section or a featured track: added, removed or changed, with the fields that differ."""

    label: str
    kind: str  # "added", "removed" or "changed"
    fields: list[FieldChange] = field(default_factory=list)


@dataclass
class Comparison:
    article: list[FieldChange]
    sections: list[PartChange]
    featured_tracks: list[PartChange]

    @property
    def has_changes(self) -> bool:
        return bool(self.article or self.sections or self.featured_tracks)


def _when(value) -> str:
    return date_format(timezone.localtime(value), "j F Y, H:i") if value else ""


def _duration(value) -> str:
    return str(value) if value is not None else ""


@dataclass
class Snapshot:
    """One article as a version kept it: display values of its fields, sections (by id) and featured tracks.

    Texts are read with LF line endings: revisions kept before the models normalised them may hold a browser's
    CR LF, which would otherwise show as a change to every line."""

    version: Version
    fields: dict[str, str]
    sections: dict[str, dict[str, str]]
    featured_tracks: dict[str, dict[str, str]]

    ARTICLE_FIELDS = {
        "title": "Title",
        "slug": "Slug",
        "standfirst": "Standfirst",
        "work": "Work",
        "composers": "Composers",
        "tags": "Tags",
        "status": "Status",
        "publish_at": "Publish time",
        "comments_open": "Comments open",
        "seo_description": "SEO description",
    }
    SECTION_FIELDS = {"position": "Position", "numbered": "Numbered", "heading": "Heading", "body": "Body"}
    TRACK_FIELDS = {
        "position": "Position",
        "track": "Track",
        "section": "Section",
        "note": "Note",
        "appears_in": "Appears in",
        "timestamp": "Timestamp",
        "listening_url": "Listening link",
    }

    @classmethod
    def of(cls, version: Version) -> "Snapshot":
        article = version.field_dict
        parts: dict[type, list[tuple[str, dict]]] = {model: [] for model in PART_MODELS}
        for part in parts_of(version):
            parts[part._model].append((part.object_id, part.field_dict))

        work = Work.objects.filter(pk=article["work_id"]).first()
        composers = Composer.objects.filter(pk__in=article.get("composers", [])).order_by("name")
        tags = Tag.objects.filter(pk__in=[values["tag_id"] for _, values in parts[Article.tags.through]])
        fields = {
            "title": article["title"],
            "slug": article["slug"],
            "standfirst": normalize_newlines(article["standfirst"]),
            "work": str(work) if work else "",
            "composers": ", ".join(composer.name for composer in composers),
            "tags": ", ".join(sorted(tag.name for tag in tags)),
            "status": Article.Status(article["status"]).label,
            "publish_at": _when(article["publish_at"]),
            "comments_open": "yes" if article["comments_open"] else "no",
            "seo_description": article["seo_description"],
        }
        sections = {
            pk: {
                "position": str(values["position"]),
                "numbered": "yes" if values["numbered"] else "no",
                "heading": values["heading"],
                "body": normalize_newlines(values["body"]),
            }
            for pk, values in parts[Section]
        }
        headings = {int(pk): section["heading"] for pk, section in sections.items()}
        tracks = Track.objects.in_bulk([values["track_id"] for _, values in parts[FeaturedTrack]])
        featured_tracks = {
            pk: {
                "position": str(values["position"]),
                "track": tracks[values["track_id"]].title if values["track_id"] in tracks else "",
                "section": headings.get(values["section_id"], "") if values["section_id"] else "",
                "note": normalize_newlines(values["note"]),
                "appears_in": values["appears_in"],
                "timestamp": _duration(values["timestamp"]),
                "listening_url": values["listening_url"],
            }
            for pk, values in parts[FeaturedTrack]
        }
        return cls(version, fields, sections, featured_tracks)

    def compare(self, newer: "Snapshot") -> Comparison:
        return Comparison(
            article=_changes(self.fields, newer.fields, self.ARTICLE_FIELDS),
            sections=_part_changes(self.sections, newer.sections, self.SECTION_FIELDS, "Section", "heading"),
            featured_tracks=_part_changes(
                self.featured_tracks, newer.featured_tracks, self.TRACK_FIELDS, "Featured track", "track"
            ),
        )


def _changes(old: dict[str, str], new: dict[str, str], labels: dict[str, str]) -> list[FieldChange]:
    return [
        FieldChange(label, old.get(name, ""), new.get(name, ""))
        for name, label in labels.items()
        if old.get(name, "") != new.get(name, "")
    ]


def _part_changes(old, new, labels, noun: str, name_field: str) -> list[PartChange]:
    """Rows matched by id, in the newer order (removed ones after): each added, removed or changed one."""

    def order(pk):
        row = new.get(pk) or old[pk]
        return (pk not in new, int(row["position"]), int(pk))

    changes = []
    for pk in sorted(old.keys() | new.keys(), key=order):
        row = new.get(pk) or old[pk]
        label = f"{noun} {row['position']}: {row[name_field]}"
        if pk not in old:
            changes.append(PartChange(label, "added", _changes({}, new[pk], labels)))
        elif pk not in new:
            changes.append(PartChange(label, "removed", _changes(old[pk], {}, labels)))
        elif fields := _changes(old[pk], new[pk], labels):
            changes.append(PartChange(label, "changed", fields))
    return changes


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
