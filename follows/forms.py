from django import forms

from .models import Frequency


class FollowForm(forms.Form):
    email = forms.EmailField(label="Your email address", max_length=254)
    frequency = forms.ChoiceField(
        label="How often",
        choices=[(Frequency.DAILY, "Daily: one email a day"), (Frequency.WEEKLY, "Weekly: one email a week")],
        initial=Frequency.WEEKLY,
        widget=forms.RadioSelect,
    )
