"""The abstract models and helpers the app's models share: slugs made from titles, rows ordered within a parent."""

from django.db import models
from django.utils.text import slugify

MAX_POSITION = 9999  # room above it lets the admin reorder rows without breaking uniqueness midway


def unique_slug(instance: models.Model, source: str, *, fallback: str) -> str:
    """Slugify ``source`` and add -2, -3 ... until no other row of the model has it."""
    max_length = instance._meta.get_field("slug").max_length
    base = slugify(source)[: max_length - 6].strip("-") or fallback
    others = type(instance)._default_manager.exclude(pk=instance.pk)
    slug, n = base, 1
    while others.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


class SluggedModel(models.Model):
    """A model whose slug is made from its title (or name) when the editor leaves it empty."""

    slug_source_field = "title"

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(self, getattr(self, self.slug_source_field), fallback=self._meta.model_name)
        super().save(*args, **kwargs)


def word_count(text: str) -> int:
    return len(text.split())


class PositionedModel(models.Model):
    """A row ordered within its parent (``position_parent``): left without a position, it goes last."""

    position_parent = "article"

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.settle_position()
        super().save(*args, **kwargs)

    def settle_position(self) -> None:
        if self.position is None:
            siblings = type(self)._default_manager.filter(**{self.position_parent: getattr(self, self.position_parent)})
            self.position = (siblings.aggregate(models.Max("position"))["position__max"] or 0) + 1
