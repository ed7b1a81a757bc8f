"""What the page cache must hear about: any saved or deleted catalogue row moves the catalogue stamp, and so does
a change to a user's name (bylines show it)."""

from django.contrib.auth import get_user_model
from django.db.models.signals import m2m_changed, post_delete, post_save
from taggit.models import Tag

from pagecache.stamps import catalogue_changed

from .models import Article, Author, Composer, FeaturedTrack, Section, Track, Work


def _catalogue_changed(raw=False, **kwargs):
    if not raw:  # not while loading fixtures
        catalogue_changed()


def _user_changed(instance, created=False, raw=False, update_fields=None, **kwargs):
    # A user's name shows on pages only in their articles' bylines; signing in saves last_login alone.
    if raw or created or (update_fields and set(update_fields) <= {"last_login"}):
        return
    if Article.objects.filter(author=instance).exists():
        catalogue_changed()


def connect() -> None:
    post_save.connect(_user_changed, sender=get_user_model(), dispatch_uid="pagecache-user-save")
    for model in (Article, Section, FeaturedTrack, Work, Composer, Track, Tag, Author):
        uid = f"pagecache-{model.__name__}"
        post_save.connect(_catalogue_changed, sender=model, dispatch_uid=f"{uid}-save")
        post_delete.connect(_catalogue_changed, sender=model, dispatch_uid=f"{uid}-delete")
    for through in (Article.tags.through, Article.composers.through, Track.composers.through):
        m2m_changed.connect(_catalogue_changed, sender=through, dispatch_uid=f"pagecache-m2m-{through.__name__}")
