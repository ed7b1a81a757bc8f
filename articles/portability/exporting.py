"""Articles out: each one as ``<slug>.md`` (see the package's docstring for the format)."""

from collections import Counter
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path

from django.db.models import Prefetch, QuerySet

from .. import moments
from ..models import Article, FeaturedTrack, Section, Track
from .document import SectionText, clock, normalized_text, write_document


def exportable_articles() -> QuerySet[Article]:
    return (
        Article.objects.select_related("work")
        .prefetch_related(
            "composers",
            "tags",
            Prefetch("work__tracks", queryset=Track.objects.order_by("position")),
            Prefetch("sections", queryset=Section.objects.order_by("position")),
            Prefetch(
                "featured_tracks",
                queryset=FeaturedTrack.objects.select_related("track", "section").order_by("position"),
            ),
        )
        .without_search_text()
        .order_by("slug")
    )


def export_articles(articles: Iterable[Article], directory: Path) -> list[Path]:
    """Write each article to ``directory/<slug>.md`` (replacing an older export); return the files written."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for article in articles:
        path = directory / f"{article.slug}.md"
        path.write_text(article_file(article), encoding="utf-8", newline="\n")
        written.append(path)
    return written


def article_file(article: Article) -> str:
    """The article as a Markdown file with front matter (fetch it with ``exportable_articles()``)."""
    tracks = list(article.work.tracks.all())
    repeated_titles = {title for title, count in Counter(t.title for t in tracks).items() if count > 1}
    front_matter = {
        "title": article.title,
        "slug": article.slug,
        "status": article.status,
        "publish_at": _utc(article.publish_at),
        "created_at": _utc(article.created_at),
        "updated_at": _utc(article.updated_at),
        "work": {
            "title": article.work.title,
            "kind": article.work.kind,
            "year": article.work.year,
            "slug": article.work.slug,
            "tracks": [_track(track) for track in tracks],
        },
        "composers": [{"name": composer.name, "slug": composer.slug} for composer in article.composers.all()],
        "tags": sorted((tag.name for tag in article.tags.all()), key=lambda name: (name.casefold(), name)),
        "comments_open": article.comments_open,
        "seo_description": article.seo_description,
        "featured_tracks": [_featured(featured, repeated_titles) for featured in article.featured_tracks.all()],
    }
    sections = [SectionText(s.position, s.heading, s.numbered, s.body) for s in article.sections.all()]
    return write_document(front_matter, article.standfirst, sections)


def _utc(value: datetime | None) -> datetime | None:
    return value.astimezone(UTC) if value else None


def _track(track: Track) -> dict:
    entry = {"number": track.position, "title": track.title}
    if track.duration:
        entry["duration"] = clock(track.duration)
    return entry


def _featured(featured: FeaturedTrack, repeated_titles: set[str]) -> dict:
    track = featured.track
    entry = {
        "position": featured.position,
        # By title, which reads well; by number where the album repeats a title.
        "track": track.position if track.title in repeated_titles else track.title,
    }
    optional = {
        "section": featured.section.position if featured.section else None,
        "appears_in": featured.appears_in,
        "moments": [moments.clock(moment) for moment in featured.moments] or None,
        "listening_url": featured.listening_url,
        "note": normalized_text(featured.note),
    }
    entry.update({key: value for key, value in optional.items() if value not in (None, "")})
    return entry
