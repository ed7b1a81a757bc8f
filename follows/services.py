"""Following by email, with double opt-in: a request sends a signed link, and only the link's owner confirms it.

A request records an unconfirmed follow (nothing is sent to it) and mails the confirmation link, on commit; it
answers the same whether or not the address follows already, and a confirmed follow stays as it was until the new
link is used (its frequency included). The link carries what was asked for, so confirming works even when the
unconfirmed row is gone (the digests' command clears expired ones).
"""

from datetime import timedelta

from django.conf import settings
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone

from mailing import tokens
from mailing.models import normalise

from .models import TARGET_FIELDS, TARGET_MODELS, Follow, Frequency, Kind, kind_of

PURPOSE = "follow-confirm"


def link_age() -> timedelta:
    return timedelta(hours=settings.MAIL_LINK_HOURS)


def request_follow(*, email: str, target: models.Model, frequency: str) -> None:
    """Record that ``email`` asked to follow ``target`` and send it the link to confirm (on commit)."""
    from .tasks import send_confirmation  # the task module imports this one

    email, kind = normalise(email), kind_of(target)
    with transaction.atomic():
        follow, created = Follow.objects.get_or_create(
            email=email, **{TARGET_FIELDS[kind]: target}, defaults={"frequency": frequency}
        )
        if not created and follow.confirmed_at is None and follow.frequency != frequency:
            follow.frequency = frequency
            follow.save(update_fields=["frequency"])
        request = {"email": email, "kind": kind.value, "target_id": target.pk, "frequency": frequency}
        transaction.on_commit(lambda: send_confirmation.enqueue(**request))


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


def confirm_follow(request: FollowRequest) -> Follow:
    """Follow as the link asks: the follow is confirmed, at the link's frequency. Confirming twice is harmless."""
    with transaction.atomic():
        follow, _ = Follow.objects.select_for_update().get_or_create(
            email=request.email, **{TARGET_FIELDS[request.kind]: request.target}
        )
        follow.frequency = request.frequency
        follow.confirmed_at = follow.confirmed_at or timezone.now()
        follow.save(update_fields=["frequency", "confirmed_at"])
    return follow


def clear_expired_requests() -> int:
    """Forget the follows nobody confirmed while their link was valid: how many."""
    return Follow.objects.unconfirmed_since(timezone.now() - link_age()).delete()[0]
