"""A reader's follow of a composer, a work or a tag, by email, and the digests sent to followers."""

from django.db import models
from django.db.models import Q
from django.urls import reverse
from taggit.models import Tag

from articles.models import Composer, Work
from mailing.models import normalise


class Kind(models.TextChoices):
    COMPOSER = "composer", "Composer"
    WORK = "work", "Work"
    TAG = "tag", "Tag"


class Frequency(models.TextChoices):
    DAILY = "daily", "Daily"
    WEEKLY = "weekly", "Weekly"


# Which of Follow's fields holds the target of each kind: exactly one of them is set.
TARGET_FIELDS = {Kind.COMPOSER: "composer", Kind.WORK: "work", Kind.TAG: "tag"}
TARGET_MODELS = {Kind.COMPOSER: Composer, Kind.WORK: Work, Kind.TAG: Tag}


def _exactly_one_target() -> Q:
    condition = Q()
    for field in TARGET_FIELDS.values():
        condition |= Q(**{f"{other}__isnull": other != field for other in TARGET_FIELDS.values()})
    return condition


class FollowQuerySet(models.QuerySet):
    def of_address(self, email: str):
        return self.filter(email=normalise(email))

    def confirmed(self):
        return self.filter(confirmed_at__isnull=False)

    def unconfirmed_since(self, moment):
        """Follows nobody confirmed, asked for before ``moment`` (their link has expired)."""
        return self.filter(confirmed_at__isnull=True, created_at__lt=moment)

    def of_target(self, target: models.Model):
        return self.filter(**{TARGET_FIELDS[kind_of(target)]: target})

    def with_targets(self):
        return self.select_related(*TARGET_FIELDS.values())


def kind_of(target: models.Model) -> Kind:
    return next(kind for kind, model in TARGET_MODELS.items() if isinstance(target, model))


def name_of(target: models.Model) -> str:
    """How mail and pages name a followed thing: "Hans Zimmer", "Dune (2021)", "#horror"."""
    return f"#{target.name}" if isinstance(target, Tag) else str(target)


def url_of(target: models.Model) -> str:
    """The followed thing's page (a path): the composer's, the work's or the tag's."""
    return reverse(f"articles:{kind_of(target)}", kwargs={"slug": target.slug})


def feed_url_of(target: models.Model) -> str:
    """The Atom feed of the articles about the followed thing (a path)."""
    return reverse(f"articles:{kind_of(target)}_feed_atom", kwargs={"slug": target.slug})


class Follow(models.Model):
    """An address that asked for the articles about one composer, work or tag; mail goes to it once confirmed."""

    email = models.EmailField(max_length=254)
    composer = models.ForeignKey(Composer, on_delete=models.CASCADE, null=True, blank=True, related_name="follows")
    work = models.ForeignKey(Work, on_delete=models.CASCADE, null=True, blank=True, related_name="follows")
    tag = models.ForeignKey(Tag, on_delete=models.CASCADE, null=True, blank=True, related_name="follows")
    frequency = models.CharField(max_length=8, choices=Frequency.choices, default=Frequency.WEEKLY)
    confirmed_at = models.DateTimeField(null=True, blank=True, help_text="Empty until the address confirms.")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = FollowQuerySet.as_manager()

    class Meta:
        ordering = ["email", "created_at"]
        constraints = [
            models.CheckConstraint(condition=_exactly_one_target(), name="follow_exactly_one_target"),
            # NULLs are distinct in a unique constraint: each holds for the follows of its own kind.
            *(
                models.UniqueConstraint(fields=["email", field], name=f"follow_unique_{field}")
                for field in TARGET_FIELDS.values()
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email} follows {self.name}"

    def save(self, *args, **kwargs):
        self.email = normalise(self.email)
        super().save(*args, **kwargs)

    @property
    def kind(self) -> Kind:
        return next(kind for kind, field in TARGET_FIELDS.items() if getattr(self, f"{field}_id"))

    @property
    def target(self) -> models.Model:
        return getattr(self, TARGET_FIELDS[self.kind])

    @property
    def name(self) -> str:
        return name_of(self.target)

    def is_about(self, article) -> bool:
        """Whether the article (its composers and tags prefetched) is about what this follows: the same relations
        as the composer's, the work's and the tag's pages and feeds."""
        if self.work_id:
            return article.work_id == self.work_id
        if self.composer_id:
            return any(composer.pk == self.composer_id for composer in article.composers.all())
        return any(tag.pk == self.tag_id for tag in article.tags.all())


class DigestSent(models.Model):
    """One address's digest of one period, claimed before it is sent: a period's digest never goes out twice."""

    email = models.EmailField(max_length=254)
    frequency = models.CharField(max_length=8, choices=Frequency.choices)
    period_start = models.DateTimeField()
    claimed_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-period_start", "email"]
        verbose_name = "digest sent"
        verbose_name_plural = "digests sent"
        constraints = [
            models.UniqueConstraint(fields=["email", "frequency", "period_start"], name="digest_once_per_period")
        ]

    def __str__(self) -> str:
        return f"{self.get_frequency_display()} digest of {self.period_start:%Y-%m-%d} to {self.email}"
