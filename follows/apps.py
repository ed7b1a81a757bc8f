from django.apps import AppConfig


class FollowsConfig(AppConfig):
    name = "follows"
    verbose_name = "Follows"

    def ready(self):
        from articles.tags import tag_merged
        from mailing import lists as mailing_lists
        from privacy import registry

        from . import lists, privacy, services

        tag_merged.connect(services.follow_merged_tag, dispatch_uid="follows-tag-merged")
        mailing_lists.register(lists.KIND, describe=lists.describe, unsubscribe=lists.unsubscribe)
        registry.register("follows", export=privacy.export, erase=privacy.erase)
