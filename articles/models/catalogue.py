"""The catalogue the articles are about: works (films, TV shows, games), composers and the soundtracks' tracks."""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse

from .. import images, validators
from ..markup import render_markdown
from ..querysets import ComposerQuerySet
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
    wikidata_id = models.CharField("Wikidata item", max_length=20, blank=True, validators=[validators.wikidata_id])
    imdb_id = models.CharField("IMDb title", max_length=12, blank=True, validators=[validators.imdb_title_id])
    igdb_slug = models.CharField("IGDB slug", max_length=100, blank=True, validators=[validators.igdb_slug])

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
    bio = models.TextField(blank=True, help_text="A short biography, in Markdown.")
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

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.bio_html = render_markdown(self.bio, id_prefix="bio-")
        self.photo_renditions = images.refresh_renditions(self.photo, self.photo_renditions)
        super().save(*args, **kwargs)

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

    class Meta:
        ordering = ["work", "position"]
        constraints = [
            models.UniqueConstraint(fields=["work", "position"], name="track_unique_position_per_work"),
            models.CheckConstraint(
                condition=Q(duration__isnull=True) | Q(duration__gt=timedelta(0)), name="track_duration_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.work.title} – {self.position}. {self.title}"
