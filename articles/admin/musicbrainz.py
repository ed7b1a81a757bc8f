"""The work admin's "Import track list from MusicBrainz": a release's address or MBID, then a preview of what
the import adds and changes, then the import itself.

The preview carries the release as it was read, signed (``django.core.signing``, salted with the work's id),
in its confirmation form, so the import saves what the editor saw without asking MusicBrainz again (one request
a second is its limit, and its data may have changed in between). The confirmation checks the signature and its
age, and plans the import again against the rows as they are then: an edit made meanwhile is respected.
"""

from django import forms
from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.decorators import method_decorator
from django.views.decorators.http import require_POST

from ..models import Work
from ..musicbrainz import MusicBrainzClient, MusicBrainzError, Release, import_release, plan_import, read_release
from ..musicbrainz import release_id as parse_release_id

PREVIEW_MAX_AGE_SECONDS = 60 * 60


def _salt(work: Work) -> str:
    return f"articles.musicbrainz.import:{work.pk}"


IMPORT_PERMISSIONS = [
    "articles.add_track",
    "articles.change_track",
    "articles.add_composer",
    "articles.change_composer",
]


class ReleaseForm(forms.Form):
    release = forms.CharField(
        label="MusicBrainz release",
        max_length=300,
        help_text="The release's address on MusicBrainz (https://musicbrainz.org/release/…) or its MBID.",
    )

    def clean_release(self) -> str:
        return parse_release_id(self.cleaned_data["release"])


class ConfirmImportForm(forms.Form):
    release = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, work: Work, **kwargs):
        super().__init__(*args, **kwargs)
        self.work = work

    @classmethod
    def carrying(cls, release: Release, *, work: Work) -> "ConfirmImportForm":
        data = signing.dumps(release.as_data(), salt=_salt(work), compress=True)
        return cls(initial={"release": data}, work=work)

    def clean_release(self) -> Release:
        try:
            data = signing.loads(self.cleaned_data["release"], salt=_salt(self.work), max_age=PREVIEW_MAX_AGE_SECONDS)
        except signing.SignatureExpired:
            raise forms.ValidationError("The preview is more than an hour old.", code="expired") from None
        except signing.BadSignature:
            raise forms.ValidationError("The preview could not be read.", code="bad_signature") from None
        return Release.from_data(data)


class MusicBrainzImportMixin:
    """For WorkAdmin: the import's form, its preview and its confirmation, for those who may change the work."""

    def get_urls(self):
        view, info = self.admin_site.admin_view, f"{self.opts.app_label}_{self.opts.model_name}"
        return [
            path("<path:object_id>/musicbrainz/", view(self.musicbrainz_view), name=f"{info}_musicbrainz"),
            path(
                "<path:object_id>/musicbrainz/import/",
                view(self.musicbrainz_import_view),
                name=f"{info}_musicbrainz_import",
            ),
            *super().get_urls(),
        ]

    def musicbrainz_client(self) -> MusicBrainzClient:
        return MusicBrainzClient.from_settings()

    def _work_to_change(self, request, object_id) -> Work:
        work = self.get_object(request, unquote(object_id))
        if work is None:
            raise Http404(f"No work with the id “{object_id}”.")
        # An import adds and changes tracks and composers too: it needs what the admin would ask for each.
        if not self.has_change_permission(request, work) or not request.user.has_perms(IMPORT_PERMISSIONS):
            raise PermissionDenied
        return work

    def musicbrainz_view(self, request, object_id):
        """The release to import (GET), and what importing it would do (POST); nothing is saved here."""
        work = self._work_to_change(request, object_id)
        form = ReleaseForm(request.POST or None, initial={"release": work.musicbrainz_release_id})
        if form.is_valid():
            try:
                release = read_release(self.musicbrainz_client().release(form.cleaned_data["release"]))
            except MusicBrainzError as error:
                form.add_error("release", str(error))
            else:
                context = {
                    "plan": plan_import(work, release),
                    "form": ConfirmImportForm.carrying(release, work=work),
                    "title": f"Import “{release.title}” into {work}",
                }
                return self._musicbrainz_response(request, work, "preview", context)
        return self._musicbrainz_response(
            request, work, "form", {"form": form, "title": "Import the track list from MusicBrainz"}
        )

    @method_decorator(require_POST)
    def musicbrainz_import_view(self, request, object_id):
        """Import the release the preview showed, as planned again now."""
        work = self._work_to_change(request, object_id)
        form = ConfirmImportForm(request.POST, work=work)
        if not form.is_valid():
            problem = form.errors.get("release", ["The preview could not be read."])[0]
            self.message_user(request, f"{problem} Nothing was imported: fetch the release again.", messages.ERROR)
            return redirect(f"admin:{self.opts.app_label}_{self.opts.model_name}_musicbrainz", work.pk)
        release = form.cleaned_data["release"]
        try:
            with transaction.atomic():
                plan = import_release(work=work, release=release)
                message = f"Imported the track list of the MusicBrainz release “{release.title}” ({release.mbid}): "
                self.log_change(request, work, message + plan.summary() + ".")
        except IntegrityError:  # another import or edit saved the same composer or track in between
            self.message_user(
                request, "The catalogue changed during the import. Nothing was imported: try again.", messages.ERROR
            )
            return redirect(f"admin:{self.opts.app_label}_{self.opts.model_name}_musicbrainz", work.pk)
        self.message_user(request, message + plan.summary() + ".", messages.SUCCESS)
        return redirect(f"admin:{self.opts.app_label}_{self.opts.model_name}_change", work.pk)

    def _musicbrainz_response(self, request, work: Work, page: str, context: dict):
        context = {**self.admin_site.each_context(request), "opts": self.opts, "original": work, **context}
        return TemplateResponse(request, f"admin/articles/work/musicbrainz_{page}.html", context)
