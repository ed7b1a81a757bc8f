from django.apps import AppConfig


class CommentsConfig(AppConfig):
    name = "comments"
    verbose_name = "Comments"

    def ready(self):
        from privacy import registry

        from . import personal_data, signals

        signals.connect()
        registry.register("comments", export=personal_data.export, erase=personal_data.erase)
