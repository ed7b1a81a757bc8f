"""A digest can be left in one click (RFC 8058), one followed thing at a time, or with everything."""

import re
from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from follows.models import Follow
from mailing.models import Unsubscribed
from tests.utils.mail import text_of

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]

YESTERDAY = datetime(2026, 5, 31, 9, 0, tzinfo=UTC)  # the clock stands at Monday 1 June 2026, 12:00 UTC


@pytest.fixture
def digest(mail_server, composer, work, article_about):
    """Yesterday's digest to a reader following a composer and a work (and, weekly, a tag)."""
    for target in ({"composer": composer}, {"work": work}):
        Follow.objects.create(email="reader@example.org", frequency="daily", confirmed_at=timezone.now(), **target)
    article_about(at=YESTERDAY, work=work, composers=[composer])
    call_command("send_digests", frequency="daily", stdout=StringIO())
    [mail] = mail_server.emails()
    return mail


def path_of(link: str) -> str:
    return link.removeprefix("http://127.0.0.1:8000")


def test_a_digest_carries_rfc_8058_one_click_unsubscribe_and_says_what_it_stops(digest, client):
    assert digest["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert digest["List-Id"] == "Soundtrack Notes follow <follow.127.0.0.1>"
    link = re.fullmatch(r"<(http://127\.0\.0\.1:8000/mail/unsubscribe/[^/]+/)>", digest["List-Unsubscribe"])[1]
    assert f"Unsubscribe: {link}" in text_of(digest)
    assert "you asked for the daily digest of new articles about Mica Levi and Under the Skin (2013)" in text_of(digest)

    page = client.get(path_of(link))
    assert b"the daily digest of new articles about Mica Levi and Under the Skin (2013)" in page.content


def test_the_one_click_post_stops_the_digest_without_a_csrf_token(digest, mail_server, composer, article_about, clock):
    link = re.fullmatch(r"<(.+)>", digest["List-Unsubscribe"])[1]

    answer = Client(enforce_csrf_checks=True).post(
        path_of(link), data="List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )

    assert answer.status_code == 200
    assert not Follow.objects.exists()
    assert not Unsubscribed.objects.exists()
    article_about(at=timezone.now(), composers=[composer])
    clock.shift(timedelta(days=1))
    call_command("send_digests", stdout=StringIO())
    assert len(mail_server.emails()) == 1


def test_the_link_under_a_followed_thing_stops_that_one_only(digest, client, work):
    stop = re.search(r"Stop following Mica Levi: (\S+)", text_of(digest))[1]

    client.post(path_of(stop))

    assert list(Follow.objects.values_list("work", flat=True)) == [work.pk]


def test_unsubscribing_from_everything_stops_every_follow_of_the_address(digest, client, tag):
    Follow.objects.create(email="reader@example.org", frequency="weekly", confirmed_at=timezone.now(), tag=tag)
    Follow.objects.create(email="other@example.org", frequency="weekly", confirmed_at=timezone.now(), tag=tag)
    link = re.fullmatch(r"<(.+)>", digest["List-Unsubscribe"])[1]

    client.post(path_of(link), {"scope": "everything"})

    assert list(Follow.objects.values_list("email", flat=True)) == ["other@example.org"]
    assert Unsubscribed.objects.covers("reader@example.org")


def test_a_link_whose_follows_are_gone_says_there_is_nothing_left(digest, client):
    Follow.objects.all().delete()
    link = re.fullmatch(r"<(.+)>", digest["List-Unsubscribe"])[1]

    page = client.get(path_of(link))

    assert page.status_code == 200 and b"have stopped already" in page.content
