"""Export and erase what the apps keep about an address, whoever asks: the person (by a link sent to the address)
or a staff member (from the admin). Each does it through every app's registered source and leaves an audit event."""

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from mailing import tokens
from mailing.models import normalise

from .models import PrivacyEvent, address_digest
from .registry import sources

EXPORT = "privacy-export"
ERASE = "privacy-erase"
_URL_NAMES = {EXPORT: "privacy:export", ERASE: "privacy:erase"}


def personal_data(email: str) -> dict[str, Any]:
    """What each app keeps about the address, by the app's name ("comments": [...])."""
    return {name: source.export(email) for name, source in sources().items()}


def holds_anything(email: str) -> bool:
    return any(personal_data(email).values())


def export(email: str, *, actor=None) -> dict[str, Any]:
    """Everything kept about the address, ready for a JSON download; recorded."""
    data = personal_data(email)
    _record(PrivacyEvent.Action.EXPORT, email, actor, {name: len(records) for name, records in data.items()})
    return {
        "site": settings.SITE_NAME,
        "site_url": settings.SITE_URL,
        "email": normalise(email),
        "exported_at": timezone.now().isoformat(),
        **data,
    }


@transaction.atomic
def erase(email: str, *, actor=None) -> dict[str, int]:
    """Erase (or anonymise, as each app decides) everything kept about the address: all of it or nothing; recorded.
    How many records each app erased."""
    erased = {name: source.erase(email) for name, source in sources().items()}
    _record(PrivacyEvent.Action.ERASE, email, actor, erased)
    return erased


def _record(action: str, email: str, actor, records: dict[str, int]) -> None:
    PrivacyEvent.objects.create(action=action, address_digest=address_digest(email), actor=actor, records=records)


def link(purpose: str, email: str) -> str:
    """The absolute link, for an email, that exports (``EXPORT``) or erases (``ERASE``) the address's data."""
    token = tokens.make(purpose, {"e": normalise(email)})
    return settings.SITE_URL + reverse(_URL_NAMES[purpose], kwargs={"token": token})


def read_link(purpose: str, token: str) -> str:
    """The address a link of ``link()`` was made for; BadToken when it was changed or is older than
    MAIL_LINK_HOURS."""
    payload = tokens.read(purpose, token, max_age=timedelta(hours=settings.MAIL_LINK_HOURS))
    email = payload.get("e")
    if not isinstance(email, str) or not email:
        raise tokens.BadToken(tokens.NOT_VALID)
    return email
