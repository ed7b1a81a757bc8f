from django.contrib.admin.apps import AdminConfig
from taggit.apps import TaggitAppConfig


class SiteAdminConfig(AdminConfig):
    default_site = "soundtrack_site.admin.SiteAdmin"

    def ready(self):
        super().ready()
        # Staff sign in through the admin: the reader slots follow hints set then (reader_slots.py).
        from django.contrib.auth.signals import user_logged_in, user_logged_out

        from .reader_slots import note_sign_in, note_sign_out

        user_logged_in.connect(note_sign_in, dispatch_uid="reader-slots-sign-in")
        user_logged_out.connect(note_sign_out, dispatch_uid="reader-slots-sign-out")


class TagsConfig(TaggitAppConfig):
    """django-taggit, named "Tags" where the admin lists its apps (its own name for itself is "Taggit")."""

    verbose_name = "Tags"
