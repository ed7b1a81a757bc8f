"""What every email to a reader carries: both parts, absolute links, and the headers mail clients act on."""

import re

import pytest

from mailing.models import Unsubscribed
from mailing.sending import send
from tests.utils.mail import html_of, text_of

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("example_templates", "example_list")]


def test_an_email_has_a_plain_text_and_an_html_part_from_the_templates(example, mail_server, settings):
    settings.SITE_NAME = "Soundtrack Notes"
    assert send([example()]) == 1

    [message] = mail_server.emails()
    assert message["Subject"] == "[Soundtrack Notes] An example"
    assert message["To"] == "reader@example.org"
    assert 'read "Dune\'s "drums" & <voices>": https://soundtrack.example/a/dune/' in text_of(message)
    assert (
        'read <a href="https://soundtrack.example/a/dune/">Dune&#x27;s &quot;drums&quot; &amp; &lt;voices&gt;</a>'
        in html_of(message)
    )


def test_mail_that_can_be_left_carries_one_click_unsubscribe_and_a_visible_link(example, mail_server, settings):
    settings.SITE_URL = "https://soundtrack.example"
    send([example(mailing_list="example:7")])

    [message] = mail_server.emails()
    link = re.fullmatch(r"<(https://soundtrack\.example/mail/unsubscribe/[^/]+/)>", message["List-Unsubscribe"])[1]
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message["List-Id"].endswith("<example.soundtrack.example>")
    assert f"Unsubscribe: {link}" in text_of(message)
    assert f'<a href="{link}">Unsubscribe</a>' in html_of(message)
    assert "You asked for examples." in text_of(message)


def test_every_email_says_it_was_sent_automatically_and_names_itself(example, mail_server, settings):
    settings.SITE_URL = "https://soundtrack.example"
    send([example(), example(message_id="example.7")])

    first, second = mail_server.emails()
    assert [first["Auto-Submitted"], second["Auto-Submitted"]] == ["auto-generated"] * 2
    assert first["Message-ID"].endswith("@soundtrack.example>")
    assert second["Message-ID"] == "<example.7@soundtrack.example>"
    assert first["List-Unsubscribe"] is None  # mail nobody subscribed to (a confirmation link) has nothing to leave


def test_nothing_is_sent_to_an_address_unsubscribed_from_everything(example, mail_server):
    Unsubscribed.objects.create(email="gone@example.org")

    assert send([example(to="Gone@Example.org"), example(to="still@example.org")]) == 1

    assert [message["To"] for message in mail_server.emails()] == ["still@example.org"]
