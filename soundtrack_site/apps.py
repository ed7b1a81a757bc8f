from django.apps import AppConfig
from django.contrib.admin.apps import AdminConfig


class SiteAdminConfig(AdminConfig):
    default_site = "soundtrack_site.admin.SiteAdmin"


class SiteConfig(AppConfig):
    """Project-wide glue: the page cache's invalidation and the health check."""

    name = "soundtrack_site"
    verbose_name = "Site"

    def ready(self):
        from django.db.models.signals import m2m_changed, post_delete, post_save
        from taggit.models import Tag

        from articles.models import Article, Composer, FeaturedTrack, Section, Track, Work
        from comments.models import Comment

        from .pagecache import comments_changed, content_changed

        def changed(**kwargs):
            if not kwargs.get("raw"):  # not while loading fixtures
                content_changed()

        for model in (Article, Section, FeaturedTrack, Work, Composer, Track, Tag):
            post_save.connect(changed, sender=model, weak=False, dispatch_uid=f"pagecache-save-{model.__name__}")
            post_delete.connect(changed, sender=model, weak=False, dispatch_uid=f"pagecache-delete-{model.__name__}")

        # Every saved or deleted comment moves its article's comment stamp (comments/services.py moves it itself
        # only after an update(), which sends no signal), except a new comment waiting for moderation: it changes
        # nothing readers see, so posting one keeps the cached pages.
        def comment_changed(instance, created=False, raw=False, **kwargs):
            if not raw and not (created and instance.status == Comment.Status.PENDING):
                comments_changed([instance.article_id])

        post_save.connect(comment_changed, sender=Comment, weak=False, dispatch_uid="pagecache-save-Comment")
        post_delete.connect(comment_changed, sender=Comment, weak=False, dispatch_uid="pagecache-delete-Comment")
        for through in (Article.tags.through, Article.composers.through, Track.composers.through):
            m2m_changed.connect(changed, sender=through, weak=False, dispatch_uid=f"pagecache-m2m-{through.__name__}")
