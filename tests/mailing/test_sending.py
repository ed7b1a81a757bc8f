"""A failure to send says whether the message was certainly not delivered (the claim may go, and a retry send it)
or may have been (the claim stays: at most once)."""

import pytest

from mailing.sending import NotDelivered, send
from reliability.mailservers import MailServer, SilentMailServer
from tests.utils.mail import send_to

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("example_templates", "example_list")]


def with_timeout(settings, seconds: float) -> None:
    settings.MAILERS["default"]["OPTIONS"]["timeout"] = seconds


def test_a_server_that_refuses_the_message_did_not_deliver_it(example, settings):
    server = MailServer(refuse=True).start()
    try:
        send_to(settings, server)
        with pytest.raises(NotDelivered):
            send([example()])
    finally:
        server.stop()
    assert server.attempts == 1


def test_a_server_that_never_answers_the_greeting_was_sent_nothing(example, settings):
    server = SilentMailServer().start()
    try:
        send_to(settings, server)
        with_timeout(settings, 0.5)
        with pytest.raises(NotDelivered):
            send([example()])
    finally:
        server.stop()


def test_a_server_that_took_the_message_and_went_quiet_may_have_delivered_it(example, settings):
    server = MailServer(hold=True).start()
    try:
        send_to(settings, server)
        with_timeout(settings, 0.5)
        with pytest.raises(OSError) as failed:
            send([example()])
    finally:
        server.stop()
    assert not isinstance(failed.value, NotDelivered)
    assert len(server.messages) == 1
