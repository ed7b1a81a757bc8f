from django.contrib import admin

from .models import DigestSent, Follow


@admin.register(Follow)
class FollowAdmin(admin.ModelAdmin):
    list_display = ["email", "followed", "frequency", "confirmed_at", "created_at"]
    list_filter = ["frequency", ("confirmed_at", admin.EmptyFieldListFilter)]
    list_select_related = ["composer", "work", "tag"]
    search_fields = ["email"]
    autocomplete_fields = ["composer", "work", "tag"]
    readonly_fields = ["created_at"]

    @admin.display(description="follows")
    def followed(self, follow: Follow) -> str:
        return follow.name


@admin.register(DigestSent)
class DigestSentAdmin(admin.ModelAdmin):
    list_display = ["email", "frequency", "period_start", "sent_at"]
    list_filter = ["frequency"]
    search_fields = ["email"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
