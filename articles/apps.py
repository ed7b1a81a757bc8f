from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "Articles"

    def ready(self):
        from django.db.models.signals import post_migrate, pre_migrate

        from . import signals
        from .indexing import connect_signals
        from .revisions import register_models
        from .triggers import create_sqlite_triggers, drop_sqlite_triggers

        connect_signals()
        signals.connect()
        register_models()
        pre_migrate.connect(drop_sqlite_triggers, sender=self, dispatch_uid="articles-drop-sqlite-triggers")
        post_migrate.connect(create_sqlite_triggers, sender=self, dispatch_uid="articles-create-sqlite-triggers")
