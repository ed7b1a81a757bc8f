"""The catalogue the articles are about: works (films, TV shows, games), composers and the soundtracks' tracks."""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.text import slugify
from taggit.models import Tag

from .. import images, validators
from ..fields import MultilineTextField
from ..markup import render_markdown
from ..querysets import ComposerQuerySet, WorkQuerySet
from .base import SluggedModel


class Work(SluggedModel):
    class Kind(models.TextChoices):
        FILM = "film", "Film"
        TV = "tv", "TV show"
        GAME = "game", "Game"

    kind = models.CharField(max_length=8, choices=Kind.choices, default=Kind.FILM)
    title = models.CharField(max_length=200)
    year = models.PositiveSmallIntegerField(null=True, blank=True, help_text="Year of first release.")
    slug = models.SlugField(max_length=200, unique=True, blank=True)
    musicbrainz_id = models.CharField(
        "MusicBrainz release group", max_length=36, blank=True, validators=[validators.musicbrainz_id]
    )
    musicbrainz_release_id = models.CharField(
        "MusicBrainz release",
        max_length=36,
        blank=True,
        validators=[validators.musicbrainz_id],
        help_text="The soundtrack album whose track list was imported last.",
    )
    wikidata_id = models.CharField("Wikidata item", max_length=20, blank=True, validators=[validators.wikidata_id])
    imdb_id = models.CharField("IMDb title", max_length=12, blank=True, validators=[validators.imdb_title_id])
    igdb_slug = models.CharField("IGDB slug", max_length=100, blank=True, validators=[validators.igdb_slug])

    objects = WorkQuerySet.as_manager()

    class Meta:
        ordering = ["title", "year"]
        constraints = [
            models.CheckConstraint(
                condition=Q(year__isnull=True) | Q(year__gte=1888, year__lte=2200), name="work_year_plausible"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.year})" if self.year else self.title

    def get_absolute_url(self) -> str:
        return reverse("articles:work", kwargs={"slug": self.slug})

    def external_links(self) -> list[tuple[str, str]]:
        links = []
        if self.musicbrainz_id:
            links.append(("MusicBrainz", f"https://musicbrainz.org/release-group/{self.musicbrainz_id}"))
        if self.wikidata_id:
            links.append(("Wikidata", f"https://www.wikidata.org/wiki/{self.wikidata_id}"))
        if self.imdb_id:
            links.append(("IMDb", f"https://www.imdb.com/title/{self.imdb_id}/"))
        if self.igdb_slug:
            links.append(("IGDB", f"https://www.igdb.com/games/{self.igdb_slug}"))
        return links


class Composer(SluggedModel):
    slug_source_field = "name"

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True, blank=True)
    bio = MultilineTextField(blank=True, help_text="A short biography, in Markdown.")
    bio_html = models.TextField(blank=True, editable=False)
    musicbrainz_id = models.CharField(
        "MusicBrainz artist", max_length=36, blank=True, validators=[validators.musicbrainz_id]
    )
    wikidata_id = models.CharField("Wikidata item", max_length=20, blank=True, validators=[validators.wikidata_id])
    imdb_id = models.CharField("IMDb name", max_length=12, blank=True, validators=[validators.imdb_name_id])
    photo = models.ImageField(
        upload_to=images.composer_photo_upload_to,
        max_length=255,
        blank=True,
        validators=[images.validate_composer_photo],
        help_text="Optional. A JPEG, PNG or WebP portrait; smaller copies are made for each screen size.",
    )
    photo_alt = models.CharField(
        "photo alt text", max_length=300, blank=True, help_text="What the photo shows. Required with a photo."
    )
    photo_renditions = models.JSONField(default=list, blank=True, editable=False)

    objects = ComposerQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["musicbrainz_id"],
                condition=~Q(musicbrainz_id=""),
                name="composer_unique_musicbrainz_id",
                violation_error_message="Another composer has this MusicBrainz artist.",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.bio_html = render_markdown(self.bio, id_prefix="bio-")
        self.photo_renditions = images.refresh_renditions(self.photo, self.photo_renditions)
        super().save(*args, **kwargs)
        images.make_renditions_after_commit(self)

    def get_absolute_url(self) -> str:
        return reverse("articles:composer", kwargs={"slug": self.slug})

    def clean(self):
        if errors := images.alt_text_error(self.photo, self.photo_alt, "photo_alt"):
            raise ValidationError(errors)

    @property
    def photo_image(self) -> images.ResponsiveImage | None:
        return images.ResponsiveImage.of(self.photo, self.photo_renditions, self.photo_alt)

    def external_links(self) -> list[tuple[str, str]]:
        links = []
        if self.musicbrainz_id:
            links.append(("MusicBrainz", f"https://musicbrainz.org/artist/{self.musicbrainz_id}"))
        if self.wikidata_id:
            links.append(("Wikidata", f"https://www.wikidata.org/wiki/{self.wikidata_id}"))
        if self.imdb_id:
            links.append(("IMDb", f"https://www.imdb.com/name/{self.imdb_id}/"))
        return links


class Track(models.Model):
    work = models.ForeignKey(Work, on_delete=models.CASCADE, related_name="tracks")
    position = models.PositiveSmallIntegerField(help_text="Track number on the soundtrack album.")
    title = models.CharField(max_length=200)
    duration = models.DurationField(null=True, blank=True, help_text="Length, as minutes:seconds (3:25).")
    composers = models.ManyToManyField(Composer, related_name="tracks", blank=True)
    isrc = models.CharField("ISRC", max_length=12, blank=True, validators=[validators.isrc])
    musicbrainz_track_id = models.CharField(
        "MusicBrainz track", max_length=36, blank=True, validators=[validators.musicbrainz_id]
    )
    musicbrainz_recording_id = models.CharField(
        "MusicBrainz recording", max_length=36, blank=True, validators=[validators.musicbrainz_id]
    )

    class Meta:
        ordering = ["work", "position"]
        constraints = [
            models.UniqueConstraint(fields=["work", "position"], name="track_unique_position_per_work"),
            models.UniqueConstraint(
                fields=["work", "musicbrainz_track_id"],
                condition=~Q(musicbrainz_track_id=""),
                name="track_unique_musicbrainz_track_per_work",
                violation_error_message="Another track of this work has this MusicBrainz track.",
            ),
            models.CheckConstraint(
                condition=Q(duration__isnull=True) | Q(duration__gt=timedelta(0)), name="track_duration_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.work.title} – {self.position}. {self.title}"


class TagAliasQuerySet(models.QuerySet):
    def canonical_names(self, names) -> list[str]:
        """Tag names as typed for an article, each alias replaced by its tag's name, each name once."""
        names = list(names)
        aliases = self.select_related("tag").annotate(lowered=Lower("name"))
        by_alias = {alias.lowered: alias.tag.name for alias in aliases.filter(lowered__in=[n.lower() for n in names])}
        canonical: dict[str, str] = {}
        for name in names:
            name = by_alias.get(name.lower(), name)
            canonical.setdefault(name.lower(), name)
        return list(canonical.values())


class TagAlias(models.Model):
    """Another name of a tag: a name or address it had before a rename or a merge (its old address answers with a
    permanent redirect), or a spelling editors type for it (tagging an article with the alias tags it with the tag).
    ``articles.tags`` keeps them."""

    tag = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="aliases")
    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True, allow_unicode=True, blank=True)

    objects = TagAliasQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "tag aliases"
        constraints = [
            models.UniqueConstraint(Lower("name"), name="tagalias_unique_name_whatever_its_case"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.slug = self.slug or slugify(self.name, allow_unicode=True)
        super().save(*args, **kwargs)

    def clean(self):
        slug = self.slug or slugify(self.name, allow_unicode=True)
        if Tag.objects.filter(Q(name__iexact=self.name) | Q(slug=slug)).exclude(pk=self.tag_id).exists():
            raise ValidationError({"name": f"“{self.name}” is a tag of its own: merge the two tags instead."})


class TagDescription(models.Model):
    """A few words on a tag, shown on its page."""

    tag = models.OneToOneField(Tag, on_delete=models.CASCADE, primary_key=True, related_name="description")
    text = models.CharField(
        "description", max_length=300, blank=True, help_text="A sentence or two, shown on its page."
    )

    def __str__(self) -> str:
        return self.text
