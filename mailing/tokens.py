"""Signed links sent by mail: each purpose has its own salt, so a link made for one thing never opens another."""

import hashlib
from datetime import timedelta

from django.core import signing
from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import UsedToken

EXPIRED = "This link has expired. Ask for a new one and use it soon after it arrives."
NOT_VALID = "This link is not valid: it may have been cut short. Copy the whole link from the email."


class BadToken(Exception):
    def __init__(self, message: str, *, expired: bool = False):
        super().__init__(message)
        self.message, self.expired = message, expired


def make(purpose: str, payload: dict) -> str:
    return signing.dumps(payload, salt=f"mailing.{purpose}", compress=True)


def read(purpose: str, token: str, *, max_age: timedelta | None = None) -> dict:
    """The payload of a link made by ``make(purpose, ...)``; BadToken when it was changed, or is older than
    ``max_age``."""
    try:
        return signing.loads(token, salt=f"mailing.{purpose}", max_age=max_age)
    except signing.SignatureExpired:
        raise BadToken(EXPIRED, expired=True) from None
    except signing.BadSignature:
        raise BadToken(NOT_VALID) from None


def use_once(purpose: str, token: str, *, max_age: timedelta | None = None) -> bool:
    """Mark the link used; False when it was used before (two clicks at once included: one of them wins).
    ``max_age``: how long such links work; the marks of links that have expired since are let go (an expired link
    is refused by ``read()`` whether or not it was used)."""
    if max_age is not None:
        UsedToken.objects.filter(purpose=purpose, used_at__lt=timezone.now() - max_age).delete()
    digest = hashlib.sha256(f"{purpose}:{token}".encode()).hexdigest()
    try:
        with transaction.atomic():
            UsedToken.objects.create(digest=digest, purpose=purpose)
    except IntegrityError:
        return False
    return True
