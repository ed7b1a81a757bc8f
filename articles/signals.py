"""What the page cache must hear about: any saved or deleted catalogue row moves the catalogue stamp, and so does
a change to a user's name (bylines show it); each purges the pages that show what changed from the edge
(surrogate_keys.py)."""

from django.contrib.auth import get_user_model
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from taggit.models import Tag

from pagecache.stamps import catalogue_changed

from . import surrogate_keys
from .models import Article, Author, Composer, FeaturedTrack, Section, TagAlias, TagDescription, Track, Work


def _visibility(article) -> tuple:
    return (article.status, article.publish_at)


def _article_saving(instance, raw=False, **kwargs):
    # Whether the article is public, and where it stands among the others, before the save: a change to either
    # moves it in or out of lists and changes its neighbours' pages.
    if not raw and instance.pk:
        instance._visibility_before = Article.objects.filter(pk=instance.pk).values_list("status", "publish_at").first()


def _article_changed(instance, raw=False, **kwargs):
    if not raw:
        before = getattr(instance, "_visibility_before", None)
        changed = kwargs.get("signal") is post_delete or before != _visibility(instance)
        catalogue_changed(surrogate_keys.purged_by_article_change(instance, visibility_changed=changed))


def _part_changed(instance, raw=False, **kwargs):
    if not raw:
        catalogue_changed(surrogate_keys.purged_by_part_change(instance))


def _catalogue_changed(instance, raw=False, **kwargs):
    if not raw:  # not while loading fixtures
        catalogue_changed(surrogate_keys.purged_by_catalogue_change(instance))


def _articles_relations_changed(instance, action, reverse, **kwargs):
    if action.startswith("post_"):
        if not reverse and isinstance(instance, Article):
            catalogue_changed(surrogate_keys.purged_by_article_change(instance, visibility_changed=False))
        else:
            catalogue_changed()


def _track_composers_changed(instance, action, reverse, **kwargs):
    # From a track's side, its work's pages show the credit; from a composer's, the works are not known here.
    if action.startswith("post_"):
        if reverse:
            catalogue_changed()
        else:
            catalogue_changed(surrogate_keys.purged_by_catalogue_change(instance))


def _author_changed(raw=False, **kwargs):
    if not raw:
        catalogue_changed()


def _user_changed(instance, created=False, raw=False, update_fields=None, **kwargs):
    # A user's name shows on pages only in their articles' bylines; signing in saves last_login alone.
    if raw or created or (update_fields and set(update_fields) <= {"last_login"}):
        return
    if Article.objects.filter(author=instance).exists():
        catalogue_changed()


def connect() -> None:
    post_save.connect(_user_changed, sender=get_user_model(), dispatch_uid="pagecache-user-save")
    pre_save.connect(_article_saving, sender=Article, dispatch_uid="pagecache-Article-before-save")
    receivers = {
        Article: _article_changed,
        Section: _part_changed,
        FeaturedTrack: _part_changed,
        Author: _author_changed,
        Work: _catalogue_changed,
        Composer: _catalogue_changed,
        Track: _catalogue_changed,
        Tag: _catalogue_changed,
        TagAlias: _catalogue_changed,
        TagDescription: _catalogue_changed,
    }
    for model, receiver in receivers.items():
        uid = f"pagecache-{model.__name__}"
        post_save.connect(receiver, sender=model, dispatch_uid=f"{uid}-save")
        post_delete.connect(receiver, sender=model, dispatch_uid=f"{uid}-delete")
    for through in (Article.tags.through, Article.composers.through):
        m2m_changed.connect(
            _articles_relations_changed, sender=through, dispatch_uid=f"pagecache-m2m-{through.__name__}"
        )
    m2m_changed.connect(
        _track_composers_changed, sender=Track.composers.through, dispatch_uid="pagecache-m2m-track-composers"
    )
