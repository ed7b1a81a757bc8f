"""Following by email: the form, the same answer for every address, the confirmation link, the limits."""

import re
from datetime import timedelta

import pytest
from django.test import Client

from follows.models import Follow
from mailing.models import Unsubscribed
from tests.utils.mail import html_of, text_of

pytestmark = pytest.mark.django_db

REQUESTED = b"Check your inbox: we sent a link to confirm."


def page(response) -> bytes:
    """The answer, its CSRF token (new on every page) aside."""
    return re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"", response.content)


@pytest.mark.parametrize("kind", ["composer", "work", "tag"])
def test_each_page_of_a_followable_thing_links_to_its_follow_page_and_its_feed(client, kind, request):
    target = request.getfixturevalue(kind)
    page = client.get(f"/{kind}s/{target.slug}/")

    assert page.status_code == 200
    assert f'href="/follow/{kind}/{target.slug}/"'.encode() in page.content
    assert f'href="/feeds/{kind}s/{target.slug}/atom/"'.encode() in page.content


def test_the_follow_page_has_the_form_and_links_the_atom_feed(client, composer):
    page = client.get(f"/follow/composer/{composer.slug}/")

    assert page.status_code == 200
    assert b"Follow <a" in page.content and b"Mica Levi" in page.content
    assert b'name="email"' in page.content and b'value="daily"' in page.content and b'value="weekly"' in page.content
    assert f'href="/feeds/composers/{composer.slug}/atom/"'.encode() in page.content
    assert "no-store" in page["Cache-Control"]  # it carries the reader's CSRF token


def test_an_unknown_kind_or_thing_is_not_found(client, composer):
    assert client.get(f"/follow/article/{composer.slug}/").status_code == 404
    assert client.get("/follow/composer/nobody/").status_code == 404


def test_following_sends_a_link_whose_get_asks_and_whose_post_confirms(
    ask_to_follow, confirmation_path, composer, mail_server, client
):
    answer = ask_to_follow("composer", composer.slug, email="Reader@Example.org", frequency="weekly")

    assert answer.status_code == 200 and REQUESTED in answer.content
    follow = Follow.objects.get()
    assert (follow.email, follow.composer, follow.frequency, follow.confirmed_at) == (
        "reader@example.org",
        composer,
        "weekly",
        None,
    )
    [mail] = mail_server.emails()
    assert mail["To"] == "reader@example.org" and "Mica Levi" in mail["Subject"]
    assert mail["List-Unsubscribe"] is None  # nothing to leave yet
    link = confirmation_path(mail)
    assert f"http://127.0.0.1:8000{link}" in html_of(mail)

    shown = client.get(link)  # what a mail scanner does: nothing happens
    assert shown.status_code == 200 and b"Yes, follow Mica Levi" in shown.content
    assert Follow.objects.get().confirmed_at is None

    confirmed = client.post(link)
    assert confirmed.status_code == 200 and b"You follow" in confirmed.content
    assert Follow.objects.get().confirmed_at is not None


def test_the_confirmation_post_needs_the_csrf_token_of_its_page(ask_to_follow, confirmation_path, tag, mail_server):
    ask_to_follow("tag", tag.slug)
    strict = Client(enforce_csrf_checks=True)

    assert strict.post(confirmation_path(mail_server.emails()[0])).status_code == 403
    assert Follow.objects.get().confirmed_at is None


def test_the_answer_is_the_same_whether_or_not_the_address_follows_already(ask_to_follow, work, mail_server):
    first = ask_to_follow("work", work.slug)
    Follow.objects.update(confirmed_at="2026-01-01T00:00Z")
    second = ask_to_follow("work", work.slug, frequency="weekly")

    assert first.status_code == second.status_code == 200
    assert page(first) == page(second)
    assert len(mail_server.emails()) == 2
    follow = Follow.objects.get()
    assert follow.frequency == "daily"  # a confirmed follow changes only by its new link


def test_a_new_link_changes_the_frequency_of_a_confirmed_follow(
    ask_to_follow, confirmation_path, work, mail_server, client
):
    ask_to_follow("work", work.slug, frequency="daily")
    client.post(confirmation_path(mail_server.emails()[0]))
    ask_to_follow("work", work.slug, frequency="weekly")
    client.post(confirmation_path(mail_server.emails()[1]))

    follow = Follow.objects.get()
    assert follow.frequency == "weekly" and follow.confirmed_at is not None


def test_an_address_unsubscribed_from_everything_gets_the_same_answer_and_no_mail(ask_to_follow, tag, mail_server):
    known = ask_to_follow("tag", tag.slug, email="someone@example.org")
    Unsubscribed.objects.create(email="gone@example.org")
    gone = ask_to_follow("tag", tag.slug, email="gone@example.org")

    assert gone.status_code == 200
    assert page(gone) == page(known).replace(b"someone@example.org", b"gone@example.org")
    assert [mail["To"] for mail in mail_server.emails()] == ["someone@example.org"]


def test_an_invalid_address_is_refused_with_the_form(ask_to_follow, composer, mail_server):
    answer = ask_to_follow("composer", composer.slug, email="not an address")

    assert answer.status_code == 400 and b"Enter a valid email address" in answer.content
    assert not Follow.objects.exists() and mail_server.emails() == []


def test_follow_requests_are_limited_by_address_with_the_same_answer_for_any(
    ask_to_follow, composer, work, mail_server, settings
):
    settings.MAIL_RATE_LIMIT_PER_ADDRESS = 2
    ask_to_follow("composer", composer.slug, REMOTE_ADDR="10.0.0.1")
    ask_to_follow("work", work.slug, REMOTE_ADDR="10.0.1.1")

    known = ask_to_follow("composer", composer.slug, REMOTE_ADDR="10.0.2.1")
    Follow.objects.all().delete()
    unknown = ask_to_follow("composer", composer.slug, REMOTE_ADDR="10.0.3.1")

    assert known.status_code == unknown.status_code == 429
    assert page(known) == page(unknown)
    assert b"Too many requests. Please try again in 60 minutes." in known.content
    assert len(mail_server.emails()) == 2


def test_follow_requests_are_limited_by_client(ask_to_follow, composer, mail_server, settings):
    settings.MAIL_RATE_LIMIT_PER_CLIENT = 2
    for n in range(2):
        assert ask_to_follow("composer", composer.slug, email=f"reader{n}@example.org").status_code == 200

    refused = ask_to_follow("composer", composer.slug, email="reader3@example.org")

    assert refused.status_code == 429
    assert not Follow.objects.filter(email="reader3@example.org").exists()
    assert len(mail_server.emails()) == 2


def test_an_expired_link_confirms_nothing(ask_to_follow, confirmation_path, composer, mail_server, client, clock):
    ask_to_follow("composer", composer.slug)
    link = confirmation_path(mail_server.emails()[0])
    clock.shift(timedelta(hours=48, seconds=1))

    answer = client.post(link)

    assert answer.status_code == 400 and b"This link has expired" in answer.content
    assert Follow.objects.get().confirmed_at is None


def test_a_changed_link_confirms_nothing(ask_to_follow, confirmation_path, composer, mail_server, client):
    ask_to_follow("composer", composer.slug)
    link = confirmation_path(mail_server.emails()[0])

    answer = client.post(link[:-8] + "abcdefg/")

    assert answer.status_code == 400 and b"This link is not valid" in answer.content
    assert Follow.objects.get().confirmed_at is None


def test_a_link_to_something_deleted_since_says_so(ask_to_follow, confirmation_path, tag, mail_server, client):
    ask_to_follow("tag", tag.slug)
    link = confirmation_path(mail_server.emails()[0])
    tag.delete()

    answer = client.post(link)

    assert answer.status_code == 410 and b"no longer on the site" in answer.content
    assert not Follow.objects.exists()


def test_the_confirmation_mail_names_what_is_followed_and_how_long_the_link_lasts(ask_to_follow, composer, mail_server):
    ask_to_follow("composer", composer.slug, frequency="weekly")

    text = text_of(mail_server.emails()[0])
    assert "the weekly digest of new articles about Mica Levi" in text
    assert f"http://127.0.0.1:8000/composers/{composer.slug}/" in text
    assert "within 48 hours" in text


def test_a_renamed_tags_old_address_leads_to_its_follow_page(client, tag):
    from articles.models import TagAlias

    TagAlias.objects.create(tag=tag, name="violins")

    answer = client.get("/follow/tag/violins/")

    assert answer.status_code == 301 and answer["Location"] == f"/follow/tag/{tag.slug}/"
