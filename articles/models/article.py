"""An article about a work, its ordered sections and the featured tracks it discusses."""

import html

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.text import Truncator
from taggit.managers import TaggableManager

from .. import images, validators
from ..authors import author_profile, public_name
from ..fields import MomentsField, MultilineTextField
from ..highlights import render_highlighting_placeholders
from ..listening import service_name
from ..markup import NOTE, render_markdown
from ..players import Player, player_for
from ..querysets import NEWEST_FIRST, ArticleQuerySet, ArticleStatus, is_published
from .author import Author
from .base import MAX_POSITION, PositionedModel, SluggedModel, word_count
from .catalogue import Composer, Track, Work


class Article(SluggedModel):
    Status = ArticleStatus

    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True, blank=True)
    standfirst = MultilineTextField(help_text="The introduction shown under the title and in lists, in Markdown.")
    standfirst_html = models.TextField(blank=True, editable=False)
    work = models.ForeignKey(Work, on_delete=models.PROTECT, related_name="articles")
    composers = models.ManyToManyField(Composer, related_name="articles", blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="articles"
    )
    tags = TaggableManager(blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    publish_at = models.DateTimeField(
        null=True, blank=True, help_text="When readers can see it. Required to publish or schedule."
    )
    comments_open = models.BooleanField(default=True)
    cover = models.ImageField(
        "cover image",
        upload_to=images.cover_upload_to,
        max_length=255,
        blank=True,
        validators=[images.validate_cover_image],
        help_text="A JPEG, PNG or WebP image, wide rather than tall; smaller copies are made for each screen size.",
    )
    cover_alt = models.CharField(
        "cover alt text",
        max_length=300,
        blank=True,
        help_text="What the image shows, for readers who cannot see it. Required with a cover image.",
    )
    cover_renditions = models.JSONField(default=list, blank=True, editable=False)
    seo_description = models.CharField(
        "SEO description", max_length=160, blank=True, help_text="For search engines; the standfirst if empty."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Kept by articles.indexing on PostgreSQL: the plain text that snippets are cut from, and the weighted vector.
    search_document = models.TextField(blank=True, default="", editable=False)
    search_vector = SearchVectorField(null=True, editable=False)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = list(NEWEST_FIRST)  # a list, as the migrations state it
        indexes = [
            models.Index(fields=["status", "publish_at"], name="article_status_publish_at"),
            # Lists and search read the newest first (published() filters two statuses, so the index above can't).
            models.Index(fields=["-publish_at", "-id"], name="article_newest_first"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="draft") | Q(publish_at__isnull=False),
                name="article_publish_at_unless_draft",
                violation_error_message="Published and scheduled articles need a publish time.",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        self.render_html()
        self.cover_renditions = images.refresh_renditions(self.cover, self.cover_renditions)
        super().save(*args, **kwargs)
        images.make_renditions_after_commit(self)
        self.settle_author_profile()

    def settle_author_profile(self) -> None:
        """Give the author a profile (their page's address, once they have a public name) the first time it is
        needed: when an article of theirs is saved. Only staff write (``articles.authors``)."""
        if self.author_id and self.author.is_staff:
            profile = Author.objects.for_user(self.author)
            if not profile.slug and profile.name:
                profile.save()

    def get_absolute_url(self) -> str:
        return reverse("articles:article", kwargs={"slug": self.slug})

    def clean(self):
        if errors := images.alt_text_error(self.cover, self.cover_alt, "cover_alt"):
            raise ValidationError(errors)
        if self.status != self.Status.DRAFT and not self.publish_at:
            if self.status == self.Status.PUBLISHED:
                self.publish_at = timezone.now()
            else:
                raise ValidationError(
                    {"publish_at": "Give a publish time to schedule this article."}, code="publish_at_required"
                )
        if self.status == self.Status.PUBLISHED and self.publish_at > timezone.now():
            raise ValidationError(
                {"status": "The publish time is in the future: choose “Scheduled” to publish it then."},
                code="published_in_future",
            )

    @property
    def cover_image(self) -> images.ResponsiveImage | None:
        return images.ResponsiveImage.of(self.cover, self.cover_renditions, self.cover_alt)

    @property
    def is_public(self) -> bool:
        """Whether the public may see it now (``published_q()`` for this article)."""
        return is_published(self.status, self.publish_at)

    @property
    def meta_description(self) -> str:
        """The SEO description, or the standfirst as plain text (no Markdown marks), cut at 160 characters."""
        if self.seo_description:
            return self.seo_description
        text = " ".join(html.unescape(strip_tags(self.standfirst_html)).split())
        return Truncator(text).chars(160)

    def render_html(self, *, highlight_placeholders: bool = False) -> None:
        """Render the Markdown into the ``*_html`` field (every save does; a preview of unsaved changes too, with
        the placeholders left highlighted)."""
        render = render_highlighting_placeholders if highlight_placeholders else render_markdown
        self.standfirst_html = render(self.standfirst, id_prefix="intro-")

    def numbered_sections(self) -> list[tuple[int | None, "Section", list["FeaturedTrack"]]]:
        """Each section with its number (a conclusion has none) and the featured tracks it discusses."""
        tracks_by_section: dict[int, list[FeaturedTrack]] = {}
        for featured in self.featured_tracks.all():
            if featured.section_id is not None:
                tracks_by_section.setdefault(featured.section_id, []).append(featured)
        result, number = [], 0
        for section in self.sections.all():
            if section.numbered:
                number += 1
            result.append((number if section.numbered else None, section, tracks_by_section.get(section.pk, [])))
        return result

    @property
    def word_count(self) -> int:
        """Words a reader reads: title, standfirst, sections and the featured tracks' notes (prefetched)."""
        words = word_count(self.title) + word_count(self.standfirst)
        words += sum(section.word_count for section in self.sections.all())
        return words + sum(word_count(featured.note) for featured in self.featured_tracks.all())

    @property
    def reading_minutes(self) -> int:
        return max(1, round(self.word_count / settings.READING_WORDS_PER_MINUTE))

    @property
    def byline(self) -> str:
        """The author's name as readers see it (never the login name); empty when there is none to show."""
        return public_name(self.author) if self.author_id else ""

    @property
    def author_url(self) -> str:
        """The author's page, for the byline's link; empty when the author has no page."""
        profile = author_profile(self.author) if self.author_id else None
        return profile.get_absolute_url() if profile else ""

    @property
    def listening_minutes(self) -> int:
        """Minutes of music among the featured tracks; 0 when no duration is known."""
        seconds = sum(
            featured.track.duration.total_seconds()
            for featured in self.featured_tracks.all()
            if featured.track.duration
        )
        return round(seconds / 60)


class Section(PositionedModel):
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="sections")
    position = models.PositiveSmallIntegerField(
        blank=True,
        validators=[MaxValueValidator(MAX_POSITION)],
        help_text="Order in the article; left empty, it goes last.",
    )
    heading = models.CharField(max_length=200)
    numbered = models.BooleanField(default=True, help_text="Show a number before the heading (not for a conclusion).")
    body = MultilineTextField(help_text="Markdown.")
    body_html = models.TextField(blank=True, editable=False)
    word_count = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(
                fields=["article", "position"],
                name="section_unique_position_per_article",
                violation_error_message="Two sections of this article have the same position.",
            ),
        ]

    def __str__(self) -> str:
        return self.heading

    def save(self, *args, **kwargs):
        self.settle_position()  # the rendered ids use the position
        self.render_html()
        super().save(*args, **kwargs)

    def render_html(self, *, highlight_placeholders: bool = False) -> None:
        """Render the body's Markdown (with ids under the section's anchor) and count its words."""
        render = render_highlighting_placeholders if highlight_placeholders else render_markdown
        self.body_html = render(self.body, id_prefix=f"{self.anchor}-")
        self.word_count = word_count(self.heading) + word_count(self.body)

    @property
    def anchor(self) -> str:
        return f"section-{self.position}"


class FeaturedTrack(PositionedModel):
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="featured_tracks")
    track = models.ForeignKey(Track, on_delete=models.PROTECT, related_name="featurings")
    position = models.PositiveSmallIntegerField(
        blank=True,
        validators=[MaxValueValidator(MAX_POSITION)],
        help_text="Order in the article; left empty, it goes last.",
    )
    section = models.ForeignKey(
        Section, on_delete=models.SET_NULL, null=True, blank=True, related_name="featured_tracks"
    )
    note = MultilineTextField(blank=True, help_text="Why this track matters, in Markdown.")
    note_html = models.TextField(blank=True, editable=False)
    appears_in = models.CharField(max_length=200, blank=True, help_text="Where it plays: the scene, episode or level.")
    moments = MomentsField(
        "plays at",
        help_text="When it plays in the work: hours:minutes:seconds, several separated by commas (0:34:10, 1:41:05).",
    )
    listening_url = models.URLField(
        "listening link",
        max_length=500,
        blank=True,
        validators=[validators.validate_listening_url],
        help_text="An https link to YouTube, Spotify, Apple Music, Bandcamp, SoundCloud, Tidal or Deezer.",
    )

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(
                fields=["article", "position"],
                name="featuredtrack_unique_position_per_article",
                violation_error_message="Two featured tracks of this article have the same position.",
            ),
            models.UniqueConstraint(
                fields=["article", "track"],
                name="featuredtrack_unique_track_per_article",
                violation_error_message="This track is already featured in the article.",
            ),
        ]

    def __str__(self) -> str:
        return self.track.title

    def save(self, *args, **kwargs):
        self.settle_position()  # the rendered ids use the position
        self.render_html()
        super().save(*args, **kwargs)

    @property
    def listening_service(self) -> str:
        """The service the listening link opens ("Spotify"); empty without a link."""
        return service_name(self.listening_url) if self.listening_url else ""

    @property
    def listening_player(self) -> Player | None:
        """The provider's player for the listening link, which the page loads only on the reader's click."""
        return player_for(self.listening_url) if self.listening_url else None

    def render_html(self, *, highlight_placeholders: bool = False) -> None:
        """Render the note's Markdown (spoilers allowed), with ids under the track's position."""
        render = render_highlighting_placeholders if highlight_placeholders else render_markdown
        self.note_html = render(self.note, NOTE, id_prefix=f"track-{self.position}-")

    def clean(self):
        errors = {}
        article = getattr(self, "article", None)
        if article is not None and self.track_id and article.work_id and self.track.work_id != article.work_id:
            errors["track"] = ValidationError(
                "“%(track)s” is from %(other)s, not from this article's work (%(work)s).",
                code="track_from_other_work",
                params={"track": self.track.title, "other": self.track.work, "work": article.work},
            )
        if self.section_id and article is not None and self.section.article_id != article.pk:
            errors["section"] = ValidationError("Choose a section of this article.", code="section_of_other_article")
        if errors:
            raise ValidationError(errors)
