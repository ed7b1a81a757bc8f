"""What the comments keep about the people who write them, by email address: exported and erased for the privacy
app (registered in apps.py), and IP addresses forgotten after COMMENTS_IP_RETENTION_DAYS."""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from mailing.models import normalise
from pagecache.stamps import discussion_changed

from .markup import render_comment
from .models import Comment, CommentReport, ReplyNotice

ANONYMOUS = "Anonymous"
# What an erased comment that others replied to shows in its place, so that their replies keep their thread.
DELETED = "[deleted]"
# A writer's comment without the writer: nothing left that says who wrote it.
ANONYMISED = {"author_name": ANONYMOUS, "author_email": "", "user": None, "ip_address": None, "user_agent": ""}


def export(email: str) -> list[dict]:
    """Each comment written from the address, with what is kept about its writer."""
    comments = Comment.objects.by_address(email).select_related("article").order_by("created_at", "pk")
    return [
        {
            "article": comment.article.title,
            "url": settings.SITE_URL + comment.get_absolute_url(),
            "in_reply_to": settings.SITE_URL + comment.parent.get_absolute_url() if comment.parent_id else None,
            "name": comment.author_name,
            "email": comment.author_email,
            "body": comment.body,
            "status": comment.status,
            "created_at": comment.created_at.isoformat(),
            "edited_at": comment.edited_at.isoformat() if comment.edited_at else None,
            "ip_address": comment.ip_address,
            "user_agent": comment.user_agent,
            "notify_replies": comment.notify_replies,
        }
        for comment in comments.select_related("parent__article")
    ]


@transaction.atomic
def erase(email: str) -> int:
    """Erase the address's comments as PRIVACY_ERASURE says; how many were changed or deleted. Either way every
    reply keeps its place: "anonymise" keeps the words without the writer; "delete" deletes each comment nobody
    replied to, and leaves one that has replies as an empty placeholder (its status kept, so its thread shows as
    before)."""
    # What the address was last emailed about replies goes too (it names the address).
    ReplyNotice.objects.filter(recipient=normalise(email)).delete()
    # The status too: deleting a comment reads it (comments/signals.py).
    comments = Comment.objects.by_address(email).select_for_update().order_by("-depth", "-pk")
    comments = list(comments.only("pk", "article_id", "status"))
    if not comments:
        return 0
    now = timezone.now()
    if settings.PRIVACY_ERASURE == "delete":
        # The deepest first: a reply of the writer's own to their comment is gone before the comment is looked at.
        for comment in comments:
            if Comment.objects.filter(parent_id=comment.pk).exists():
                hollowed = {"body": DELETED, "body_html": render_comment(DELETED), "favourite_track": None}
                hollowed |= {"notify_replies": False, "updated_at": now}
                Comment.objects.filter(pk=comment.pk).update(**ANONYMISED, **hollowed)
            else:
                comment.delete()
    else:
        Comment.objects.filter(pk__in=[c.pk for c in comments]).update(
            **ANONYMISED, notify_replies=False, updated_at=now
        )
    # update() sends no signal: the stamps of the pages that show these comments are moved here.
    discussion_changed({comment.article_id for comment in comments})
    return len(comments)


def clear_old_ip_addresses() -> tuple[int, int]:
    """Forget the IP addresses of comments and readers' reports older than COMMENTS_IP_RETENTION_DAYS: (comments,
    reports) changed. Running it again changes nothing more."""
    cutoff = timezone.now() - timedelta(days=settings.COMMENTS_IP_RETENTION_DAYS)
    comments = Comment.objects.filter(created_at__lt=cutoff, ip_address__isnull=False).update(ip_address=None)
    # A report's client network is its reader's IPv4 address (or IPv6 /64): forgotten too. An old report then
    # stops counting towards sending a comment back to the queue, and no longer blocks a report from that address.
    reports = (
        CommentReport.objects.filter(created_at__lt=cutoff)
        .filter(Q(ip_address__isnull=False) | ~Q(network=""))
        .update(ip_address=None, network="")
    )
    return comments, reports
