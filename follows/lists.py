"""The follows as mailing lists ("follow:<ids>"): what a digest's unsubscribe link names and stops.

A digest covers all the follows of an address at one frequency, so its list names them all ("follow:3,7,9"); a
link under one followed thing names that follow alone ("follow:7"). The key is signed in the link, with the
address: a link only ever stops the follows of the address it was sent to.
"""

from collections.abc import Iterable

from django.utils.text import get_text_list

from .models import Follow, Frequency

KIND = "follow"


def list_of(follows: Iterable[Follow]) -> str:
    return f"{KIND}:{','.join(str(follow.pk) for follow in follows)}"


def _ids(key: str) -> list[int]:
    return [int(part) for part in key.split(",") if part.isdigit()]


def describe_follows(follows: list[Follow]) -> str:
    frequency = Frequency(follows[0].frequency).label.lower()
    names = get_text_list([follow.name for follow in follows], "and")
    return f"the {frequency} digest of new articles about {names}"


def describe(key: str) -> str | None:
    """What unsubscribing from the list stops; None when its follows are gone."""
    if not key:
        return "the digests of new articles about what you follow"
    follows = Follow.objects.filter(pk__in=_ids(key)).with_targets().order_by("created_at", "pk")  # as digests do
    follows = list(follows)
    return describe_follows(follows) if follows else None


def unsubscribe(email: str, key: str) -> None:
    """Delete the list's follows of the address (every follow of it, for the key "")."""
    follows = Follow.objects.of_address(email)
    if key:
        follows = follows.filter(pk__in=_ids(key))
    follows.delete()
