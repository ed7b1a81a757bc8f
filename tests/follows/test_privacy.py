"""The follows' part of a privacy export and erasure."""

import pytest
from django.utils import timezone

from follows.models import DigestSent, Follow
from privacy.registry import sources

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]


@pytest.fixture
def follows(composer, work, tag):
    return [
        Follow.objects.create(email="reader@example.org", composer=composer, confirmed_at=timezone.now()),
        Follow.objects.create(email="reader@example.org", work=work, frequency="daily"),
        Follow.objects.create(email="other@example.org", tag=tag),
    ]


def test_the_follows_are_a_registered_data_source():
    assert "follows" in sources()


def test_an_export_lists_each_follow_of_the_address(follows):
    exported = sources()["follows"].export("Reader@Example.org")

    assert exported == [
        {
            "kind": "composer",
            "name": "Mica Levi",
            "frequency": "weekly",
            "confirmed": "2026-06-01T12:00:00+00:00",
            "created": "2026-06-01T12:00:00+00:00",
        },
        {
            "kind": "work",
            "name": "Under the Skin (2013)",
            "frequency": "daily",
            "confirmed": None,
            "created": "2026-06-01T12:00:00+00:00",
        },
    ]


def test_erasure_deletes_the_follows_of_the_address_and_its_digests_record(follows):
    DigestSent.objects.create(email="reader@example.org", frequency="daily", period_start=timezone.now())

    assert sources()["follows"].erase("READER@example.org") == 2

    assert list(Follow.objects.values_list("email", flat=True)) == ["other@example.org"]
    assert not DigestSent.objects.exists()
    assert sources()["follows"].export("reader@example.org") == []
