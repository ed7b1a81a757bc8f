from django.contrib import admin

from .models import PrivacyEvent


@admin.register(PrivacyEvent)
class PrivacyEventAdmin(admin.ModelAdmin):
    """The audit trail of exports and erasures: read only, kept as it happened."""

    list_display = ["created_at", "action", "actor", "records"]
    list_filter = ["action"]
    list_select_related = ["actor"]
    search_fields = ["=address_digest"]
    fields = ["created_at", "action", "actor", "records", "address_digest"]
    readonly_fields = fields
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
