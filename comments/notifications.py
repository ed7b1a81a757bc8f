"""Tell moderators that comments are waiting, without sending one email per comment."""

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.mail import send_mail
from django.template.defaultfilters import pluralize
from django.urls import reverse

from .models import Comment

logger = logging.getLogger(__name__)

BATCH_LOCK_KEY = "comments:moderators-notified"


def moderator_emails() -> list[str]:
    if settings.COMMENTS_MODERATOR_EMAILS:
        return settings.COMMENTS_MODERATOR_EMAILS
    users = get_user_model().objects.filter(is_active=True, groups__name="Moderators").exclude(email="")
    return sorted(set(users.values_list("email", flat=True)))


def notify_moderators() -> bool:
    """Send one summary of the queue, at most once per COMMENTS_NOTIFY_EVERY_MINUTES. Returns whether it sent."""
    # Checked first: while a summary went out recently (every held comment in a busy hour), nothing else is read.
    if not cache.add(BATCH_LOCK_KEY, True, timeout=settings.COMMENTS_NOTIFY_EVERY_MINUTES * 60):
        return False  # a summary went out recently; the next held comment after the pause sends the next one
    recipients = moderator_emails()
    if not recipients:
        return False
    queue_url = f"{settings.SITE_URL}{reverse('admin:comments_comment_changelist')}"
    waiting = Comment.objects.in_moderation().count()
    reported = Comment.objects.reported_since_review().count()
    summary, lines = [], []
    if waiting or not reported:
        summary.append(f"{waiting} comment{pluralize(waiting)} awaiting moderation")
        lines.append(f"{summary[-1]}: {queue_url}?status__exact=pending")
    if reported:
        summary.append(f"{reported} approved comment{pluralize(reported)} reported again")
        lines.append(f"{summary[-1]}, still on the page until you look: {queue_url}?reported=again")
    try:
        send_mail(
            subject=f"[{settings.SITE_NAME}] {'; '.join(summary)}",
            message="Waiting in the moderation queue:\n\n" + "\n".join(f"- {line}" for line in lines) + "\n",
            from_email=None,
            recipient_list=recipients,
        )
    except OSError:  # SMTP trouble must not turn a saved comment into an error page
        logger.exception("Could not email the moderators about held comments")
        return False
    return True
