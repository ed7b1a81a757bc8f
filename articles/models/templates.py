"""Article templates: the skeleton of an article with [placeholders], turned into a draft about a work."""

from dataclasses import replace

from django.core.validators import MaxValueValidator
from django.db import models, transaction
from django.utils.text import Truncator
from taggit.utils import parse_tags

from ..fields import MultilineTextField
from ..placeholders import ArticleText, structured_fills
from .article import Article, Section
from .base import MAX_POSITION, PositionedModel
from .catalogue import Composer, TagAlias, Work


class ArticleTemplate(models.Model):
    """The skeleton of an article: title, standfirst and sections with [placeholders] for the editor to fill."""

    name = models.CharField(max_length=200, unique=True)
    description = MultilineTextField(blank=True, help_text="What the template is for, for editors choosing one.")
    title = models.CharField(
        "title skeleton",
        max_length=200,
        blank=True,
        help_text="The new article's title; [title] becomes the work's title.",
    )
    standfirst = MultilineTextField(
        "standfirst skeleton",
        blank=True,
        help_text="Markdown. Guidance for the writer goes in square brackets: [reason: …] is a placeholder.",
    )
    suggested_tags = models.CharField(
        max_length=500, blank=True, help_text="Comma-separated tags that each new article starts with."
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def tag_names(self) -> list[str]:
        return parse_tags(self.suggested_tags)

    def article_title(self, work: Work) -> str:
        """The title a new article about ``work`` starts with."""
        return self._draft_text(work, composers=Composer.objects.on_tracks_of(work), sections=[]).title

    @transaction.atomic
    def create_article(self, *, work: Work, author=None) -> "Article":
        """A draft with this template's title, standfirst, sections and tags, about ``work``: its composers are those
        of the work's tracks, and the work's title and the composers' names fill their placeholders."""
        sections = list(self.sections.all())
        composers = list(Composer.objects.on_tracks_of(work))
        text = self._draft_text(work, composers=composers, sections=sections)
        article = Article.objects.create(
            title=text.title, standfirst=text.standfirst, work=work, author=author, status=Article.Status.DRAFT
        )
        for position, (section, (heading, body)) in enumerate(zip(sections, text.sections, strict=True), start=1):
            Section.objects.create(
                article=article, position=position, heading=heading, numbered=section.numbered, body=body
            )
        article.composers.set(composers)
        article.tags.add(*TagAlias.objects.canonical_names(self.tag_names()))
        return article

    def _draft_text(self, work: Work, *, composers, sections) -> ArticleText:
        text = ArticleText(
            title=self.title or self.name,
            standfirst=self.standfirst,
            sections=[(section.heading, section.body) for section in sections],
        ).filled(structured_fills(work_title=work.title, composer_names=[composer.name for composer in composers]))
        return replace(text, title=Truncator(text.title).chars(Article._meta.get_field("title").max_length))


class ArticleTemplateSection(PositionedModel):
    position_parent = "template"

    template = models.ForeignKey(ArticleTemplate, on_delete=models.CASCADE, related_name="sections")
    position = models.PositiveSmallIntegerField(
        blank=True,
        validators=[MaxValueValidator(MAX_POSITION)],
        help_text="Order in the template; left empty, it goes last.",
    )
    heading = models.CharField(max_length=200)
    numbered = models.BooleanField(default=True, help_text="Show a number before the heading (not for a conclusion).")
    body = MultilineTextField(
        "body skeleton",
        blank=True,
        help_text="Markdown. Guidance for the writer goes in square brackets: [example: …] is a placeholder.",
    )

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(
                fields=["template", "position"],
                name="articletemplatesection_unique_position",
                violation_error_message="Two sections of this template have the same position.",
            ),
        ]

    def __str__(self) -> str:
        return self.heading
