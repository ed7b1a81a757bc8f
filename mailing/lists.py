"""The kinds of mail a reader can leave: each app registers its own (replies to a thread, a follow's digest), and
"everything" stops all mail to the address.

A list is named ``"<kind>:<key>"`` ("thread:42", "follow:7"); its unsubscribe link carries the address and the list,
signed, and never expires: a link in an old email must still work.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.urls import reverse

from . import tokens
from .models import Unsubscribed, normalise

EVERYTHING = "everything"
PURPOSE = "unsubscribe"


@dataclass(frozen=True)
class ListKind:
    describe: Callable[
        [str], str | None
    ]  # the key → what the reader leaves ("replies to your comment on …"); None: gone
    unsubscribe: Callable[[str, str], None]  # (email, key): stop this list's mail to the address


_kinds: dict[str, ListKind] = {}


def register(kind: str, *, describe: Callable[[str], str | None], unsubscribe: Callable[[str, str], None]) -> None:
    _kinds[kind] = ListKind(describe=describe, unsubscribe=unsubscribe)


def unsubscribe_url(email: str, mailing_list: str) -> str:
    token = tokens.make(PURPOSE, {"e": normalise(email), "l": mailing_list})
    return settings.SITE_URL + reverse("mailing:unsubscribe", kwargs={"token": token})


def read_unsubscribe_token(token: str) -> tuple[str, str]:
    """(email, list) of an unsubscribe link; BadToken when it was not made here."""
    payload = tokens.read(PURPOSE, token)
    email, mailing_list = payload.get("e"), payload.get("l")
    if not isinstance(email, str) or not isinstance(mailing_list, str) or not _known(mailing_list):
        raise tokens.BadToken("This unsubscribe link is not valid. Copy the whole link from the email.")
    return email, mailing_list


def _known(mailing_list: str) -> bool:
    return mailing_list == EVERYTHING or mailing_list.partition(":")[0] in _kinds


def describe(mailing_list: str) -> str | None:
    if mailing_list == EVERYTHING:
        return f"every email from {settings.SITE_NAME}"
    kind, _, key = mailing_list.partition(":")
    return _kinds[kind].describe(key)


@transaction.atomic
def unsubscribe(email: str, mailing_list: str) -> None:
    """Stop the list's mail to the address (every list's, for "everything"). Doing it twice changes nothing."""
    if mailing_list == EVERYTHING:
        Unsubscribed.objects.get_or_create(email=normalise(email))
        for kind in _kinds.values():
            kind.unsubscribe(email, "")  # an empty key: every list of the kind
        return
    kind, _, key = mailing_list.partition(":")
    _kinds[kind].unsubscribe(email, key)
