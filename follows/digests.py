"""The digests: one email per address and frequency, listing the articles published in the period that just ended
about what the address follows, grouped by followed thing; none when nothing is new.

A digest covers a whole period (a day, or a week from Monday, in the site's time zone): the last one to have ended
when ``send_digests`` runs. Each address's digest of a period is claimed (a ``DigestSent`` row) before it is sent,
as comments/notifications.py claims the moderators' notice: running the command twice, or two at once, sends
nothing twice. When the mail server refuses the email or cannot be reached, the claim is let go, so the next run
of the same period sends it; cut off mid-conversation, it may have been delivered, and the claim stays (at most once).

The email's one-click unsubscribe stops what the email is about: every follow it covers (the list
``follow:<id>,<id>,…``); each followed thing also has its own link to stop just that one.
"""

import hashlib
import smtplib
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from itertools import groupby

from django.core.mail import EmailMultiAlternatives, mailers
from django.db import IntegrityError, transaction
from django.utils import timezone

from articles.models import Article
from mailing.lists import unsubscribe_url
from mailing.messages import compose
from mailing.sending import sendable

from .lists import describe_follows, list_of
from .models import DigestSent, Follow, Frequency, url_of

PERIOD_DAYS = {Frequency.DAILY: 1, Frequency.WEEKLY: 7}

# The mail server's own refusals: the email was certainly not delivered.
NOT_DELIVERED = (smtplib.SMTPResponseException, smtplib.SMTPRecipientsRefused)


class ServerUnreachable(Exception):
    """The mail server could not be reached: every other digest would fail the same way."""


def last_period(frequency: str, now: datetime | None = None) -> tuple[datetime, datetime]:
    """The start and end of the last whole period before ``now``: yesterday, or last week (Monday to Monday)."""
    today = timezone.localdate(now or timezone.now())
    end = today - timedelta(days=today.weekday()) if frequency == Frequency.WEEKLY else today
    start = end - timedelta(days=PERIOD_DAYS[Frequency(frequency)])
    zone = timezone.get_current_timezone()
    return datetime.combine(start, time(), tzinfo=zone), datetime.combine(end, time(), tzinfo=zone)


@dataclass
class Digest:
    email: str
    frequency: str
    period_start: datetime
    follows: list[Follow]  # every follow of the address at this frequency: what the email is about
    sections: list[tuple[Follow, list[Article]]] = field(default_factory=list)  # those with something new


def published_in(start: datetime, end: datetime) -> list[Article]:
    articles = Article.objects.published().filter(publish_at__gte=start, publish_at__lt=end)
    return list(
        articles.select_related("work").prefetch_related("composers", "tags").without_search_text().newest_first()
    )


def digests(frequency: str, start: datetime, end: datetime):
    """The period's digests, one per confirmed follower with something new, by address."""
    articles = published_in(start, end)
    if not articles:
        return
    follows = Follow.objects.confirmed().filter(frequency=frequency).with_targets().order_by("email", "created_at")
    for email, group in groupby(follows.iterator(chunk_size=1000), key=lambda follow: follow.email):
        digest = Digest(email=email, frequency=frequency, period_start=start, follows=list(group))
        digest.sections = [
            (follow, about) for follow in digest.follows if (about := [a for a in articles if follow.is_about(a)])
        ]
        if digest.sections:
            yield digest


def message(digest: Digest, site_url: str) -> EmailMultiAlternatives:
    count = sum(len(articles) for _, articles in digest.sections)
    names = [follow.name for follow, _ in digest.sections]
    frequency = Frequency(digest.frequency).label
    sections = [
        {
            "name": follow.name,
            "url": site_url + url_of(follow.target),
            "articles": [{"title": a.title, "url": site_url + a.get_absolute_url()} for a in articles],
            "stop_url": unsubscribe_url(digest.email, list_of([follow])),
        }
        for follow, articles in digest.sections
    ]
    address = hashlib.sha256(digest.email.encode()).hexdigest()[:20]
    return compose(
        to=digest.email,
        subject=f"{frequency} digest: {count} new article{'s' if count > 1 else ''} about {', '.join(names)}",
        template="digest",
        context={
            "sections": sections,
            "about": describe_follows(digest.follows),
            "weekly": digest.frequency == Frequency.WEEKLY,
            "period_start": digest.period_start,
        },
        mailing_list=list_of(digest.follows),
        # One Message-ID per address and period: a copy delivered twice shows as one message.
        message_id=f"digest.{digest.frequency}.{digest.period_start:%Y%m%d}.{address}",
    )


def claim(digest: Digest) -> DigestSent | None:
    """The digest, claimed for this run; None when another run claimed it (sent, or maybe sent)."""
    try:
        with transaction.atomic():
            return DigestSent.objects.create(
                email=digest.email, frequency=digest.frequency, period_start=digest.period_start
            )
    except IntegrityError:
        return None


def send_digest(digest: Digest, site_url: str) -> bool:
    """Send the digest unless it was claimed already: whether this run sent it. Raises ServerUnreachable, or the
    mail server's error (the claim let go when the email was certainly not delivered)."""
    claimed = claim(digest)
    if claimed is None:
        return False
    messages, mailer, stage = sendable([message(digest, site_url)]), mailers.default, "connecting"
    try:
        if messages:
            with mailer:
                stage = "sending"
                mailer.send_messages(messages)
                stage = "sent"
    except OSError as error:  # smtplib's errors included
        if stage == "connecting" or isinstance(error, NOT_DELIVERED):
            claimed.delete()
        if stage == "connecting":
            raise ServerUnreachable(str(error)) from error
        if stage == "sending":
            raise  # cut off mid-conversation (the claim stays), or refused (it was let go)
    claimed.sent_at = timezone.now()
    claimed.save(update_fields=["sent_at"])
    return bool(messages)
