"""Articles in: each file read whole and saved in a transaction of its own, or not at all.

The article with the file's slug is updated (or created); its sections are matched by position and its featured
tracks by track, so that rows which stay keep their identity (readers' favourite-track picks point at them).
The work, composers and tracks are found by slug, title or number and created when missing, never changed.
"""

from dataclasses import dataclass
from pathlib import Path

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import DatabaseError, models, transaction
from django.db.models import F
from django.utils.text import slugify

from ..models import MAX_POSITION, Article, Composer, FeaturedTrack, Section, TagAlias, Track, Work
from ..revisions import keep_revision
from .document import ArticleDocument, DocumentError, read_document
from .frontmatter import Problem, Record


class ImportFailed(Exception):
    """Nothing was imported from the file; ``problems`` (a line number and a message each) say why."""

    def __init__(self, problems: list[Problem]):
        super().__init__(problems)
        self.problems = sorted(problems, key=lambda problem: problem.line)


@dataclass(frozen=True)
class Imported:
    article: Article
    created: bool


def import_article_file(path: Path) -> Imported:
    """Create or update the article of one file; raise ``ImportFailed`` (and change nothing) if anything is wrong."""
    try:
        content = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise ImportFailed([Problem(1, f"not UTF-8 text ({error.reason})")]) from error
    try:
        document = read_document(content)
    except DocumentError as error:
        raise ImportFailed(error.problems) from error
    try:
        with transaction.atomic():
            return _ArticleImport(document, document_name=path.name).run()
    except DatabaseError as error:  # a rule of the database that the checks above did not foresee
        raise ImportFailed([Problem(1, f"the database refused the article: {error}")]) from error


class _Rollback(Exception):
    pass


class _ArticleImport:
    def __init__(self, document: ArticleDocument, *, document_name: str):
        self.document = document
        self.document_name = document_name
        self.front = document.front_matter
        self.problems: list[Problem] = []

    def run(self) -> Imported:
        try:
            work = self.step(self.work)
            composers = self.step(self.composers)
            article, created = self.step(lambda: self.article(work))
            article.composers.set(composers)
            article.tags.set(TagAlias.objects.canonical_names(self.front["tags"]))  # an alias means its tag
            sections = self.step(lambda: self.sections(article))
            self.step(lambda: self.featured_tracks(article, work, sections))
        except _Rollback:
            raise ImportFailed(self.problems) from None
        dates = {key: self.front[key] for key in ("created_at", "updated_at") if self.front[key]}
        if dates:  # after every save: auto_now would overwrite them
            Article.objects.filter(pk=article.pk).update(**dates)
            article.refresh_from_db(fields=list(dates))
        how = "Created" if created else "Updated"
        keep_revision([article], by=None, comment=f"{how} by an import (import_articles) of {self.document_name}.")
        return Imported(article, created)

    def step(self, function):
        """Run one step; stop (rolling the transaction back) when it found problems."""
        result = function()
        if self.problems:
            raise _Rollback
        return result

    def validate(self, instance: models.Model, lines: dict[str, int], default_line: int, prefix: str = "") -> bool:
        """Run the model's validation; report each error at the line of its field. Return whether it passed."""
        try:
            instance.full_clean()
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                if field != NON_FIELD_ERRORS:
                    name = f"{prefix}{field}: "
                else:
                    name = f"{prefix.rstrip('.')}: " if prefix else ""
                for message in messages:
                    self.problems.append(Problem(lines.get(field, default_line), f"{name}{message}"))
            return False
        return True

    def work(self) -> Work:
        entry: Record = self.front["work"]
        work = (
            Work.objects.filter(slug=entry["slug"]).first()
            if entry["slug"]
            else Work.objects.filter(title__iexact=entry["title"], year=entry["year"]).first()
        )
        if work is None:
            work = Work(title=entry["title"], kind=entry["kind"], year=entry["year"], slug=entry["slug"])
            if not self.validate(work, entry.lines, entry.line, prefix="work."):
                return work
            work.save()
        existing = {track.position: track for track in work.tracks.all()}
        for track_entry in entry["tracks"]:
            number, title = track_entry["number"], track_entry["title"]
            if number in existing:
                if existing[number].title != title:
                    self.problems.append(
                        Problem(
                            track_entry.line_of("title"),
                            f"work.tracks.title: track {number} of {work} is “{existing[number].title}”, not “{title}”",
                        )
                    )
                continue
            track = Track(work=work, position=number, title=title, duration=track_entry["duration"])
            lines = {"position": track_entry.line_of("number"), **track_entry.lines}
            if self.validate(track, lines, track_entry.line, prefix="work.tracks."):
                track.save()
                existing[number] = track
        return work

    def composers(self) -> list[Composer]:
        composers = []
        for entry in self.front["composers"]:
            composer = (
                Composer.objects.filter(slug=entry["slug"]).first()
                if entry["slug"]
                else Composer.objects.filter(name__iexact=entry["name"]).first()
            )
            if composer is None:
                composer = Composer(name=entry["name"], slug=entry["slug"])
                if not self.validate(composer, entry.lines, entry.line, prefix="composers."):
                    continue
                composer.save()
            composers.append(composer)
        return composers

    def article(self, work: Work) -> tuple[Article, bool]:
        front = self.front
        slug = front["slug"] or slugify(front["title"])
        article = Article.objects.filter(slug=slug).first()
        created = article is None
        if created:
            article = Article(slug=slug)
        article.title = front["title"]
        article.standfirst = self.document.standfirst
        article.work = work
        article.status = front["status"]
        article.publish_at = front["publish_at"]
        article.comments_open = front["comments_open"]
        article.seo_description = front["seo_description"]
        lines = {**front.lines, "standfirst": self.document.standfirst_line}
        if self.validate(article, lines, front.line_of("status")):
            article.save()
        return article, created

    def sections(self, article: Article) -> dict[int, Section]:
        """Save the file's sections (matched to the article's by position); delete the ones it no longer has."""
        existing = {section.position: section for section in article.sections.all()}
        saved = {}
        for entry in self.document.sections:
            section = existing.pop(entry.position, None) or Section(article=article, position=entry.position)
            section.heading, section.numbered, section.body = entry.heading, entry.numbered, entry.body
            lines = {"body": entry.body_line}
            if self.validate(section, lines, entry.line, prefix=f"section-{entry.position}."):
                section.save()
                saved[entry.position] = section
        Section.objects.filter(pk__in=[section.pk for section in existing.values()]).delete()
        return saved

    def featured_tracks(self, article: Article, work: Work, sections: dict[int, Section]) -> None:
        tracks = list(work.tracks.all())
        chosen: dict[int, Record] = {}
        for entry in self.front["featured_tracks"]:
            track = self.find_track(entry, work, tracks)
            if track is None:
                continue
            if track.pk in chosen:
                message = f"featured_tracks.track: “{track.title}” is featured already, on line "
                self.problems.append(Problem(entry.line_of("track"), message + str(chosen[track.pk].line_of("track"))))
                continue
            chosen[track.pk] = entry
        if self.problems:
            return
        existing = {featured.track_id: featured for featured in article.featured_tracks.all()}
        article.featured_tracks.exclude(track_id__in=chosen).delete()
        # Park the rows that stay above the highest position, so no two of them share one while they move.
        article.featured_tracks.update(position=F("position") + MAX_POSITION + 1)
        for track_id, entry in chosen.items():
            featured = existing.get(track_id) or FeaturedTrack(article=article, track_id=track_id)
            featured.position = entry["position"]
            featured.section = sections.get(entry["section"]) if entry["section"] is not None else None
            featured.note, featured.appears_in = entry["note"], entry["appears_in"]
            featured.moments = imported_moments(entry)
            featured.listening_url = entry["listening_url"]
            if self.validate(featured, entry.lines, entry.line, prefix="featured_tracks."):
                featured.save()

    def find_track(self, entry: Record, work: Work, tracks: list[Track]) -> Track | None:
        reference = entry["track"]
        if isinstance(reference, int):
            found = [track for track in tracks if track.position == reference]
            wanted = f"track {reference}"
        else:
            found = [track for track in tracks if track.title == reference]
            wanted = f"“{reference}”"
        if len(found) == 1:
            return found[0]
        if found:
            numbers = " and ".join(str(track.position) for track in found)
            message = f"{wanted} names tracks {numbers} of {work}: give the track's number instead"
        else:
            message = f"{wanted} is not a track of {work} (list it under work: tracks:)"
        self.problems.append(Problem(entry.line_of("track"), f"featured_tracks.track: {message}"))
        return None


def imported_moments(entry: Record) -> list[int]:
    """The moments a featured track plays, earliest first; an older export's one timestamp is one of them."""
    found = set(entry["moments"])
    if entry["timestamp"] is not None:
        found.add(int(entry["timestamp"].total_seconds()))
    return sorted(found)
