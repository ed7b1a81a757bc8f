from django.apps import AppConfig


class CommentsConfig(AppConfig):
    name = "comments"
    verbose_name = "Comments"

    def ready(self):
        from mailing import lists

        from . import replies, signals

        signals.connect()
        lists.register(replies.LIST_KIND, describe=replies.describe, unsubscribe=replies.unsubscribe)
