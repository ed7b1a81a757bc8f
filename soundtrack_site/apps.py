from django.contrib.admin.apps import AdminConfig
from taggit.apps import TaggitAppConfig


class SiteAdminConfig(AdminConfig):
    default_site = "soundtrack_site.admin.SiteAdmin"


class TagsConfig(TaggitAppConfig):
    """django-taggit, named "Tags" where the admin lists its apps (its own name for itself is "Taggit")."""

    verbose_name = "Tags"
