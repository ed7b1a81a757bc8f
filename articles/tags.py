"""Tags that keep their addresses: renaming or merging a tag keeps its old names and slugs as aliases, whose
addresses answer with a permanent redirect to the tag's; an alias typed in an article's tags means its tag.

Tags are django-taggit's; their aliases and descriptions are ours (``TagAlias``, ``TagDescription``)."""

from collections.abc import Iterable

from django.db import transaction
from django.dispatch import Signal
from taggit.models import Tag, TaggedItem

from .models import TagAlias

# Sent in merge_tags() for each tag merged away, before it is deleted (``tag``, ``into``): what other apps hold of
# the tag (a reader's follow) moves to the tag it became, in the same transaction.
tag_merged = Signal()


def rename_tag(tag: Tag, *, name: str, slug: str) -> Tag:
    """Give the tag a new name and slug; its old ones become aliases (its old address redirects here)."""
    old_name, old_slug = Tag.objects.values_list("name", "slug").get(pk=tag.pk)
    with transaction.atomic():
        tag.name, tag.slug = name, slug
        tag.save()
        TagAlias.objects.filter(tag=tag, slug=slug).delete()  # its own address again
        TagAlias.objects.filter(tag=tag, name__iexact=name).delete()
        if old_slug != slug or old_name.lower() != name.lower():
            _keep_alias(tag, old_name, old_slug)
    return tag


def merge_tags(tags: Iterable[Tag], *, into: str) -> Tag:
    """Every article of ``tags`` tagged with the tag named ``into`` instead (made if there is none); the merged
    tags are deleted, their names, slugs and aliases kept as the tag's aliases."""
    with transaction.atomic():
        target = Tag.objects.filter(name__iexact=into).first() or Tag.objects.create(name=into)
        for tag in [tag for tag in tags if tag.pk != target.pk]:
            items = TaggedItem.objects.filter(tag=tag)
            for content_type_id, object_ids in _tagged_with(target).items():  # already has the tag: one is enough
                items.filter(content_type_id=content_type_id, object_id__in=object_ids).delete()
            items.update(tag=target)
            TagAlias.objects.filter(tag=tag).update(tag=target)
            tag_merged.send(sender=Tag, tag=tag, into=target)
            name, slug = tag.name, tag.slug
            tag.delete()
            _keep_alias(target, name, slug)
    return target


def _tagged_with(tag: Tag) -> dict[int, list[int]]:
    tagged: dict[int, list[int]] = {}
    for content_type_id, object_id in TaggedItem.objects.filter(tag=tag).values_list("content_type_id", "object_id"):
        tagged.setdefault(content_type_id, []).append(object_id)
    return tagged


def _keep_alias(tag: Tag, name: str, slug: str) -> None:
    TagAlias.objects.filter(name__iexact=name).exclude(slug=slug).delete()
    TagAlias.objects.update_or_create(slug=slug, defaults={"tag": tag, "name": name})


def moved_to(slug: str) -> Tag | None:
    """The tag an old or other address of a tag now belongs to; None when ``slug`` is no alias (or is a tag's)."""
    if Tag.objects.filter(slug=slug).exists():
        return None
    alias = TagAlias.objects.select_related("tag").filter(slug=slug).first()
    return alias.tag if alias else None
