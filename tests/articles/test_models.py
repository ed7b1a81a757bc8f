from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from articles.models import Article, Section, Work
from tests.utils.clock import NOW
from tests.utils.factories import (
    ArticleFactory,
    ComposerFactory,
    FeaturedTrackFactory,
    SectionFactory,
    TrackFactory,
    UserFactory,
    WorkFactory,
    editor,
)

pytestmark = pytest.mark.django_db


class TestPublishedVisibility:
    def test_published_contains_published_and_due_scheduled_articles_only(self):
        with time_machine.travel(NOW, tick=False):
            published = ArticleFactory(status=Article.Status.PUBLISHED, publish_at=NOW - timedelta(hours=1))
            due = ArticleFactory(status=Article.Status.SCHEDULED, publish_at=NOW - timedelta(minutes=1))
            ArticleFactory(status=Article.Status.SCHEDULED, publish_at=NOW + timedelta(minutes=1))
            ArticleFactory(status=Article.Status.DRAFT, publish_at=None)
            ArticleFactory(status=Article.Status.DRAFT, publish_at=NOW - timedelta(days=3))

            assert set(Article.objects.published()) == {published, due}

    def test_a_scheduled_article_becomes_public_exactly_at_its_publish_time(self):
        scheduled = ArticleFactory(status=Article.Status.SCHEDULED, publish_at=NOW)

        with time_machine.travel(NOW - timedelta(microseconds=1), tick=False):
            assert not Article.objects.published().filter(pk=scheduled.pk).exists()
            assert not scheduled.is_public
        with time_machine.travel(NOW, tick=False):
            assert Article.objects.published().filter(pk=scheduled.pk).exists()
            assert scheduled.is_public

    def test_published_accepts_an_explicit_moment(self):
        scheduled = ArticleFactory(status=Article.Status.SCHEDULED, publish_at=NOW)

        assert not Article.objects.published(at=NOW - timedelta(seconds=1)).filter(pk=scheduled.pk).exists()
        assert Article.objects.published(at=NOW).filter(pk=scheduled.pk).exists()

    def test_editors_see_drafts_but_readers_and_other_staff_do_not(self):
        draft = ArticleFactory(status=Article.Status.DRAFT, publish_at=None)
        reader = UserFactory()
        staff_without_permission = UserFactory(is_staff=True)

        assert draft in Article.objects.visible_to(editor())
        assert draft not in Article.objects.visible_to(AnonymousUser())
        assert draft not in Article.objects.visible_to(reader)
        assert draft not in Article.objects.visible_to(staff_without_permission)


class TestSlugs:
    def test_the_slug_is_made_from_the_title(self):
        article = ArticleFactory(title="Why Its Soundtrack Deserves More Recognition")

        assert article.slug == "why-its-soundtrack-deserves-more-recognition"

    def test_a_taken_slug_gets_a_number(self):
        first = ArticleFactory(title="Same title")
        second = ArticleFactory(title="Same title")
        third = ArticleFactory(title="Same title")

        assert [first.slug, second.slug, third.slug] == ["same-title", "same-title-2", "same-title-3"]

    def test_accented_titles_become_ascii_slugs(self):
        assert WorkFactory(title="Ōkami: Sumi-e & Shamisen").slug == "okami-sumi-e-shamisen"

    def test_a_title_without_letters_still_gets_a_slug(self):
        assert WorkFactory(title="!!!").slug == "work"
        assert ComposerFactory(name="???").slug == "composer"

    def test_an_editors_slug_is_kept_and_the_slug_does_not_change_when_the_title_does(self):
        article = ArticleFactory(title="First title", slug="chosen-slug")
        article.title = "Second title"
        article.save()

        assert Article.objects.get(pk=article.pk).slug == "chosen-slug"

    def test_a_very_long_title_gives_a_slug_that_fits_the_column_even_when_numbered(self):
        title = "A " + "very " * 37 + "long title"  # 197 characters, near the column's 200
        first, second = ArticleFactory(title=title), ArticleFactory(title=title)

        assert len(first.slug) <= 200 and len(second.slug) <= 200
        assert second.slug == first.slug + "-2"

    def test_slugs_are_unique_in_the_database(self):
        ArticleFactory(slug="taken")
        other = ArticleFactory()
        with pytest.raises(IntegrityError), transaction.atomic():
            Article.objects.filter(pk=other.pk).update(slug="taken")


class TestOrdering:
    def test_sections_and_featured_tracks_come_in_position_order(self):
        article = ArticleFactory()
        SectionFactory(article=article, position=3, heading="Third")
        SectionFactory(article=article, position=1, heading="First")
        SectionFactory(article=article, position=2, heading="Second")
        work_tracks = [TrackFactory(work=article.work, position=n) for n in (1, 2)]
        FeaturedTrackFactory(article=article, track=work_tracks[0], position=2)
        FeaturedTrackFactory(article=article, track=work_tracks[1], position=1)

        assert [s.heading for s in article.sections.all()] == ["First", "Second", "Third"]
        assert [f.track for f in article.featured_tracks.all()] == [work_tracks[1], work_tracks[0]]

    def test_a_section_without_a_position_goes_last(self):
        article = ArticleFactory()
        SectionFactory(article=article, position=5)

        assert SectionFactory(article=article, position=None).position == 6
        assert SectionFactory(article=ArticleFactory(), position=None).position == 1

    def test_the_home_page_order_is_newest_first(self):
        old = ArticleFactory(publish_at=NOW - timedelta(days=2))
        new = ArticleFactory(publish_at=NOW - timedelta(days=1))

        assert list(Article.objects.published().for_listing()) == [new, old]

    def test_numbered_sections_skip_the_conclusion(self):
        article = ArticleFactory()
        for position in range(1, 4):
            SectionFactory(article=article, position=position)
        SectionFactory(article=article, position=4, heading="Conclusion", numbered=False)

        assert [number for number, _, _ in article.numbered_sections()] == [1, 2, 3, None]


class TestDatabaseConstraints:
    def test_two_sections_cannot_share_a_position(self):
        article = ArticleFactory()
        SectionFactory(article=article, position=1)
        with pytest.raises(IntegrityError), transaction.atomic():
            SectionFactory(article=article, position=1)

    def test_a_published_article_needs_a_publish_time(self):
        with pytest.raises(IntegrityError), transaction.atomic():
            ArticleFactory(status=Article.Status.PUBLISHED, publish_at=None)
        with pytest.raises(IntegrityError), transaction.atomic():
            ArticleFactory(status=Article.Status.SCHEDULED, publish_at=None)
        assert ArticleFactory(status=Article.Status.DRAFT, publish_at=None).pk

    def test_a_featured_track_must_come_from_the_articles_work(self):
        article = ArticleFactory()
        other_track = TrackFactory(work=WorkFactory())
        with pytest.raises(IntegrityError), transaction.atomic():
            FeaturedTrackFactory(article=article, track=other_track)

    def test_a_featured_track_cannot_be_switched_to_another_works_track(self):
        featured = FeaturedTrackFactory()
        other_track = TrackFactory(work=WorkFactory())
        featured.track = other_track
        with pytest.raises(IntegrityError), transaction.atomic():
            featured.save()

    def test_a_track_is_featured_once_per_article(self):
        featured = FeaturedTrackFactory()
        with pytest.raises(IntegrityError), transaction.atomic():
            FeaturedTrackFactory(article=featured.article, track=featured.track)

    def test_track_positions_are_unique_per_work_and_durations_positive(self):
        track = TrackFactory(position=1)
        with pytest.raises(IntegrityError), transaction.atomic():
            TrackFactory(work=track.work, position=1)
        with pytest.raises(IntegrityError), transaction.atomic():
            TrackFactory(duration=timedelta(0))

    def test_a_works_year_must_be_plausible(self):
        with pytest.raises(IntegrityError), transaction.atomic():
            WorkFactory(year=1500)
        assert WorkFactory(year=None).pk

    def test_a_work_with_articles_cannot_be_deleted(self):
        from django.db.models import ProtectedError

        article = ArticleFactory()
        with pytest.raises(ProtectedError):
            article.work.delete()


class TestValidation:
    def test_publishing_without_a_time_publishes_now(self):
        article = ArticleFactory.build(status=Article.Status.PUBLISHED, publish_at=None, work=WorkFactory())
        with time_machine.travel(NOW, tick=False):
            article.full_clean()
        assert article.publish_at == NOW

    def test_scheduling_without_a_time_is_refused_with_a_message(self):
        article = ArticleFactory.build(status=Article.Status.SCHEDULED, publish_at=None, work=WorkFactory())
        with pytest.raises(ValidationError) as error:
            article.full_clean()
        assert "publish time" in str(error.value.message_dict["publish_at"])

    def test_published_with_a_future_time_asks_for_scheduled(self):
        article = ArticleFactory.build(
            status=Article.Status.PUBLISHED, publish_at=timezone.now() + timedelta(days=1), work=WorkFactory()
        )
        with pytest.raises(ValidationError) as error:
            article.full_clean()
        assert "Scheduled" in str(error.value.message_dict["status"])

    def test_a_featured_track_from_another_work_is_explained(self):
        article = ArticleFactory()
        stranger = TrackFactory(work=WorkFactory(title="Another Film"), title="Intruder")
        featured = FeaturedTrackFactory.build(article=article, track=stranger, position=1)
        with pytest.raises(ValidationError) as error:
            featured.full_clean()
        assert "Another Film" in str(error.value.message_dict["track"])

    def test_a_featured_track_cannot_point_at_another_articles_section(self):
        article = ArticleFactory()
        foreign_section = SectionFactory()
        featured = FeaturedTrackFactory.build(
            article=article, track=TrackFactory(work=article.work), section=foreign_section, position=1
        )
        with pytest.raises(ValidationError) as error:
            featured.full_clean()
        assert "section" in error.value.message_dict


class TestRenderedFields:
    def test_markdown_fields_are_rendered_once_on_save(self):
        article = ArticleFactory(standfirst="An *intro*.")
        section = SectionFactory(article=article, body="Some **bold** music.")
        featured = FeaturedTrackFactory(article=article, note="A _quiet_ cue.")
        composer = ComposerFactory(bio="Born in *Tallinn*.")

        assert article.standfirst_html == "<p>An <em>intro</em>.</p>"
        assert section.body_html == "<p>Some <strong>bold</strong> music.</p>"
        assert featured.note_html == "<p>A <em>quiet</em> cue.</p>"
        assert composer.bio_html == "<p>Born in <em>Tallinn</em>.</p>"

    def test_stored_html_follows_an_edit(self):
        section = SectionFactory(body="before")
        section.body = "after"
        section.save()

        assert Section.objects.get(pk=section.pk).body_html == "<p>after</p>"


class TestReadingAndListeningTime:
    def test_reading_time_counts_every_word_at_the_configured_pace(self, settings):
        settings.READING_WORDS_PER_MINUTE = 100
        article = ArticleFactory(title="one two", standfirst=" ".join(["w"] * 98))
        SectionFactory(article=article, heading="h", body=" ".join(["w"] * 299))

        assert article.reading_minutes == 4  # 2 + 98 + 1 + 299 = 400 words

    def test_listening_time_adds_up_the_featured_tracks(self):
        article = ArticleFactory()
        for minutes in (3, 4, 5):
            FeaturedTrackFactory(
                article=article, track=TrackFactory(work=article.work, duration=timedelta(minutes=minutes, seconds=20))
            )
        FeaturedTrackFactory(article=article, track=TrackFactory(work=article.work, duration=None))

        assert article.listening_minutes == 13  # 3:20 + 4:20 + 5:20 = 13 min


def test_works_describe_their_external_identifiers():
    work = WorkFactory(kind=Work.Kind.GAME, wikidata_id="Q42", igdb_slug="hollow-knight")

    assert work.external_links() == [
        ("Wikidata", "https://www.wikidata.org/wiki/Q42"),
        ("IGDB", "https://www.igdb.com/games/hollow-knight"),
    ]


def test_the_meta_description_falls_back_to_the_standfirst_as_plain_text():
    article = ArticleFactory(standfirst="An *underrated* score & a [great](https://example.com) theme. " + "x" * 200)

    assert article.meta_description.startswith("An underrated score & a great theme. ")
    assert len(article.meta_description) <= 160
    assert ArticleFactory(seo_description="Chosen words.").meta_description == "Chosen words."
