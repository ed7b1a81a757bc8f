"""What changed between two versions of an article: the versions of its parts kept in the same revision, a
snapshot of everything a version shows editors, and word-level differences between two snapshots."""

import difflib
import re
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import normalize_newlines
from reversion.models import Version
from taggit.models import Tag

from ..models import Article, Composer, FeaturedTrack, Section, Track, Work
from ..moments import clock

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


def datetime_label(value) -> str:
    return date_format(timezone.localtime(value), "j F Y, H:i") if value else ""


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
        "moments": "Plays at",
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
            "publish_at": datetime_label(article["publish_at"]),
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
                "moments": ", ".join(clock(moment) for moment in values["moments"]),
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
