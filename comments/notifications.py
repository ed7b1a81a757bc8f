"""Tell moderators that comments are waiting, without sending one email per comment, and never from a request.

A held comment asks for the summary of the current period (``notify_moderators``, on commit); the task queue sends
it (``send_moderator_notice``), at most once per period: the period's ``ModeratorNotice`` row is claimed before the
email goes out. Sending a notice twice is worse than sending it late, so it is at most once: if the worker dies
between the claim and the server's answer, that period's summary may be lost, and the next held comment's summary
(which counts the whole queue) tells the moderators instead. When the mail server refuses the email or cannot be
reached, nothing was sent: the claim is let go and the task tries again later (taskqueue/retries.py).
"""

import logging
import smtplib
from datetime import UTC, datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.mail import EmailMessage, mailers
from django.db import IntegrityError, transaction
from django.tasks import task
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.utils import timezone

from mailing.messages import compose
from taskqueue.retries import retry_later

from .models import Comment, ModeratorNotice

logger = logging.getLogger(__name__)

REQUESTED_KEY = "comments:moderator-notice-requested"

# The mail server's own refusals, and failures before it was reached: the email was certainly not delivered.
NOT_DELIVERED = (smtplib.SMTPResponseException, smtplib.SMTPRecipientsRefused)


def moderator_emails() -> list[str]:
    if settings.COMMENTS_MODERATOR_EMAILS:
        return settings.COMMENTS_MODERATOR_EMAILS
    users = get_user_model().objects.filter(is_active=True, groups__name="Moderators").exclude(email="")
    return sorted(set(users.values_list("email", flat=True)))


def current_period() -> datetime:
    """The start of the notice period now is in: periods are COMMENTS_NOTIFY_EVERY_MINUTES long, from the epoch."""
    length = settings.COMMENTS_NOTIFY_EVERY_MINUTES * 60
    now = timezone.now().timestamp()
    return datetime.fromtimestamp(now - now % length, tz=UTC)


def notify_moderators() -> None:
    """Ask for the current period's summary. Each process asks once per period (a cache key); the claim in the
    database makes sure that only one is sent, whatever the processes ask."""
    period = current_period().isoformat()
    if cache.add(f"{REQUESTED_KEY}:{period}", True, timeout=settings.COMMENTS_NOTIFY_EVERY_MINUTES * 60):
        send_moderator_notice.enqueue(period_start=period)


def summary(period_start: datetime) -> EmailMessage:
    queue_url = f"{settings.SITE_URL}{reverse('admin:comments_comment_changelist')}"
    waiting = Comment.objects.in_moderation().count()
    reported = Comment.objects.reported_since_review().count()
    subject, lines = [], []
    if waiting or not reported:
        subject.append(f"{waiting} comment{pluralize(waiting)} awaiting moderation")
        lines.append((subject[-1], f"{queue_url}?status__exact=pending", ""))
    if reported:
        subject.append(f"{reported} approved comment{pluralize(reported)} reported again")
        lines.append((subject[-1], f"{queue_url}?reported=again", "still on the page until you look"))
    return compose(
        to=moderator_emails(),
        subject="; ".join(subject),
        template="moderator_notice",
        context={"lines": lines},
        # One Message-ID per period: mail clients show a copy delivered twice (by whatever fault) as one message.
        message_id=f"moderator-notice.{period_start:%Y%m%dT%H%M}",
    )


def claim(period_start: datetime) -> ModeratorNotice | None:
    """The period's notice, claimed for this run; None when another run has claimed it (sent, or maybe sent)."""
    try:
        with transaction.atomic():
            return ModeratorNotice.objects.create(period_start=period_start)
    except IntegrityError:
        return None


@task
def send_moderator_notice(period_start: str, attempt: int = 1) -> str:
    """Email the moderators the queue's summary, unless this period's was already sent (or may have been)."""
    if not moderator_emails():
        return "nobody to tell"
    notice = claim(datetime.fromisoformat(period_start))
    if notice is None:
        return "already sent"
    message, mailer = summary(notice.period_start), mailers.default
    stage = "connecting"
    try:
        with mailer:
            stage = "sending"
            mailer.send_messages([message])
            stage = "sent"
    except OSError as error:  # smtplib's errors included
        if stage == "connecting" or isinstance(error, NOT_DELIVERED):
            # Never reached the server, or refused by it: certainly not sent. The claim is let go for a later try.
            notice.delete()
            if retry_later(send_moderator_notice, attempt=attempt, kwargs={"period_start": period_start}):
                logger.warning("The moderators' notice failed (attempt %s), retrying later: %s", attempt, error)
            raise
        if stage == "sending":
            raise  # cut off mid-conversation: it may have been delivered, so the claim stays (at most once)
        logger.warning("The moderators' notice was sent, then closing the connection failed: %s", error)
    notice.sent_at = timezone.now()
    notice.save(update_fields=["sent_at"])
    return "sent"
