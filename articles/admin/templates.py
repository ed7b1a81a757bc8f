"""Article templates in the admin, each with a link that starts an article from it."""

from django.contrib import admin
from django.db.models import Count
from django.urls import reverse
from django.utils.html import format_html

from ..models import ArticleTemplate
from .inlines import ArticleTemplateSectionInline


@admin.register(ArticleTemplate)
class ArticleTemplateAdmin(admin.ModelAdmin):
    list_display = ["name", "section_count", "new_article_link"]
    search_fields = ["name", "description"]
    fields = ["name", "description", "title", "standfirst", "suggested_tags"]
    inlines = [ArticleTemplateSectionInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(section_total=Count("sections"))

    @admin.display(description="Sections", ordering="section_total")
    def section_count(self, template):
        return template.section_total

    @admin.display(description="New article")
    def new_article_link(self, template):
        url = reverse("admin:articles_article_from_template")
        return format_html('<a href="{}?template={}">New article from this template</a>', url, template.pk)
