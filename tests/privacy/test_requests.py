"""A commenter asks for their data or its erasure by email: the same answer for every address, a link by mail only
to an address the site knows, a download or an erasure behind the link."""

import json
import re
from datetime import timedelta

import pytest
from django.test import Client

from comments.models import Comment
from privacy.models import PrivacyEvent, address_digest
from privacy.views import SENT
from tests.utils.mail import html_of, text_of

pytestmark = pytest.mark.django_db


def test_an_export_request_mails_a_link_whose_page_downloads_every_comment(discussion, ask, mail_server, link_in):
    response = ask("ADA@example.org", "export")

    assert response.status_code == 200
    assert SENT in response.content.decode()
    [message] = mail_server.emails()
    assert message["To"] == "ada@example.org" and message["Auto-Submitted"] == "auto-generated"
    assert message["List-Unsubscribe"] is None  # a link the reader asked for: no mailing list to leave
    link = link_in(message)
    assert link.startswith("/privacy/export/") and link in html_of(message)
    page = Client(enforce_csrf_checks=True).get(link)
    assert page.status_code == 200 and b"Download my data" in page.content
    assert "no-store" in page["Cache-Control"]

    download = Client().post(link)

    assert download.status_code == 200
    assert download["Content-Type"].startswith("application/json")
    assert download["Content-Disposition"].startswith('attachment; filename="')
    data = json.loads(download.content)
    assert data["email"] == "ada@example.org"
    comments = data["comments"]
    assert [c["body"] for c in comments] == ["The choir!", "Glad you agree.", "Those drums."]
    first = comments[0]
    assert first["article"] == "The Glass Orchard"
    assert first["url"] == "http://127.0.0.1:8000" + discussion.thread.get_absolute_url()
    assert first["ip_address"] == "192.0.2.10" and first["user_agent"] == "Firefox"
    assert first["notify_replies"] is True and first["status"] == "approved" and first["edited_at"] is None
    assert comments[1]["in_reply_to"].endswith(discussion.ben.get_absolute_url())
    event = PrivacyEvent.objects.get()
    assert (event.action, event.actor, event.records) == ("export", None, {"comments": 3, "follows": 0})
    assert event.address_digest == address_digest("ada@example.org") and "ada" not in event.address_digest


def test_an_unknown_address_gets_the_same_answer_and_no_mail(discussion, ask, mail_server):
    known = ask("ada@example.org", "erase")
    unknown = ask("nobody@example.org", "erase")

    assert unknown.status_code == known.status_code == 200
    assert unknown.content == known.content
    assert [m["To"] for m in mail_server.emails()] == ["ada@example.org"]


def test_a_request_with_a_bad_address_is_refused_with_the_form_again(ask, mail_server):
    response = ask("not an address")

    assert response.status_code == 400
    assert b"Enter a valid email address" in response.content
    assert mail_server.emails() == []


def test_the_request_form_needs_its_csrf_token(discussion, mail_server):
    response = Client(enforce_csrf_checks=True).post("/privacy/request/", {"email": "ada@example.org"})

    assert response.status_code == 403
    assert mail_server.emails() == []


def test_requests_past_the_limits_get_429_and_the_same_words_known_or_not(discussion, ask, mail_server, settings):
    settings.MAIL_RATE_LIMIT_PER_ADDRESS = 1
    ask("ada@example.org")
    ask("nobody@example.org")

    known, unknown = ask("ada@example.org"), ask("nobody@example.org")

    assert known.status_code == unknown.status_code == 429
    assert alert(known) == alert(unknown) and "Too many requests" in alert(known)
    assert len(mail_server.emails()) == 1


def test_requests_from_one_client_are_limited_whatever_the_address(discussion, ask, mail_server, settings):
    settings.MAIL_RATE_LIMIT_PER_CLIENT = 2
    ask("one@example.org")
    ask("two@example.org")

    assert ask("ada@example.org").status_code == 429
    assert mail_server.emails() == []


def alert(response) -> str:
    return re.search(r'role="alert">([^<]*)<', response.content.decode())[1]


def test_an_erasure_link_asks_first_then_erases_once(discussion, ask, mail_server, link_in):
    ask("ada@example.org", "erase")
    [message] = mail_server.emails()
    assert "erase" in message["Subject"].lower() and "once" in text_of(message)
    link = link_in(message)
    assert link.startswith("/privacy/erase/")

    confirm = Client().get(link)
    assert confirm.status_code == 200 and b"Erase my data" in confirm.content
    assert Comment.objects.by_address("ada@example.org").count() == 3  # a GET (a mail scanner's) erases nothing

    erased = Client().post(link)
    again = Client().post(link)

    assert erased.status_code == 200 and b"Data erased" in erased.content
    assert again.status_code == 410 and b"used already" in again.content
    assert not Comment.objects.by_address("ada@example.org").exists()
    assert Comment.objects.filter(author_name="Ben").exists()
    event = PrivacyEvent.objects.get()
    assert (event.action, event.actor, event.records) == ("erase", None, {"comments": 3, "follows": 0})


@pytest.mark.parametrize("what", ["export", "erase"])
def test_a_link_past_its_hours_is_refused_and_says_so(discussion, ask, mail_server, link_in, clock, settings, what):
    settings.MAIL_LINK_HOURS = 2
    ask("ada@example.org", what)
    link = link_in(mail_server.emails()[0])
    clock.shift(timedelta(hours=2, seconds=1))

    for response in (Client().get(link), Client().post(link)):
        assert response.status_code == 400
        assert b"This link has expired" in response.content
    assert Comment.objects.by_address("ada@example.org").count() == 3
    assert not PrivacyEvent.objects.exists()


@pytest.mark.parametrize("what", ["export", "erase"])
def test_a_changed_link_is_refused(discussion, ask, mail_server, link_in, what):
    ask("ada@example.org", what)
    link = link_in(mail_server.emails()[0])
    token = link.split("/")[-2]
    changed = link.replace(token, token[:-3] + ("aaa" if not token.endswith("aaa") else "bbb"))

    response = Client().post(changed)

    assert response.status_code == 400 and b"not valid" in response.content
    assert Comment.objects.by_address("ada@example.org").count() == 3


def test_an_export_link_does_not_erase_and_an_erasure_link_does_not_export(discussion, ask, mail_server, link_in):
    ask("ada@example.org", "export")
    export_token = link_in(mail_server.emails()[0]).split("/")[-2]

    response = Client().post(f"/privacy/erase/{export_token}/")

    assert response.status_code == 400
    assert Comment.objects.by_address("ada@example.org").count() == 3


def test_nothing_is_mailed_to_an_address_unsubscribed_from_everything(discussion, ask, mail_server):
    from mailing.models import Unsubscribed

    Unsubscribed.objects.create(email="ada@example.org")

    response = ask("ada@example.org")

    assert SENT in response.content.decode()
    assert mail_server.emails() == []


def test_the_request_only_enqueues_the_mail_after_its_commit(
    discussion, client, mail_server, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        client.post("/privacy/request/", {"email": "ada@example.org", "what": "export"})

    assert len(callbacks) == 1
    assert mail_server.emails() == []  # nothing is sent from the request itself


def test_the_privacy_page_states_the_reply_notice_window_from_the_settings(client, settings):
    settings.COMMENTS_REPLY_NOTICE_MINUTES = 90

    assert "at most one every 90 minutes per conversation" in " ".join(client.get("/privacy/").content.decode().split())


def test_the_privacy_page_says_which_cookies_there_are_and_how_long_a_commenters_last(client, settings):
    settings.SESSION_COOKIE_AGE = 3 * 24 * 60 * 60

    text = " ".join(client.get("/privacy/").content.decode().split())

    assert "Reading the site sets none." in text and "It goes after 3 days, or when you sign out." in text
    assert "a copy of your account's name and email address" in text
