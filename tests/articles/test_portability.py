"""Articles as Markdown files: export_articles writes them, import_articles reads them back (creating or updating
by slug), each broken file is refused whole with its problems at their lines, and a round trip changes nothing."""

import re
from datetime import UTC, datetime, timedelta
from io import StringIO
from pathlib import Path

import pytest
import time_machine
from django.core.management import CommandError, call_command, execute_from_command_line
from taggit.models import Tag

from articles.models import Article, Composer, FeaturedTrack, Section, Track, Work
from tests.utils.factories import ArticleFactory, ComposerFactory, FeaturedTrackFactory, SectionFactory, TrackFactory

pytestmark = pytest.mark.django_db

PUBLISHED_AT = datetime(2025, 5, 31, 12, 0, tzinfo=UTC)
CREATED_AT = datetime(2025, 5, 30, 9, 12, 44, 123456, tzinfo=UTC)


def export(*args: str) -> str:
    out = StringIO()
    call_command("export_articles", *args, stdout=out)
    return out.getvalue()


def import_files(*paths: Path) -> tuple[str, str]:
    """Run import_articles; return what it printed (stdout, stderr). Raises CommandError when a file failed."""
    out, err = StringIO(), StringIO()
    call_command("import_articles", *map(str, paths), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def failed_import(*paths: Path) -> list[str]:
    """Run import_articles, expecting a failure; return the error lines it printed."""
    err = StringIO()
    with pytest.raises(CommandError, match="not imported"):
        call_command("import_articles", *map(str, paths), stdout=StringIO(), stderr=err)
    return err.getvalue().splitlines()


def empty_the_database() -> None:
    Article.objects.all().delete()
    Track.objects.all().delete()
    Work.objects.all().delete()
    Composer.objects.all().delete()
    Tag.objects.all().delete()


@pytest.fixture
def glass_orchard() -> Article:
    """An article with everything a file can hold: two composers, tags, an album with a repeated title, numbered
    and unnumbered sections at uneven positions, featured tracks with and without their optional parts."""
    with time_machine.travel(CREATED_AT, tick=False):
        article = ArticleFactory(
            title="Why The Glass Orchard's soundtrack deserves more recognition",
            slug="glass-orchard",
            standfirst="An *underrated* score.\r\n\r\nIn two paragraphs: this one has a [link](https://example.org).",
            work__title="The Glass Orchard",
            work__kind=Work.Kind.TV,
            work__year=2019,
            work__slug="the-glass-orchard",
            status=Article.Status.PUBLISHED,
            publish_at=PUBLISHED_AT,
            comments_open=False,
            seo_description="Why the score of The Glass Orchard deserves more: yes, really.",
        )
    article.composers.set([ComposerFactory(name="Ilse Varnholt"), ComposerFactory(name="Arvo Lind")])
    article.tags.set(["Soundtrack", "FilmMusic", "underrated scores"])
    work = article.work
    lament = TrackFactory(work=work, position=1, title="The Keeper's Lament", duration=timedelta(minutes=4, seconds=12))
    TrackFactory(work=work, position=2, title="1917", duration=None)
    reprise_one = TrackFactory(work=work, position=3, title="Reprise", duration=timedelta(seconds=58))
    reprise_two = TrackFactory(work=work, position=4, title="Reprise", duration=timedelta(hours=1, seconds=3))
    first = SectionFactory(article=article, position=1, heading="The emotional depth", body="Grief, in *cello*.")
    SectionFactory(article=article, position=3, heading="Instruments {and} genres", body="## Not a section\n\nText.")
    SectionFactory(article=article, position=10, heading="Conclusion", numbered=False, body="Listen.\n\n> Quoted.")
    FeaturedTrackFactory(
        article=article,
        track=lament,
        position=1,
        section=first,
        note="First line.\nSecond line.",
        appears_in="the burial",
        moments=[34 * 60 + 10, 58 * 60],
        listening_url="https://open.spotify.com/track/abc",
    )
    FeaturedTrackFactory(article=article, track=reprise_two, position=5, note="")
    FeaturedTrackFactory(article=article, track=reprise_one, position=3, note="Short: and sweet.", moments=[0])
    Article.objects.filter(pk=article.pk).update(updated_at=PUBLISHED_AT + timedelta(hours=2))
    return article


EXPECTED_FILE = """\
---
title: Why The Glass Orchard's soundtrack deserves more recognition
slug: glass-orchard
status: published
publish_at: 2025-05-31 12:00:00+00:00
created_at: 2025-05-30 09:12:44.123456+00:00
updated_at: 2025-05-31 14:00:00+00:00
work:
  title: The Glass Orchard
  kind: tv
  year: 2019
  slug: the-glass-orchard
  tracks:
  - number: 1
    title: The Keeper's Lament
    duration: '4:12'
  - number: 2
    title: '1917'
  - number: 3
    title: Reprise
    duration: 0:58
  - number: 4
    title: Reprise
    duration: '1:00:03'
composers:
- name: Arvo Lind
  slug: arvo-lind
- name: Ilse Varnholt
  slug: ilse-varnholt
tags:
- FilmMusic
- Soundtrack
- underrated scores
comments_open: false
seo_description: 'Why the score of The Glass Orchard deserves more: yes, really.'
featured_tracks:
- position: 1
  track: The Keeper's Lament
  section: 1
  appears_in: the burial
  moments:
  - '34:10'
  - '58:00'
  listening_url: https://open.spotify.com/track/abc
  note: |-
    First line.
    Second line.
- position: 3
  track: 3
  moments:
  - 0:00
  note: 'Short: and sweet.'
- position: 5
  track: 4
---
An *underrated* score.

In two paragraphs: this one has a [link](https://example.org).

## The emotional depth {#section-1}

Grief, in *cello*.

## Instruments {and} genres {#section-3}

## Not a section

Text.

## Conclusion {#section-10 .unnumbered}

Listen.

> Quoted.
"""


class TestExport:
    def test_an_article_is_written_as_front_matter_standfirst_and_sections(self, glass_orchard, tmp_path):
        printed = export("glass-orchard", "--output-dir", str(tmp_path))

        assert (tmp_path / "glass-orchard.md").read_text(encoding="utf-8") == EXPECTED_FILE
        assert "Exported 1 article" in printed

    def test_all_articles_drafts_included_are_exported_one_file_each(self, tmp_path):
        ArticleFactory(slug="published-one")
        ArticleFactory(slug="a-draft", status=Article.Status.DRAFT, publish_at=None)

        export("--all", "-o", str(tmp_path))

        assert sorted(path.name for path in tmp_path.iterdir()) == ["a-draft.md", "published-one.md"]
        assert "status: draft\npublish_at: null\n" in (tmp_path / "a-draft.md").read_text()

    def test_an_unknown_slug_exports_nothing(self, tmp_path):
        ArticleFactory(slug="known")

        with pytest.raises(CommandError, match="No article has the slug: unknown"):
            export("known", "unknown", "-o", str(tmp_path))

        assert list(tmp_path.iterdir()) == []

    def test_the_command_needs_slugs_or_all(self, tmp_path):
        with pytest.raises(CommandError, match="slugs, or give --all"):
            export("-o", str(tmp_path))


def article_element(client, article: Article) -> str:
    """The <article> of the article's page, without the row ids its links carry, its tags in alphabetical order."""
    page = client.get(article.get_absolute_url()).content.decode()
    element = page[page.index('<article class="article"') : page.index("</article>")]
    tags = sorted(re.findall(r"<li><a [^>]*rel=\"tag\">.*?</a></li>", element))
    element = re.sub(r"<li><a [^>]*rel=\"tag\">.*?</a></li>", "", element)
    return re.sub(r"picked=[0-9]+", "picked=ID", element) + "".join(tags)


class TestRoundTrip:
    def test_export_import_into_an_empty_database_export_gives_identical_files(self, glass_orchard, tmp_path):
        ArticleFactory(slug="a-draft", status=Article.Status.DRAFT, publish_at=None, work=glass_orchard.work)
        first, second = tmp_path / "first", tmp_path / "second"
        export("--all", "-o", str(first))

        empty_the_database()
        printed, errors = import_files(first)
        export("--all", "-o", str(second))

        assert errors == ""
        assert "created “Why The Glass Orchard's soundtrack deserves more recognition” (glass-orchard)" in printed
        assert sorted(path.name for path in second.iterdir()) == ["a-draft.md", "glass-orchard.md"]
        for path in first.iterdir():
            assert (second / path.name).read_bytes() == path.read_bytes()

    def test_the_imported_article_reads_as_the_original(self, glass_orchard, tmp_path, client):
        original = article_element(client, glass_orchard)
        export("glass-orchard", "-o", str(tmp_path))

        empty_the_database()
        import_files(tmp_path / "glass-orchard.md")

        assert article_element(client, Article.objects.get(slug="glass-orchard")) == original


class TestImportUpdates:
    def test_importing_again_updates_the_article_with_the_same_slug(self, glass_orchard, tmp_path):
        export("glass-orchard", "-o", str(tmp_path))
        path = tmp_path / "glass-orchard.md"
        kept_featured = FeaturedTrack.objects.get(article=glass_orchard, position=1)
        edited = (
            path.read_text()
            .replace("title: Why The Glass Orchard's", "title: Why, truly, The Glass Orchard's")
            .replace("## Conclusion {#section-10 .unnumbered}\n\nListen.\n\n> Quoted.\n", "")
            .replace("- position: 5\n  track: 4\n", "- position: 2\n  track: '1917'\n  section: 3\n")
            .replace("- position: 1\n  track: The Keeper's Lament", "- position: 4\n  track: The Keeper's Lament")
        )
        path.write_text(edited)

        printed, _ = import_files(path)

        assert "updated “Why, truly, The Glass Orchard's soundtrack" in printed
        article = Article.objects.get(pk=glass_orchard.pk)
        assert article.title == "Why, truly, The Glass Orchard's soundtrack deserves more recognition"
        assert [s.position for s in article.sections.all()] == [1, 3]
        featured = [
            (f.position, f.track.title, f.section and f.section.position) for f in article.featured_tracks.all()
        ]
        assert featured == [(2, "1917", 3), (3, "Reprise", None), (4, "The Keeper's Lament", 1)]
        # Moved, not replaced: what points at the featured track (readers' picks) still does.
        assert FeaturedTrack.objects.get(pk=kept_featured.pk).position == 4
        assert Article.objects.count() == 1

    def test_a_missing_work_composer_and_tracks_are_created_and_existing_ones_found(self, tmp_path):
        existing_composer = ComposerFactory(name="Jóhann Jóhannsson", slug="johann")
        path = tmp_path / "arrival.md"
        path.write_text(
            "---\n"
            "title: Arrival, heard again\n"
            "work:\n"
            "  title: Arrival\n"
            "  year: 2016\n"
            "  tracks:\n"
            "  - number: 1\n"
            "    title: Heptapod B\n"
            "    duration: '4:04'\n"
            "composers:\n"
            "- name: Jóhann Jóhannsson\n"
            "- name: Max Richter\n"
            "featured_tracks:\n"
            "- position: 1\n"
            "  track: Heptapod B\n"
            "---\n"
            "A score that breathes.\n"
        )

        import_files(path)

        article = Article.objects.get(slug="arrival-heard-again")
        assert (article.status, article.work.kind, article.work.year) == ("draft", "film", 2016)
        assert list(article.composers.all()) == [existing_composer, Composer.objects.get(name="Max Richter")]
        assert article.featured_tracks.get().track.duration == timedelta(minutes=4, seconds=4)


def write(tmp_path: Path, name: str, content: str) -> Path:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    return path


VALID = """\
---
title: Intro
slug: intro
status: published
publish_at: 2025-05-31 12:00:00+00:00
work:
  title: Arrival
  slug: arrival
  tracks:
  - number: 1
    title: Heptapod B
featured_tracks:
- position: 1
  track: Heptapod B
  section: 1
---
The standfirst.

## First {#section-1}

Body one.

## Second {#section-2}

Body two.
"""


class TestBrokenFiles:
    @pytest.mark.parametrize(
        ("content", "expected"),
        [
            pytest.param(
                VALID.removeprefix("---\n"),
                ["intro.md:1: the file must start with front matter: a line “---”, then its fields"],
                id="no-opening-delimiter",
            ),
            pytest.param(
                VALID.replace("---\nThe standfirst.", "The standfirst."),
                ["intro.md:1: the front matter opened on this line is never closed by a line “---”"],
                id="no-closing-delimiter",
            ),
            pytest.param(
                VALID.replace("status: published\n", "status: published\ncolour: blue\n"),
                [
                    "intro.md:5: colour: unknown field; the fields here are title, slug, status, publish_at, "
                    "created_at, updated_at, work, composers, tags, comments_open, seo_description, featured_tracks"
                ],
                id="unknown-field",
            ),
            pytest.param(
                VALID.replace("  slug: arrival\n", "  slug: arrival\n  director: Villeneuve\n"),
                ["intro.md:9: work.director: unknown field; the fields here are title, kind, year, slug, tracks"],
                id="unknown-field-of-the-work",
            ),
            pytest.param(
                VALID.replace("2025-05-31 12:00:00+00:00", "next tuesday"),
                ["intro.md:5: publish_at: not a date and time: 'next tuesday' (write it as 2026-05-31 12:00:00+00:00)"],
                id="bad-date",
            ),
            pytest.param(
                VALID.replace("status: published", "status: live"),
                ["intro.md:4: status: 'live' is not a status: use draft, scheduled or published"],
                id="bad-status",
            ),
            pytest.param(
                VALID.replace("## Second {#section-2}", "## Second {#section-1}"),
                ["intro.md:23: section-1: position 1 is already used on line 19"],
                id="duplicate-section-position",
            ),
            pytest.param(
                VALID.replace("  track: Heptapod B\n", "  track: Time\n"),
                ["intro.md:14: featured_tracks.track: “Time” is not a track of Arrival (list it under work: tracks:)"],
                id="featured-track-not-from-the-work",
            ),
            pytest.param(
                VALID.replace("  section: 1\n", "  section: 7\n"),
                ["intro.md:15: featured_tracks.section: there is no section 7 (the sections are: 1, 2)"],
                id="featured-track-in-a-missing-section",
            ),
            pytest.param(
                VALID.replace("  section: 1\n", "  section: 1\n- position: 1\n  track: Heptapod B\n"),
                ["intro.md:16: featured_tracks.position: 1 is already used on line 13"],
                id="duplicate-featured-track-position",
            ),
            pytest.param(
                VALID.replace("  section: 1\n", "  section: 1\n- position: 2\n  track: Heptapod B\n"),
                ["intro.md:17: featured_tracks.track: “Heptapod B” is featured already, on line 14"],
                id="same-track-featured-twice",
            ),
            pytest.param(
                VALID.replace("    title: Heptapod B\n", "    title: Heptapod B\n  - number: x\n    title: Two\n"),
                ["intro.md:12: work.tracks.number: not a whole number: 'x'"],
                id="track-number-not-a-number",
            ),
            pytest.param(
                VALID.replace("title: Intro\n", "title: Intro\ntitle: Outro\n"),
                ["intro.md:3: title: given twice (first on line 2)"],
                id="field-given-twice",
            ),
            pytest.param(
                VALID.replace("slug: intro\n", "slug: intro\nwork: [unclosed\n"),
                ["intro.md:5: the front matter is not valid YAML: expected ',' or ']', but got ':'"],
                id="not-yaml",
            ),
            pytest.param(
                VALID.replace("The standfirst.\n", "The standfirst.\n\n## A heading without its position\n"),
                ["intro.md:19: a section heading needs its position, as in “## Heading {#section-1}”"],
                id="section-heading-without-position",
            ),
            pytest.param(
                VALID.replace("title: Intro\n", "title: ''\n"),
                ["intro.md:2: title: This field cannot be blank."],
                id="blank-title",
            ),
            pytest.param(
                VALID.replace("Body one.", ""),
                ["intro.md:20: section-1.body: This field cannot be blank."],
                id="blank-section-body",
            ),
            pytest.param(
                VALID.replace("  track: Heptapod B\n", "  track: Heptapod B\n  listening_url: http://example.org/\n"),
                ["intro.md:15: featured_tracks.listening_url: Listening links must start with https://."],
                id="listening-link-refused-by-the-model",
            ),
            pytest.param(
                VALID.replace(
                    "status: published\npublish_at: 2025-05-31 12:00:00+00:00", "status: scheduled\npublish_at: null"
                ),
                ["intro.md:5: publish_at: Give a publish time to schedule this article."],
                id="scheduled-without-a-publish-time",
            ),
        ],
    )
    def test_a_broken_file_is_reported_at_its_line_and_nothing_is_imported(self, tmp_path, content, expected):
        path = write(tmp_path, "intro.md", content)

        errors = failed_import(path)

        assert [line.removeprefix(f"{tmp_path}/") for line in errors] == expected
        assert not Article.objects.exists()
        assert not Work.objects.exists()
        assert not Track.objects.exists()

    def test_the_valid_file_of_these_tests_imports(self, tmp_path):
        printed, _ = import_files(write(tmp_path, "intro.md", VALID))

        assert "created “Intro” (intro)" in printed
        assert Section.objects.count() == 2

    def test_every_problem_of_a_file_is_reported(self, tmp_path):
        content = VALID.replace("status: published", "status: live").replace("2025-05-31 12:00:00+00:00", "soon")
        content = content.replace("## Second {#section-2}", "## Second {#section-1}")

        errors = failed_import(write(tmp_path, "intro.md", content))

        assert [line.split(": ")[0].removeprefix(f"{tmp_path}/") for line in errors] == [
            "intro.md:4",
            "intro.md:5",
            "intro.md:23",
        ]

    def test_a_track_number_that_names_another_title_on_the_existing_work_is_refused(self, tmp_path):
        import_files(write(tmp_path, "intro.md", VALID))
        other = VALID.replace("slug: intro", "slug: other").replace("    title: Heptapod B", "    title: Heptapod A")

        errors = failed_import(write(tmp_path, "other.md", other))

        assert [line.removeprefix(f"{tmp_path}/") for line in errors] == [
            "other.md:11: work.tracks.title: track 1 of Arrival is “Heptapod B”, not “Heptapod A”"
        ]
        assert list(Article.objects.values_list("slug", flat=True)) == ["intro"]

    def test_a_broken_file_leaves_an_existing_article_untouched(self, tmp_path):
        import_files(write(tmp_path, "intro.md", VALID))
        broken = VALID.replace("title: Intro", "title: Changed").replace("  track: Heptapod B\n", "  track: Time\n")

        failed_import(write(tmp_path, "intro.md", broken))

        assert Article.objects.get(slug="intro").title == "Intro"
        assert FeaturedTrack.objects.get().track.title == "Heptapod B"

    def test_other_files_still_import_and_the_command_fails(self, tmp_path):
        write(tmp_path, "a-good.md", VALID)
        broken = VALID.replace("slug: intro", "slug: other").replace("status: published", "status: x")
        write(tmp_path, "b-broken.md", broken)
        write(tmp_path, "c-good.md", VALID.replace("slug: intro", "slug: second"))
        out, err = StringIO(), StringIO()

        with pytest.raises(CommandError, match="1 of 3 files not imported"):
            call_command("import_articles", str(tmp_path), stdout=out, stderr=err)

        assert sorted(Article.objects.values_list("slug", flat=True)) == ["intro", "second"]
        assert err.getvalue().startswith(f"{tmp_path}/b-broken.md:4: status:")

    def test_the_command_exits_with_a_non_zero_status(self, tmp_path):
        path = write(tmp_path, "intro.md", VALID.replace("status: published", "status: live"))

        with pytest.raises(SystemExit) as exited:
            execute_from_command_line(["manage.py", "import_articles", str(path)])

        assert exited.value.code != 0
