"""The receivers that keep the search index current: each notes which articles a change touches (store.py)."""

from django.contrib.contenttypes.models import ContentType
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete
from taggit.models import Tag

from ..models import Article, Composer, FeaturedTrack, Section, Track, Work
from .store import refresh_on_commit

# Article fields no search reads: a save of these alone (a cover's renditions, articles/images.py) leaves the index.
UNSEARCHED_ARTICLE_FIELDS = frozenset({"cover_renditions"})


def article_saved(sender, instance, using, update_fields=None, **kwargs):
    if update_fields is not None and update_fields <= UNSEARCHED_ARTICLE_FIELDS:
        return
    refresh_on_commit([instance.pk], using=using)


def article_part_changed(sender, instance, using, **kwargs):
    """A section or a featured track was saved or deleted."""
    refresh_on_commit([instance.article_id], using=using)


def track_saved(sender, instance, using, created=False, **kwargs):
    if not created:
        refresh_on_commit(instance.featurings.using(using).values_list("article_id", flat=True), using=using)


def work_saved(sender, instance, using, created=False, **kwargs):
    if not created:
        refresh_on_commit(instance.articles.using(using).values_list("pk", flat=True), using=using)


def composer_saved_or_deleted(sender, instance, using, created=False, **kwargs):
    """Saved (renamed), or about to be deleted: its articles lose the name, without an m2m_changed signal."""
    if not created:
        refresh_on_commit(instance.articles.using(using).values_list("pk", flat=True), using=using)


def composers_changed(sender, instance, action, reverse, pk_set, using, **kwargs):
    if not reverse and action in ("post_add", "post_remove", "post_clear"):
        refresh_on_commit([instance.pk], using=using)
    elif reverse and action in ("post_add", "post_remove"):
        refresh_on_commit(pk_set, using=using)
    elif reverse and action == "pre_clear":
        refresh_on_commit(instance.articles.using(using).values_list("pk", flat=True), using=using)


def tag_saved(sender, instance, using, created=False, **kwargs):
    if not created:
        refresh_on_commit(Article.objects.using(using).filter(tags=instance).values_list("pk", flat=True), using=using)


def tagging_changed(sender, instance, using, **kwargs):
    """A tag was put on or taken off an object (taggit saves and deletes these rows one by one)."""
    if instance.content_type_id == ContentType.objects.db_manager(using).get_for_model(Article).pk:
        refresh_on_commit([instance.object_id], using=using)


def connect_signals() -> None:
    tagging = Article.tags.through
    receivers = [
        (post_save, Article, article_saved),
        (post_save, Section, article_part_changed),
        (post_delete, Section, article_part_changed),
        (post_save, FeaturedTrack, article_part_changed),
        (post_delete, FeaturedTrack, article_part_changed),
        (post_save, Track, track_saved),
        (post_save, Work, work_saved),
        (post_save, Composer, composer_saved_or_deleted),
        (pre_delete, Composer, composer_saved_or_deleted),
        (m2m_changed, Article.composers.through, composers_changed),
        (post_save, Tag, tag_saved),
        (post_save, tagging, tagging_changed),
        (post_delete, tagging, tagging_changed),
    ]
    for signal, sender, receiver in receivers:
        signal.connect(receiver, sender=sender, dispatch_uid=f"articles.search.{receiver.__name__}.{sender.__name__}")
