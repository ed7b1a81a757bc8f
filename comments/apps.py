from django.apps import AppConfig


class CommentsConfig(AppConfig):
    name = "comments"
    verbose_name = "Comments"

    def ready(self):
        from mailing import lists
        from privacy import registry

        from . import personal_data, replies, signals

        signals.connect()
        lists.register(replies.LIST_KIND, describe=replies.describe, unsubscribe=replies.unsubscribe)
        registry.register("comments", export=personal_data.export, erase=personal_data.erase)
