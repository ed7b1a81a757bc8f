"""The privacy requests staff answer from the comment queue: export or erase everything the site keeps about the
writers of the selected comments (every app's data, through the privacy app), each recorded as an audit event."""

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.template.response import TemplateResponse
from django.utils.translation import ngettext

from mailing.models import normalise
from privacy import services
from privacy.downloads import download

# A privacy request is one person's (or a few): a selection of the whole queue is a mistake, not a request.
MAX_ADDRESSES = 20
PERMISSION = "privacy.handle_personal_data"


def addresses(queryset) -> list[str]:
    """The selected comments' email addresses, each once."""
    emails = queryset.order_by().exclude(author_email="").values_list("author_email", flat=True).distinct()
    return sorted({normalise(email) for email in emails})


class PersonalDataActionsMixin:
    """Actions of CommentAdmin, for those with the privacy.handle_personal_data permission (the Moderators)."""

    def has_personal_data_permission(self, request) -> bool:
        return request.user.has_perm(PERMISSION)

    def _addresses_or_refusal(self, request, queryset) -> list[str]:
        emails = addresses(queryset)
        if not emails:
            self.message_user(request, "The selected comments have no email address left.", messages.WARNING)
        elif len(emails) > MAX_ADDRESSES:
            self.message_user(
                request,
                f"The selected comments come from {len(emails)} addresses: select the comments of at most "
                f"{MAX_ADDRESSES}.",
                messages.ERROR,
            )
            return []
        return emails

    @admin.action(description="Export this commenter's data (JSON)", permissions=["personal_data"])
    def export_personal_data(self, request, queryset):
        emails = self._addresses_or_refusal(request, queryset)
        if emails:
            return download({"people": [services.export(email, actor=request.user) for email in emails]})
        return None

    @admin.action(description="Erase this commenter's data", permissions=["personal_data"])
    def erase_personal_data(self, request, queryset):
        """Asks first, as Django's "delete selected" does: a second POST with ``post=yes`` erases."""
        emails = self._addresses_or_refusal(request, queryset)
        if not emails:
            return None
        if request.POST.get("post") != "yes":
            context = {
                **self.admin_site.each_context(request),
                "title": "Erase these commenters' data?",
                "opts": self.model._meta,
                "erasure": settings.PRIVACY_ERASURE,
                "selected": request.POST.getlist(helpers.ACTION_CHECKBOX_NAME),
                "select_across": request.POST.get("select_across", "0"),
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
                "people": [
                    (email, {name: len(records) for name, records in services.personal_data(email).items()})
                    for email in emails
                ],
            }
            return TemplateResponse(request, "admin/comments/comment/erase_personal_data.html", context)
        for email in emails:
            services.erase(email, actor=request.user)
        count = len(emails)
        self.message_user(
            request,
            ngettext("Erased the data of %d address.", "Erased the data of %d addresses.", count) % count,
            messages.SUCCESS,
        )
        return None
