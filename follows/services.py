"""Following by email, with double opt-in: a request sends a signed link, and only the link's owner confirms it.

A request records an unconfirmed follow (nothing is sent to it) and mails the confirmation link, on commit; it
answers the same whether or not the address follows already, and a confirmed follow stays as it was until the new
link is used (its frequency included). The link carries what was asked for, so confirming works even when the
unconfirmed row is gone (the digests' command clears expired ones).
"""

from django.db import models, transaction
from django.utils import timezone

from mailing.models import normalise

from .confirmations import FollowRequest, link_age
from .models import TARGET_FIELDS, Follow, kind_of
from .tasks import send_confirmation


def request_follow(*, email: str, target: models.Model, frequency: str) -> None:
    """Record that ``email`` asked to follow ``target`` and send it the link to confirm (on commit)."""
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


def follow_merged_tag(sender, *, tag, into, **kwargs) -> None:
    """On ``articles.tags.tag_merged``: the follows of a tag merged away follow the tag it became; an address that
    follows both keeps its follow of that one (the other goes with the merged tag)."""
    already = Follow.objects.filter(tag=into).values("email")
    Follow.objects.filter(tag=tag).exclude(email__in=already).update(tag=into)
