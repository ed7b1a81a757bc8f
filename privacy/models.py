from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.crypto import salted_hmac

from mailing.models import normalise


def address_digest(email: str) -> str:
    """A keyed hash of the address: staff can tell whether a given address was erased (hash it again), but the
    record names nobody to whoever reads it, and a list of erased addresses cannot be read back from it."""
    return salted_hmac("privacy.event.address", normalise(email), algorithm="sha256").hexdigest()


class PrivacyEvent(models.Model):
    """A person's data exported or erased: when, by whom (a staff member, or the person by a link sent to their
    address) and how many records each app held. Never the address itself: an erasure must not keep it."""

    class Action(models.TextChoices):
        EXPORT = "export", "Export"
        ERASE = "erase", "Erasure"

    action = models.CharField(max_length=10, choices=Action.choices)
    address_digest = models.CharField(
        max_length=64, db_index=True, help_text="A keyed hash of the email address, not the address."
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The staff member who did it; empty when the person asked by email.",
    )
    records = models.JSONField(default=dict, help_text="How many records each app exported or erased.")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        permissions = [("handle_personal_data", "Can export and erase a person's data")]

    def __str__(self) -> str:
        return f"{self.get_action_display()} of {self.created_at:%Y-%m-%d %H:%M}"
