import hashlib
import time
import uuid
from datetime import timedelta

from django import forms
from django.conf import settings
from django.core import signing
from django.db.models import Prefetch, prefetch_related_objects

from articles.authors import public_name
from articles.models import FeaturedTrack

from .models import Comment, CommentReport

FORM_TOKEN_SALT = "comments.form-token"
TOKEN_REFUSED = "This form could not be verified (it may have been changed). Please post it again."
# A page kept by the edge carries no token: the form's script fetches one when the reader starts on the form.
TOKEN_MISSING = (
    "Your comment is not posted yet: this page’s script did not run, so we could not yet tell you from a robot. "
    "Everything you wrote is kept below: press “Post comment” again to send it."
)
TOKEN_EXPIRED = "This form was opened too long ago to be posted. Your text is kept below: please post it again."
TOO_FAST = (
    "That was quick: we could not yet tell you from a robot, so your comment is not posted yet. "
    "Everything you wrote is kept below: press “Post comment” again to send it."
)
PARENT_GONE = "The comment you are replying to is not available."


def new_form_token(*, shown_again: bool = False) -> str:
    """The comment form's token: a signed note of when the form was rendered, and an id that makes a retried post
    idempotent. ``shown_again``: the form comes back to a reader after a refused post, and may be posted at once
    (the minimum time to post is for a form's first post)."""
    note = {"t": time.time(), "id": uuid.uuid4().hex} | ({"again": 1} if shown_again else {})
    # Not compressed: a random id does not compress, and the attempt costs more than the rest (made on every view).
    return signing.dumps(note, salt=FORM_TOKEN_SALT)


def account_values(user) -> dict[str, str]:
    """A signed-in reader's name and email, as the comment form takes them."""
    return {"author_name": public_name(user), "author_email": user.email}


def featured_tracks(article) -> list[FeaturedTrack]:
    """The article's featured tracks in order, with their tracks: from a prefetch if it has one, else one query."""
    prefetch_related_objects(
        [article], Prefetch("featured_tracks", queryset=FeaturedTrack.objects.select_related("track"))
    )
    return sorted(article.featured_tracks.all(), key=lambda featured: featured.position)


def set_track_choices(form: forms.Form, article) -> None:
    """Offer the article's featured tracks, read only when needed: to show the form or to check a picked track
    (a post that picks none reads none)."""
    form.fields["favourite_track"].choices = lambda: (
        [("", "— No track in particular —")]
        + [(featured.pk, featured.track.title) for featured in featured_tracks(article)]
    )


class CommentForm(forms.Form):
    author_name = forms.CharField(label="Name", max_length=80)
    author_email = forms.EmailField(
        label="Email", max_length=254, help_text="Never shown publicly.", widget=forms.EmailInput()
    )
    body = forms.CharField(
        label="Comment",
        min_length=2,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Markdown: *emphasis*, **bold**, `code`, > quotes, lists and links. Hide spoilers ||like this||.",
    )
    favourite_track = forms.TypedChoiceField(label="Which track stood out to you?", required=False, coerce=int)
    # Unticked for everyone: the article page, form included, is cached and served to every reader alike.
    notify_replies = forms.BooleanField(
        label="Email me when someone replies",
        required=False,
        help_text="When a reply to your comment is published. Every email has a link to stop them.",
    )
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput, error_messages={"invalid": PARENT_GONE})
    form_token = forms.CharField(
        widget=forms.HiddenInput,
        error_messages={"required": TOKEN_MISSING, "null_characters_not_allowed": TOKEN_REFUSED},
    )
    # A field people never see; robots that fill every field give themselves away.
    website = forms.CharField(
        label="Leave this field empty",
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def __init__(self, *args, article, user=None, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.article = article
        set_track_choices(self, article)
        if not self.is_bound:
            self.initial.setdefault("form_token", new_form_token())
            if user is not None and user.is_authenticated:
                self.initial = account_values(user) | self.initial

    def clean_author_name(self):
        name = " ".join(self.cleaned_data["author_name"].split())
        if not name:
            raise forms.ValidationError("Enter your name.", code="required")
        return name

    def clean_body(self):
        body = self.cleaned_data["body"].strip()
        if len(body) < 2:
            raise forms.ValidationError("Write at least 2 characters.", code="min_length")
        return body

    def clean_form_token(self):
        try:
            data = signing.loads(self.cleaned_data["form_token"], salt=FORM_TOKEN_SALT)
            self.form_age = timedelta(seconds=time.time() - float(data["t"]))
            self.form_id = str(data["id"])
            shown_again = bool(data.get("again"))
        except (signing.BadSignature, AttributeError, KeyError, TypeError, ValueError, OverflowError):
            raise forms.ValidationError(TOKEN_REFUSED, code="bad_form_token") from None
        if self.form_age > timedelta(seconds=settings.COMMENTS_MAX_FORM_AGE_SECONDS):
            raise forms.ValidationError(TOKEN_EXPIRED, code="expired_form_token")
        # Robots post the moment a page loads; so do people who paste or let the browser fill the form in. Such a
        # post is not spam: the reader gets the form back, words kept, and a token they may post at once.
        if not shown_again and self.form_age < timedelta(seconds=settings.COMMENTS_MIN_SECONDS_TO_POST):
            raise forms.ValidationError(TOO_FAST, code="too_fast")
        return self.cleaned_data["form_token"]

    def clean_favourite_track(self):
        if picked := self.cleaned_data.get("favourite_track"):  # one of the choices: checked by the field
            return next(featured for featured in featured_tracks(self.article) if featured.pk == picked)
        return None

    @property
    def submission_token(self) -> str:
        """The same form posted again with the same words (a retry, a double click) has the same token."""
        parts = (self.form_id, self.cleaned_data["author_email"].lower(), self.cleaned_data["body"])
        return hashlib.sha256("\x00".join(parts).encode()).hexdigest()

    def clean_parent(self):
        parent_id = self.cleaned_data.get("parent")
        if not parent_id:
            return None
        parent = Comment.objects.approved().filter(pk=parent_id, article=self.article).first()
        if parent is None:
            raise forms.ValidationError(PARENT_GONE, code="bad_parent")
        return parent

    def clean(self):
        # The hidden fields are no fault of the reader's: replace a bad one, so that posting again works with
        # everything they typed (a reply that can't be one becomes a comment of its own).
        if self.has_error("form_token") or self.has_error("parent"):
            self.data = self.data.copy()
            if self.has_error("form_token"):
                self.data[self.add_prefix("form_token")] = new_form_token(shown_again=True)
            if self.has_error("parent"):
                self.data[self.add_prefix("parent")] = ""
        return super().clean()


class CommentEditForm(forms.Form):
    body = CommentForm.base_fields["body"]
    favourite_track = CommentForm.base_fields["favourite_track"]

    def __init__(self, *args, comment: Comment, **kwargs):
        kwargs.setdefault("initial", {"body": comment.body, "favourite_track": comment.favourite_track_id or ""})
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.article = comment.article
        if comment.parent_id:  # a reply answers a comment: it is not asked which track stood out (it keeps its pick)
            del self.fields["favourite_track"]
        else:
            set_track_choices(self, comment.article)

    clean_body = CommentForm.clean_body
    clean_favourite_track = CommentForm.clean_favourite_track


class ReportForm(forms.ModelForm):
    # A choice the reader makes: nothing is picked for them (the model's default is for rows made elsewhere).
    reason = forms.ChoiceField(
        label="What is wrong with it?",
        choices=CommentReport.Reason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what is wrong with the comment."},
    )

    class Meta:
        model = CommentReport
        fields = ["reason", "note"]
        labels = {"note": "Anything moderators should know (optional)"}
        widgets = {"note": forms.Textarea(attrs={"rows": 3, "maxlength": 500})}

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
