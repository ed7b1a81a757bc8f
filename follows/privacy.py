"""What the follows keep about an address, for the privacy app's export and erasure."""

from mailing.models import normalise

from .models import DigestSent, Follow


def export(email: str) -> list[dict]:
    return [
        {
            "kind": follow.kind.value,
            "name": follow.name,
            "frequency": follow.frequency,
            "confirmed": follow.confirmed_at.isoformat() if follow.confirmed_at else None,
            "created": follow.created_at.isoformat(),
        }
        for follow in Follow.objects.of_address(email).with_targets()
    ]


def erase(email: str) -> int:
    """Delete the address's follows, and the record of the digests sent to it: how many follows."""
    DigestSent.objects.filter(email=normalise(email)).delete()
    return Follow.objects.of_address(email).delete()[0]
