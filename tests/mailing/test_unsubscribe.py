"""Unsubscribing: RFC 8058's one-click POST, a confirmation page for a GET, and "everything"."""

import pytest
from django.test import Client
from django.urls import reverse

from mailing import lists
from mailing.models import Unsubscribed

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("example_list")]


def link(email="reader@example.org", mailing_list="example:7") -> str:
    return lists.unsubscribe_url(email, mailing_list).removeprefix("http://127.0.0.1:8000")


@pytest.fixture
def subscribed(example_list):
    example_list.subscribed = {("reader@example.org", "7"), ("reader@example.org", "8"), ("other@example.org", "7")}
    return example_list


def test_a_get_shows_what_the_link_stops_and_stops_nothing(client, subscribed):
    response = client.get(link())

    assert response.status_code == 200
    assert b"reader@example.org" in response.content and b"example mail number 7" in response.content
    assert b"Unsubscribe from everything" in response.content
    assert ("reader@example.org", "7") in subscribed.subscribed
    assert "no-cache" in response["Cache-Control"]


def test_the_one_click_post_unsubscribes_at_once_without_a_csrf_token(subscribed):
    browserless = Client(enforce_csrf_checks=True)

    response = browserless.post(
        link(), data="List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )

    assert response.status_code == 200
    assert subscribed.subscribed == {("reader@example.org", "8"), ("other@example.org", "7")}
    assert not Unsubscribed.objects.exists()


def test_unsubscribing_twice_is_no_error(client, subscribed):
    client.post(link())
    response = client.post(link())

    assert response.status_code == 200
    assert ("reader@example.org", "7") not in subscribed.subscribed


def test_unsubscribing_from_everything_stops_every_list_and_all_mail(client, subscribed):
    response = client.post(link(), {"scope": "everything"})

    assert response.status_code == 200
    assert b"every email from" in response.content
    assert subscribed.subscribed == {("other@example.org", "7")}
    assert Unsubscribed.objects.covers("READER@example.org")


def test_a_changed_link_gets_a_clear_message_and_changes_nothing(client, subscribed):
    broken = link()[:-6] + "xxxxx/"

    response = client.post(broken)

    assert response.status_code == 400
    assert b"not valid" in response.content
    assert len(subscribed.subscribed) == 3


def test_a_link_for_a_list_nobody_registered_is_refused(client):
    response = client.get(link(mailing_list="unknown:1"))

    assert response.status_code == 400


def test_unsubscribe_posts_are_limited_per_address_generously(client, subscribed, settings):
    settings.MAIL_RATE_LIMIT_PER_ADDRESS = 2  # mail; unsubscribing sends none and takes ten times as many
    for _ in range(20):
        assert client.post(link()).status_code == 200

    response = client.post(link())

    assert response.status_code == 429
    assert b"Too many requests" in response.content
    assert reverse("mailing:unsubscribe", kwargs={"token": "x"}).startswith("/mail/unsubscribe/")


def test_unsubscribing_works_when_the_rate_limit_counters_are_down(client, subscribed, settings):
    settings.CACHES = settings.CACHES | {
        "ratelimit": {"BACKEND": "soundtrack_site.cache.SharedClientRedisCache", "LOCATION": "redis://127.0.0.1:1/0"}
    }

    response = client.post(link())

    assert response.status_code == 200
    assert ("reader@example.org", "7") not in subscribed.subscribed
