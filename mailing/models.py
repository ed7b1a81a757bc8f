from django.db import models
from django.utils import timezone


class UnsubscribedQuerySet(models.QuerySet):
    def covers(self, email: str) -> bool:
        """Whether the site may send nothing at all to this address."""
        return self.filter(email=normalise(email)).exists()


def normalise(email: str) -> str:
    """One spelling per address: mail providers treat the local part without case, and so do we."""
    return email.strip().lower()


class Unsubscribed(models.Model):
    """An address that unsubscribed from everything: no mail of any kind goes to it."""

    email = models.EmailField(max_length=254, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = UnsubscribedQuerySet.as_manager()

    class Meta:
        verbose_name = "address unsubscribed from everything"
        verbose_name_plural = "addresses unsubscribed from everything"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.email


class UsedToken(models.Model):
    """A single-use link that was used (its digest): the same link does nothing a second time."""

    digest = models.CharField(max_length=64, unique=True)
    purpose = models.CharField(max_length=40)
    used_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-used_at"]

    def __str__(self) -> str:
        return f"{self.purpose} link used {self.used_at:%Y-%m-%d %H:%M}"
