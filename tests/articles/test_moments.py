"""The moments a featured track plays in its work: typed by an editor as times ("0:34:10, 1:41:05"), refused with
the time that cannot be read named and the text kept, shown on the article, in its structured data and in its
exported file, and brought over from the single timestamp tracks had before."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from reversion.models import Version

from articles.models import FeaturedTrack
from articles.moments import MAX_MOMENTS, clock, parse_moments, validate_moments
from articles.portability.document import read_document
from articles.revisions import keep_revision
from articles.revisions.changes import Snapshot
from tests.utils.admin import change_url, form_data
from tests.utils.factories import ArticleFactory, FeaturedTrackFactory, TrackFactory, editor
from tests.utils.html import get_page, parse
from tests.utils.seo import graph_node, structured_data

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("0:34:10", [2050]),
        ("1:41:05, 0:34:10", [2050, 6065]),  # earliest first
        ("4:05; 4:05  12:00", [245, 720]),  # each once; commas, semicolons or spaces between
        ("99:59:59", [359_999]),
        ("0:00", [0]),
    ],
)
def test_times_an_editor_types_are_read_as_seconds_from_the_start(typed, stored):
    assert parse_moments(typed) == stored


@pytest.mark.parametrize(
    ("typed", "named"),
    [("1:75:00", "“1:75:00”"), ("12", "“12”"), ("4:5", "“4:5”"), ("-0:10", "“-0:10”"), ("0:34:10, soon", "“soon”")],
)
def test_a_time_that_cannot_be_read_is_named(typed, named):
    with pytest.raises(ValidationError) as refused:
        parse_moments(typed)

    assert any(named in message for message in refused.value.messages)


def test_what_is_stored_is_checked_however_it_comes():
    validate_moments([0, 2050])
    for wrong in ([2050, 0], [5, 5], [-1], [360_000], ["0:10"], list(range(MAX_MOMENTS + 1))):
        with pytest.raises(ValidationError):
            validate_moments(wrong)


def test_a_moment_reads_as_track_lists_write_times():
    assert [clock(seconds) for seconds in (0, 65, 3600, 6065)] == ["0:00", "1:05", "1:00:00", "1:41:05"]


class TestTheEditorsForm:
    @pytest.fixture
    def featured(self, client):
        client.force_login(editor())
        article = ArticleFactory()
        return FeaturedTrackFactory(article=article, track=TrackFactory(work=article.work), moments=[2050])

    def submit(self, client, featured, moments: str):
        data = form_data(client.get(change_url(featured.article)))
        data["featured_tracks-0-moments"] = [moments]
        return client.post(change_url(featured.article), data)

    def test_shows_the_moments_as_times_and_saves_what_is_typed(self, client, featured):
        shown = parse(client.get(change_url(featured.article))).find("input", name="featured_tracks-0-moments")
        assert shown.attrs["value"] == "34:10"

        response = self.submit(client, featured, "1:41:05, 0:34:10")

        assert response.status_code == 302
        featured.refresh_from_db()
        assert featured.moments == [2050, 6065]

    def test_refuses_a_time_it_cannot_read_naming_it_and_keeping_what_was_typed(self, client, featured):
        response = self.submit(client, featured, "0:34:10, 1:75:00")

        assert response.status_code == 200
        page = parse(response)
        assert "“1:75:00” is not a time" in page.text
        assert page.find("input", name="featured_tracks-0-moments").attrs["value"] == "0:34:10, 1:75:00"
        featured.refresh_from_db()
        assert featured.moments == [2050]

    def test_refuses_more_moments_than_a_track_may_carry(self, client, featured):
        typed = ", ".join(f"0:{minute:02}:00" for minute in range(MAX_MOMENTS + 1))

        response = self.submit(client, featured, typed)

        assert response.status_code == 200
        assert f"At most {MAX_MOMENTS} moments per track" in parse(response).text
        featured.refresh_from_db()
        assert featured.moments == [2050]


def test_each_moment_is_a_clip_of_the_work_in_the_structured_data(client):
    article = ArticleFactory(work__title="The Glass Orchard", work__kind="tv")
    track = TrackFactory(work=article.work, title="Harvest of Light")
    FeaturedTrackFactory(article=article, track=track, moments=[72, 7120])

    mention = graph_node(structured_data(client, article), "BlogPosting")["mentions"][0]

    assert mention["subjectOf"] == [
        {
            "@type": "Clip",
            "name": "Harvest of Light in The Glass Orchard",
            "startOffset": offset,
            "isPartOf": {"@type": "TVSeries", "name": "The Glass Orchard"},
        }
        for offset in (72, 7120)
    ]


def test_the_article_shows_every_moment_with_its_machine_readable_time(client):
    article = ArticleFactory()
    FeaturedTrackFactory(article=article, track=TrackFactory(work=article.work), appears_in="", moments=[72, 7120])

    where = get_page(client, article.get_absolute_url()).find("p", class_="featured-track-where")

    assert where.text == "Plays at 1:12 and 1:58:40"
    assert [time.attrs["datetime"] for time in where.find_all("time")] == ["PT1M12S", "PT1H58M40S"]


def test_an_older_exports_single_timestamp_is_read_as_one_moment():
    text = """---
title: An older export
work:
  title: The Glass Orchard
  tracks:
  - number: 1
    title: Frost on the Branches
featured_tracks:
- position: 1
  track: 1
  timestamp: '0:01:12'
  moments: ['1:58:40']
---
The standfirst.
"""
    document = read_document(text)

    entry = document.front_matter["featured_tracks"][0]
    assert (entry["timestamp"], list(entry["moments"])) == (timedelta(minutes=1, seconds=12), [7120])


@pytest.mark.django_db(transaction=True)
def test_the_migration_goes_back_to_one_timestamp_and_forward_to_moments():
    several = FeaturedTrackFactory(moments=[2050, 6065])
    none = FeaturedTrackFactory(moments=[])
    keep_revision([several.article], by=None, comment="Kept before the migration is undone.")
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes("articles")

    executor.migrate([("articles", "0012_authors")])  # back: a database of the release before
    before = executor.loader.project_state(("articles", "0012_authors")).apps.get_model("articles", "FeaturedTrack")
    timestamps = dict(before.objects.values_list("pk", "timestamp"))
    executor = MigrationExecutor(connection)
    executor.migrate(latest)  # and forward again

    assert timestamps == {several.pk: timedelta(seconds=2050), none.pk: None}, "the earliest moment, kept"
    assert dict(FeaturedTrack.objects.values_list("pk", "moments")) == {several.pk: [2050], none.pk: []}
    kept = Version.objects.get_for_object(several).get()
    assert kept.field_dict["moments"] == [2050], "the revision's time went back and forward with the table's"


def test_a_revision_compares_the_moments_as_times():
    featured = FeaturedTrackFactory(moments=[2050])
    keep_revision([featured.article], by=None, comment="First.")
    FeaturedTrack.objects.filter(pk=featured.pk).update(moments=[2050, 6065])
    keep_revision([featured.article], by=None, comment="Second.")

    newer, older = Version.objects.get_for_object(featured.article)[:2]
    changes = Snapshot.of(older).compare(Snapshot.of(newer)).featured_tracks

    assert [(field.label, field.old, field.new) for part in changes for field in part.fields] == [
        ("Plays at", "34:10", "34:10, 1:41:05")
    ]
