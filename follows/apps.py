from django.apps import AppConfig


class FollowsConfig(AppConfig):
    name = "follows"
    verbose_name = "Follows"

    def ready(self):
        from mailing import lists as mailing_lists
        from privacy import registry

        from . import lists, privacy

        mailing_lists.register(lists.KIND, describe=lists.describe, unsubscribe=lists.unsubscribe)
        registry.register("follows", export=privacy.export, erase=privacy.erase)
