"""What the page cache must hear about: a comment saved or deleted moves its article's discussion stamp."""

from django.db.models.signals import post_delete, post_save

from pagecache.stamps import discussion_changed

from .models import Comment

WAITING = (Comment.Status.PENDING, Comment.Status.UNCONFIRMED)


def _comment_changed(instance, created=False, raw=False, **kwargs):
    # A new comment waiting for moderation (or for its writer's confirmation) changes nothing readers see: posting
    # one keeps the cached pages. (comments/services.py moves the stamp itself after an update(), which sends no
    # signal.)
    if not raw and not (created and instance.status in WAITING):
        discussion_changed([instance.article_id])


def _comment_deleted(instance, **kwargs):
    # An unconfirmed comment was never shown: deleting the old ones (a nightly job) leaves every page as it was.
    if instance.status != Comment.Status.UNCONFIRMED:
        discussion_changed([instance.article_id])


def connect() -> None:
    post_save.connect(_comment_changed, sender=Comment, dispatch_uid="pagecache-save-Comment")
    post_delete.connect(_comment_deleted, sender=Comment, dispatch_uid="pagecache-delete-Comment")
