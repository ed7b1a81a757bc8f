from django.apps import AppConfig
from django.core.management import call_command
from django.db.models.signals import post_migrate


class PageCacheConfig(AppConfig):
    name = "pagecache"
    verbose_name = "Page cache"

    def ready(self):
        # Sent for each app with models (this one has none); creating the tables is skipped once they exist.
        post_migrate.connect(create_cache_tables, dispatch_uid="pagecache-cache-tables")


def create_cache_tables(using, verbosity=1, **kwargs):
    """After `migrate`, the tables of the database caches (settings.CACHES) that are missing: the cache is ready
    wherever the database is, whichever command made it."""
    call_command("createcachetable", database=using, verbosity=verbosity)
