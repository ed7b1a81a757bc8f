"""A tag merged into another keeps its followers: their follows move to the tag it became."""

import pytest
from django.utils import timezone
from taggit.models import Tag

from articles.tags import merge_tags
from follows.models import Follow

pytestmark = pytest.mark.django_db


def follow(email: str, tag: Tag, frequency: str = "daily") -> Follow:
    return Follow.objects.create(email=email, tag=tag, frequency=frequency, confirmed_at=timezone.now())


def test_the_followers_of_a_merged_tag_follow_the_tag_it_became():
    ambient, drone = Tag.objects.create(name="Ambient"), Tag.objects.create(name="Drone")
    follow("ada@example.org", ambient, "weekly")

    merged = merge_tags([ambient], into="Drone")

    assert merged == drone
    moved = Follow.objects.get()
    assert (moved.email, moved.tag, moved.frequency) == ("ada@example.org", drone, "weekly")
    assert moved.confirmed_at is not None


def test_an_address_that_followed_both_keeps_one_follow_of_the_tag_they_became():
    ambient, drone = Tag.objects.create(name="Ambient"), Tag.objects.create(name="Drone")
    follow("ada@example.org", ambient, "weekly")
    follow("ada@example.org", drone, "daily")
    follow("ben@example.org", ambient)

    merge_tags([ambient], into="Drone")

    assert sorted(Follow.objects.values_list("email", "tag__name", "frequency")) == [
        ("ada@example.org", "Drone", "daily"),
        ("ben@example.org", "Drone", "daily"),
    ]
