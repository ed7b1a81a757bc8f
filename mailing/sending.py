"""Sending: nothing goes to an address that unsubscribed from everything."""

from django.core.mail import EmailMessage, mailers

from .models import Unsubscribed


def sendable(messages: list[EmailMessage]) -> list[EmailMessage]:
    """The messages whose recipients may still be written to (each message has one recipient)."""
    return [message for message in messages if not any(Unsubscribed.objects.covers(to) for to in message.to)]


def send(messages: list[EmailMessage]) -> int:
    """Send what may be sent, over one connection; how many were sent. Errors reach the caller, which knows
    whether to retry (taskqueue/retries.py)."""
    messages = sendable(messages)
    if not messages:
        return 0
    with mailers.default as mailer:
        return mailer.send_messages(messages) or 0
