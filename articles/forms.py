from django import forms
from django.contrib.admin.widgets import AutocompleteSelect

from .models import Article, ArticleTemplate, Work

MAX_QUERY_LENGTH = 200


class SearchForm(forms.Form):
    q = forms.CharField(
        label="Search articles",
        required=False,
        max_length=MAX_QUERY_LENGTH,
        error_messages={
            "max_length": "That search is too long: use at most %(limit_value)d characters (it has %(show_value)d)."
        },
        widget=forms.SearchInput(attrs={"placeholder": "A score, a composer, a track…"}),
    )

    @property
    def query(self) -> str:
        """The query to search for; empty when there is none or it was refused."""
        return self.cleaned_data["q"] if self.is_valid() else ""


class ArticleFromTemplateForm(forms.Form):
    """The admin's "New article from template": which template, and the work the article is about."""

    template = forms.ModelChoiceField(queryset=ArticleTemplate.objects.all(), empty_label=None)

    def __init__(self, *args, admin_site, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["work"] = forms.ModelChoiceField(
            queryset=Work.objects.all(),
            widget=AutocompleteSelect(Article._meta.get_field("work"), admin_site),
            help_text="The film, TV show or game the article is about: its title replaces [title].",
        )
