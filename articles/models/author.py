"""The author profile of a staff member who writes: the name readers see, a short biography and a photo."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse

from .. import images
from ..fields import MultilineTextField
from ..markup import render_markdown
from .base import unique_slug


class AuthorQuerySet(models.QuerySet):
    def for_user(self, user) -> "Author":
        """The user's profile, created (empty) the first time it is asked for."""
        author, _ = self.get_or_create(user=user)
        return author

    def with_page(self):
        """Authors whose page readers can open: those with a public name (and so a slug)."""
        return self.exclude(slug="")


class Author(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="author_profile")
    display_name = models.CharField(
        max_length=100,
        blank=True,
        help_text="How readers see your name: in bylines, feeds and on your author page. Left empty, your full name "
        "is used; with neither, articles show no name (never your username).",
    )
    slug = models.SlugField(
        max_length=100,
        blank=True,
        help_text="Your author page's address, /authors/<slug>/. Left empty, it is made from your name.",
    )
    bio = MultilineTextField(
        "short biography", blank=True, help_text="A few sentences for your author page, in Markdown."
    )
    bio_html = models.TextField(blank=True, editable=False)
    photo = models.ImageField(
        upload_to=images.author_photo_upload_to,
        max_length=255,
        blank=True,
        validators=[images.validate_author_photo],
        help_text="Optional. A JPEG, PNG or WebP portrait; smaller copies are made for each screen size.",
    )
    photo_alt = models.CharField(
        "photo alt text", max_length=300, blank=True, help_text="What the photo shows. Required with a photo."
    )
    photo_renditions = models.JSONField(default=list, blank=True, editable=False)

    objects = AuthorQuerySet.as_manager()

    class Meta:
        ordering = ["display_name", "pk"]
        constraints = [
            # Empty for an author without a public name: no page, so no address.
            models.UniqueConstraint(fields=["slug"], condition=~Q(slug=""), name="author_unique_slug"),
        ]

    def __str__(self) -> str:
        return self.name or self.user.get_username()

    def save(self, *args, **kwargs):
        if not self.slug and self.name:
            self.slug = unique_slug(self, self.name, fallback="author")
        self.bio_html = render_markdown(self.bio, id_prefix="bio-")
        self.photo_renditions = images.refresh_renditions(self.photo, self.photo_renditions)
        super().save(*args, **kwargs)
        images.make_renditions_after_commit(self)

    def get_absolute_url(self) -> str:
        """The author page's address; empty for an author without a public name (who has no page)."""
        return reverse("articles:author", kwargs={"slug": self.slug}) if self.slug else ""

    def clean(self):
        if errors := images.alt_text_error(self.photo, self.photo_alt, "photo_alt"):
            raise ValidationError(errors)

    @property
    def name(self) -> str:
        """The name readers see: the display name, else the user's full name; empty with neither."""
        return self.display_name or self.user.get_full_name()

    @property
    def photo_image(self) -> images.ResponsiveImage | None:
        return images.ResponsiveImage.of(self.photo, self.photo_renditions, self.photo_alt)
