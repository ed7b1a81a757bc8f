from django import forms

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
