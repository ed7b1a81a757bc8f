"""Email a commenter who ticked "Email me when someone replies" the replies to their comment, once approved.

The replies: every approved comment below theirs in its thread, direct or deeper (the page shows an answer to an
answer nested under their comment too), except their own (the same address, in any case). Nothing is sent while
their comment or its thread is not public, nor for replies that wait, were rejected or are spam.

When: a reply's approval (``comments.services``: a rule at posting, a moderator's decision or reply) asks, on commit,
for its thread's notices (``replies_approved``). The task (``send_reply_notices``) emails each subscriber of the
thread the replies they were not told of, at most once per COMMENTS_REPLY_NOTICE_MINUTES: inside that window it
runs again when the window ends (a deferred task), and that email gathers every reply approved meanwhile. The
immediate backend of development cannot defer: there the gathered replies go out with the next approval after the
window.

At most once: each address's ``ReplyNotice`` row for the thread is claimed (its ``sent_at`` compared and set)
before the email goes out, and kept once it may have gone, as comments/notifications.py does with the moderators'
summary. When the mail server refuses the email or cannot be reached, the claim is let go and the task retries.
"""

import html
import logging
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.tasks import task
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.text import Truncator

from mailing import messages, sending
from mailing.models import normalise
from taskqueue.retries import retry_later

from .models import Comment, ReplyNotice
from .threads import page_of

logger = logging.getLogger(__name__)

LIST_KIND = "thread"


# A spoiler stays hidden in an excerpt, as on the page until the reader asks.
_SPOILER = re.compile(r'<span class="spoiler-text">.*?</span>', re.DOTALL)


def window() -> timedelta:
    return timedelta(minutes=settings.COMMENTS_REPLY_NOTICE_MINUTES)


def excerpt(comment: Comment, words: int = 12) -> str:
    text = html.unescape(strip_tags(_SPOILER.sub("[spoiler]", comment.body_html)))
    return Truncator(" ".join(text.split())).words(words)


def replies_approved(comments: list[Comment]) -> None:
    """Ask, once the transaction commits, for the notices of the threads these newly approved comments are in.

    A reply asks for its thread's; a thread's first comment whose writer ticked the box asks for its own, so that
    replies approved while it was off the page (sent back by reports) are told once it is back.
    """
    threads = {comment.thread_id or comment.pk for comment in comments if comment.thread_id or comment.notify_replies}
    for thread_id in sorted(threads):
        # Robust: the replies are approved by then; a notice that cannot be queued is logged, not the moderator's.
        transaction.on_commit(partial(send_reply_notices.enqueue, thread_id=thread_id), robust=True)


@dataclass
class Claim:
    notice: ReplyNotice
    previous: tuple[datetime, list[int]] | None  # what to put back if the email certainly did not go
    replies: list[Comment]


def _claim(recipient: str, thread: Comment, replies: list[Comment]) -> Claim | datetime | None:
    """The replies to email ``recipient`` now, claimed; else when to look again (an email went out within the
    window), or None when every reply was told."""
    notice = ReplyNotice.objects.filter(recipient=recipient, thread=thread).first()
    told = set(notice.told) if notice else set()
    untold = [reply for reply in replies if reply.pk not in told]
    if not untold:
        return None
    now = timezone.now()
    if notice is not None and notice.sent_at > now - window():
        return notice.sent_at + window()
    told = sorted(told | {reply.pk for reply in untold})
    if notice is None:
        try:
            with transaction.atomic():
                notice = ReplyNotice.objects.create(recipient=recipient, thread=thread, sent_at=now, told=told)
        except IntegrityError:
            return now + window()  # another run claimed the thread's first email at the same moment
        return Claim(notice, None, untold)
    previous = (notice.sent_at, notice.told)
    if not ReplyNotice.objects.filter(pk=notice.pk, sent_at=notice.sent_at).update(sent_at=now, told=told):
        return now + window()  # another run claimed this window's email since we looked
    notice.sent_at, notice.told = now, told
    return Claim(notice, previous, untold)


def _release(claim: Claim) -> None:
    """Let the claim go (the email certainly did not leave), unless another run took the row since."""
    mine = ReplyNotice.objects.filter(pk=claim.notice.pk, sent_at=claim.notice.sent_at)
    if claim.previous is None:
        mine.delete()
    else:
        mine.update(sent_at=claim.previous[0], told=claim.previous[1])


def _below(comment: Comment, own: set[int], parents: dict[int, int | None]) -> bool:
    parent_id = comment.parent_id
    while parent_id is not None:
        if parent_id in own:
            return True
        parent_id = parents.get(parent_id)
    return False


def _replies_by_subscriber(thread: Comment) -> dict[str, list[Comment]]:
    """Each subscriber's address (in lower case) → the approved replies below their public comments."""
    comments = [thread, *Comment.objects.filter(thread=thread).defer("body").order_by("created_at", "pk")]
    parents = {comment.pk: comment.parent_id for comment in comments}
    subscribed: dict[str, set[int]] = {}
    for comment in comments:
        if comment.notify_replies and comment.is_public:
            subscribed.setdefault(normalise(comment.author_email), set()).add(comment.pk)
    approved_replies = [comment for comment in comments if comment.parent_id and comment.is_public]
    return {
        email: [
            reply
            for reply in approved_replies
            if normalise(reply.author_email) != email and _below(reply, own, parents)
        ]
        for email, own in subscribed.items()
    }


def _message(claim: Claim, thread: Comment):
    article = thread.article
    page = page_of(thread)
    query = {"comments": page} if page > 1 else None

    def link(comment: Comment) -> str:
        path = reverse("articles:article", kwargs={"slug": article.slug}, query=query, fragment=comment.anchor)
        return settings.SITE_URL + path

    count = len(claim.replies)
    subject = f"{'A reply' if count == 1 else f'{count} replies'} to your comment on “{article.title}”"
    context = {
        "subject": subject,
        "article_title": article.title,
        "article_url": settings.SITE_URL + article.get_absolute_url(),
        "thread_excerpt": excerpt(thread),
        "replies": [
            {"author": reply.author_name, "excerpt": excerpt(reply, 60), "url": link(reply)} for reply in claim.replies
        ],
    }
    return messages.compose(
        to=claim.notice.recipient,
        subject=subject,
        template="reply_notice",
        context=context,
        mailing_list=f"{LIST_KIND}:{thread.pk}",
        message_id=f"replies.{thread.pk}.{claim.notice.pk}.{claim.notice.sent_at:%Y%m%dT%H%M%S%f}",
    )


def _send(claim: Claim, thread: Comment) -> None:
    try:
        sending.send([_message(claim, thread)])
    except sending.NotDelivered:
        _release(claim)  # certainly not delivered: the retry sends it
        raise
    # Any other error: cut off mid-conversation, it may have been delivered, so the claim stays (at most once).


@task
def send_reply_notices(thread_id: int, attempt: int = 1) -> str:
    """Email each subscriber of the thread the approved replies they were not told of, or look again when their
    window ends."""
    thread = Comment.objects.select_related("article").filter(pk=thread_id, parent=None).first()
    if thread is None or not thread.is_public or not thread.article.is_public:
        return "the thread is not public"
    sent, later, failed = 0, [], None
    try:
        for recipient, replies in _replies_by_subscriber(thread).items():
            claim = _claim(recipient, thread, replies)
            if isinstance(claim, datetime):
                later.append(claim)
            elif claim is not None:
                try:
                    _send(claim, thread)
                    sent += 1
                except OSError as error:  # smtplib's errors included; the other subscribers are still told
                    failed = failed or error
    finally:
        if later and send_reply_notices.get_backend().supports_defer:
            send_reply_notices.using(run_after=min(later)).enqueue(thread_id=thread_id)
    if failed is not None:
        if isinstance(failed, sending.NotDelivered) and retry_later(
            send_reply_notices, attempt=attempt, kwargs={"thread_id": thread_id}
        ):
            logger.warning("A reply notice failed (attempt %s), retrying later: %s", attempt, failed)
        raise failed
    return f"{sent} sent" + (f", more at {min(later):%H:%M}" if later else "")


def describe(key: str) -> str | None:
    """What the list "thread:<key>" sends, for the unsubscribe page; None for a thread that is gone."""
    thread = Comment.objects.select_related("article").filter(pk=_thread_id(key), parent=None).first()
    if thread is None:
        return None
    if not thread.is_public:
        return f"emails about replies in a thread on “{thread.article.title}”"
    return f"emails about replies in the thread “{excerpt(thread)}” on “{thread.article.title}”"


def unsubscribe(email: str, key: str) -> None:
    """Stop the reply notices to the address in thread ``key``, or in every thread for an empty key."""
    comments = Comment.objects.by_address(email).filter(notify_replies=True)
    if key:
        thread_id = _thread_id(key)
        comments = comments.filter(Q(pk=thread_id) | Q(thread_id=thread_id)) if thread_id else comments.none()
    comments.update(notify_replies=False)  # no page shows it: the page cache's stamps stay


def _thread_id(key: str) -> int | None:
    return int(key) if key.isascii() and key.isdigit() and len(key) < 19 else None
