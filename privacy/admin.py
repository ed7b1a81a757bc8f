from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path

from mailing.models import normalise

from . import services
from .downloads import download
from .models import PrivacyEvent

PERMISSION = "privacy.handle_personal_data"


class AddressForm(forms.Form):
    email = forms.EmailField(label="Email address", max_length=254)
    what = forms.ChoiceField(
        label="What to do",
        choices=[("export", "Export its data (a JSON file)"), ("erase", "Erase its data")],
        widget=forms.RadioSelect,
        initial="export",
    )


@admin.register(PrivacyEvent)
class PrivacyEventAdmin(admin.ModelAdmin):
    """The audit trail of exports and erasures: read only, kept as it happened. Its page also answers a request
    for any address (a follower who never commented included): the comment queue's actions answer for the writers
    of the comments selected there."""

    list_display = ["created_at", "action", "actor", "records"]
    list_filter = ["action"]
    list_select_related = ["actor"]
    search_fields = ["=address_digest"]
    fields = ["created_at", "action", "actor", "records", "address_digest"]
    readonly_fields = fields
    date_hierarchy = "created_at"
    change_list_template = "admin/privacy/privacyevent/change_list.html"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        by_address = path(
            "by-address/", self.admin_site.admin_view(self.by_address_view), name="privacy_privacyevent_by_address"
        )
        return [by_address, *super().get_urls()]

    def by_address_view(self, request):
        """An address's data: exported at once, or erased after a page that says what goes (a second POST)."""
        if not request.user.has_perm(PERMISSION):
            raise PermissionDenied
        form = AddressForm(request.POST or None)
        context = {**self.admin_site.each_context(request), "opts": self.model._meta, "form": form}
        if not form.is_valid():
            context["title"] = "Export or erase an address's data"
            return TemplateResponse(request, "admin/privacy/privacyevent/by_address.html", context)
        email = normalise(form.cleaned_data["email"])
        if form.cleaned_data["what"] == "export":
            return download({"people": [services.export(email, actor=request.user)]})
        if request.POST.get("post") != "yes":
            held = {name: len(records) for name, records in services.personal_data(email).items()}
            context |= {"title": "Erase this address's data?", "email": email, "held": held}
            context["erasure"] = settings.PRIVACY_ERASURE
            return TemplateResponse(request, "admin/privacy/privacyevent/erase_address.html", context)
        erased = services.erase(email, actor=request.user)
        summary = ", ".join(f"{count} {name}" for name, count in erased.items())
        self.message_user(request, f"Erased the data of {email}: {summary}.", messages.SUCCESS)
        return redirect("admin:privacy_privacyevent_changelist")
