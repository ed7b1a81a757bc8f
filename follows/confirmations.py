"""The confirmation link of a follow: signed, expiring after MAIL_LINK_HOURS, carrying what was asked for."""

from datetime import timedelta

from django.conf import settings
from django.urls import reverse

from mailing import tokens

from .models import TARGET_MODELS, Frequency, Kind

PURPOSE = "follow-confirm"


def link_age() -> timedelta:
    return timedelta(hours=settings.MAIL_LINK_HOURS)


def confirmation_url(*, email: str, kind: str, target_id: int, frequency: str) -> str:
    token = tokens.make(PURPOSE, {"e": email, "k": kind, "t": target_id, "f": frequency})
    return settings.SITE_URL + reverse("follows:confirm", kwargs={"token": token})


class FollowRequest:
    """What a confirmation link asks for: ``email`` to follow ``target`` at ``frequency`` (None: it is gone)."""

    def __init__(self, payload: dict):
        email, kind, target_id, frequency = (payload.get(key) for key in ("e", "k", "t", "f"))
        if not (
            isinstance(email, str)
            and kind in Kind.values
            and isinstance(target_id, int)
            and frequency in Frequency.values
        ):
            raise tokens.BadToken(tokens.NOT_VALID)
        self.email, self.kind, self.frequency = email, Kind(kind), Frequency(frequency)
        self.target = TARGET_MODELS[self.kind].objects.filter(pk=target_id).first()


def read_confirmation(token: str) -> FollowRequest:
    """The request a confirmation link carries; BadToken when it was changed or has expired."""
    return FollowRequest(tokens.read(PURPOSE, token, max_age=link_age()))
