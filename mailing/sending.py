"""Sending: nothing goes to an address that unsubscribed from everything, and a failure says whether the message
was certainly not delivered."""

import smtplib

from django.core.mail import EmailMessage, mailers

from .models import Unsubscribed

# The mail server's own refusals: the message was not delivered.
REFUSED = (smtplib.SMTPResponseException, smtplib.SMTPRecipientsRefused)


class NotDelivered(OSError):
    """Certainly not delivered: no connection was made, or the server refused the message (the cause says which).
    Whoever claimed the message may let the claim go and send it again. Any other error while sending may come
    after the server took the message: it may have been delivered."""


def sendable(messages: list[EmailMessage]) -> list[EmailMessage]:
    """The messages whose recipients may still be written to (each message has one recipient)."""
    return [message for message in messages if not any(Unsubscribed.objects.covers(to) for to in message.to)]


def send(messages: list[EmailMessage]) -> int:
    """Send what may be sent, over one connection; how many were sent. Errors reach the caller, which knows
    whether to retry (taskqueue/retries.py): NotDelivered, or the error itself when the message may have gone."""
    messages = sendable(messages)
    if not messages:
        return 0
    connected = False
    try:
        with mailers.default as mailer:
            connected = True
            return mailer.send_messages(messages) or 0
    except REFUSED as error:
        raise NotDelivered(str(error)) from error
    except OSError as error:
        if not connected:
            raise NotDelivered(str(error)) from error
        raise
