"""What the page cache must hear about: any saved or deleted catalogue row moves the catalogue stamp."""

from django.db.models.signals import m2m_changed, post_delete, post_save
from taggit.models import Tag

from pagecache.stamps import catalogue_changed

from .models import Article, Composer, FeaturedTrack, Section, Track, Work


def _catalogue_changed(raw=False, **kwargs):
    if not raw:  # not while loading fixtures
        catalogue_changed()


def connect() -> None:
    for model in (Article, Section, FeaturedTrack, Work, Composer, Track, Tag):
        uid = f"pagecache-{model.__name__}"
        post_save.connect(_catalogue_changed, sender=model, dispatch_uid=f"{uid}-save")
        post_delete.connect(_catalogue_changed, sender=model, dispatch_uid=f"{uid}-delete")
    for through in (Article.tags.through, Article.composers.through, Track.composers.through):
        m2m_changed.connect(_catalogue_changed, sender=through, dispatch_uid=f"pagecache-m2m-{through.__name__}")
