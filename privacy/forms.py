from django import forms

from mailing.models import normalise


class RequestForm(forms.Form):
    email = forms.EmailField(label="Your email address", max_length=254)
    what = forms.ChoiceField(
        label="What would you like?",
        choices=[
            ("export", "A copy of my data (a JSON file to download)"),
            ("erase", "Erase my data"),
        ],
        initial="export",
        widget=forms.RadioSelect,
    )

    def clean_email(self) -> str:
        return normalise(self.cleaned_data["email"])
