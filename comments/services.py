"""Every write to the discussion that has more than one step: posting, editing, deleting, reporting, moderating."""

import logging
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from articles.authors import public_name
from articles.models import Article, FeaturedTrack
from pagecache.stamps import discussion_changed
from throttling.clients import UNKNOWN_CLIENT, Client, client_network

from . import email_confirmation, limits, moderation
from .exceptions import CommentRefused
from .markup import render_comment
from .models import Comment, CommentReport, ModerationEvent
from .notifications import notify_moderators
from .replies import replies_approved
from .threads import thread_position

logger = logging.getLogger(__name__)


def comments_are_open(article: Article) -> bool:
    if not article.comments_open or not article.is_public:
        return False
    days = settings.COMMENTS_CLOSE_AFTER_DAYS
    return not days or article.publish_at > timezone.now() - timedelta(days=days)


def _record(comment: Comment, *, from_status: str, actor=None, rule: str = "", reason: str = "") -> None:
    ModerationEvent.objects.create(
        comment=comment, actor=actor, rule=rule, from_status=from_status, to_status=comment.status, reason=reason
    )


def _check_may_post(article: Article, parent: Comment | None, favourite_track: FeaturedTrack | None) -> None:
    if not comments_are_open(article):
        raise CommentRefused("Comments are closed on this article.", code="closed")
    if parent is not None and (parent.article_id != article.pk or not parent.is_public):
        raise CommentRefused("The comment you are replying to is not available.", code="bad_parent")
    if favourite_track is not None and favourite_track.article_id != article.pk:
        raise CommentRefused("Pick a track featured in this article.", code="bad_track")


def create_comment(
    *,
    article: Article,
    author_name: str,
    email: str,
    body: str,
    parent: Comment | None = None,
    favourite_track: FeaturedTrack | None = None,
    user=None,
    client: Client = UNKNOWN_CLIENT,
    honeypot: str = "",
    form_age: timedelta | None = None,
    submission_token: str | None = None,
    notify_replies: bool = False,
) -> Comment:
    """Post a reader's comment: check it may be posted, run the moderation rules, record the decision.

    The same form posted again (a retry, a double click) gets the comment its first post stored, never a refusal,
    even while both posts run at once: a second post that finds the first one's comment already stored, or loses
    the race for the unique submission token, gets the comment stored under that token.
    """
    submission = moderation.Submission(
        article_id=article.pk, body=body, author_name=author_name, email=email, honeypot=honeypot, form_age=form_age
    )
    earlier_tokens = _earlier_posts(submission, submission_token)
    if submission_token in earlier_tokens and (existing := _posted_with(submission_token)):
        return existing
    _check_may_post(article, parent, favourite_track)
    limits.check_comment_limits(client=client, email=email)
    if earlier_tokens:
        raise CommentRefused("You have already posted this comment here.", code="duplicate")
    decision = moderation.decide(submission)
    decision = email_confirmation.hold_until_confirmed(decision, email=email, user=user, client=client)
    parent, thread, depth = thread_position(parent)
    try:
        with transaction.atomic():
            comment = Comment.objects.create(
                article=article,
                parent=parent,
                thread=thread,
                depth=depth,
                author_name=author_name,
                author_email=email,
                user=user if user is not None and user.is_authenticated else None,
                body=body,
                body_html=render_comment(body),
                favourite_track=favourite_track,
                status=decision.status,
                ip_address=client.ip_address,
                user_agent=client.user_agent[:300],
                submission_token=submission_token or None,
                notify_replies=notify_replies,
            )
            _record(comment, from_status="", rule=decision.rule, reason=decision.reason)
            _ask_who_acts_next(comment)
    except IntegrityError:
        if existing := _posted_with(submission_token):
            return existing  # a concurrent post of the same form committed first
        raise
    return comment


def _ask_who_acts_next(comment: Comment) -> None:
    """After the commit: tell the moderators a comment waits for them, mail its writer the link to confirm it, or
    tell its thread's subscribers of an approved reply."""
    if comment.status == Comment.Status.PENDING:
        # Robust: the comment is stored by then; a notice that fails (the database went down) is logged.
        transaction.on_commit(notify_moderators, robust=True)
    elif comment.status == Comment.Status.UNCONFIRMED:
        email_confirmation.ask_to_confirm(comment)
    elif comment.is_public and comment.parent_id:
        replies_approved([comment])  # a reply the rules approved (a known commenter's): its thread's subscribers


def _earlier_posts(submission: moderation.Submission, submission_token: str | None) -> list[str | None]:
    """The submission tokens of the comments this form stored (a retry, a double click) and of the same author's
    recent comments of the same words (duplicates); both looked up in one query, of a column alone."""
    earlier = moderation.recent_duplicates(submission)
    if submission_token:
        earlier |= Q(submission_token=submission_token)
    return list(Comment.objects.filter(earlier).values_list("submission_token", flat=True))


def _posted_with(submission_token: str | None) -> Comment | None:
    return Comment.objects.filter(submission_token=submission_token).first() if submission_token else None


@transaction.atomic
def edit_comment(comment: Comment, *, body: str, favourite_track: FeaturedTrack | None) -> Comment:
    """The author's own edit: the rules run again, so an approved comment may go back to the queue."""
    if not comment.can_still_edit():
        raise CommentRefused(
            f"Comments can be changed for {settings.COMMENTS_EDIT_WINDOW_MINUTES} minutes after posting.",
            code="edit_window_closed",
        )
    submission = moderation.Submission(
        article_id=comment.article_id,
        body=body,
        author_name=comment.author_name,
        email=comment.author_email,
        exclude_comment_id=comment.pk,
    )
    decision = moderation.decide(submission)
    previous = comment.status
    comment.body = body
    comment.body_html = render_comment(body)
    comment.favourite_track = favourite_track
    comment.edited_at = timezone.now()
    comment.reviewed_at = None  # a moderator approved other words
    # An edit may send a comment to the queue but never take it out: only a moderator releases a held
    # comment (otherwise one that readers' reports sent back for review is re-approved by a one-letter edit).
    if not (previous == Comment.Status.PENDING and decision.status == Comment.Status.APPROVED):
        comment.status = decision.status
    comment.save()  # moves the page cache's discussion stamp (comments/signals.py)
    if comment.status != previous:
        _record(comment, from_status=previous, rule=decision.rule, reason=f"After an edit: {decision.reason}")
        if comment.status == Comment.Status.PENDING:
            transaction.on_commit(notify_moderators, robust=True)
    return comment


@transaction.atomic
def withdraw_comment(comment: Comment) -> None:
    """The author deletes their comment: it leaves the page; the row and its history stay for moderators."""
    if not comment.can_still_edit():
        raise CommentRefused(
            f"Comments can be deleted for {settings.COMMENTS_EDIT_WINDOW_MINUTES} minutes after posting.",
            code="edit_window_closed",
        )
    previous = comment.status
    comment.status = Comment.Status.REJECTED
    comment.save(update_fields=["status", "updated_at"])
    _record(comment, from_status=previous, rule="author_deleted", reason="Deleted by its author.")


@transaction.atomic
def report_comment(
    comment: Comment, *, reporter_key: str, reason: str, note: str = "", client: Client = UNKNOWN_CLIENT
) -> bool:
    """Record a reader's report; False when this reader or this client address already reported the comment.

    Reports are counted by client address (an IPv6 /64 counts as one), so one machine cannot stand for several
    readers by dropping its cookies. Enough addresses send a comment back to the queue, unless a moderator approved
    it: then it stays on the page and the moderators are asked to look again (docs/MODERATION.md).
    """
    network = client_network(client.ip_address)
    limits.check_report_limit(network)
    try:
        with transaction.atomic():
            CommentReport.objects.create(
                comment=comment,
                reporter_key=reporter_key,
                network=network,
                reason=reason,
                note=note,
                ip_address=client.ip_address,
            )
    except IntegrityError:
        return False
    Comment.objects.filter(pk=comment.pk).update(report_count=F("report_count") + 1)
    comment.refresh_from_db(fields=["report_count", "status", "reviewed_at"])
    threshold = settings.COMMENTS_REPORTS_TO_REVIEW
    if not comment.is_public or not threshold:
        return True
    counted = comment.reports.exclude(network="")
    if comment.reviewed_at:
        counted = counted.filter(created_at__gt=comment.reviewed_at)
    addresses = counted.count()  # one report per address and comment: each counted report is another address
    if addresses < threshold:
        return True
    if comment.reviewed_at is None:
        comment.status = Comment.Status.PENDING
        comment.save(update_fields=["status", "updated_at"])
        reason = f"Reported from {addresses} addresses."
    elif not comment.events.filter(rule="reports", created_at__gt=comment.reviewed_at).exists():
        reason = (
            f"Reported from {addresses} addresses since a moderator approved it; it stays on the page until a "
            "moderator looks again."
        )
    else:
        return True  # the moderators were already asked to look again
    _record(comment, from_status=Comment.Status.APPROVED, rule="reports", reason=reason)
    transaction.on_commit(notify_moderators, robust=True)
    return True


@transaction.atomic
def moderate(comments, *, to_status: str, actor, reason: str = "") -> int:
    """A moderator's decision on several comments at once; returns how many it changed.

    Approving marks the comments reviewed (reports no longer take them off the page), and approving a comment that
    is already public but was reported since its last review keeps it there and records that decision.
    """
    comments = comments.select_related(None).order_by()
    now = timezone.now()
    kept = []
    if to_status == Comment.Status.APPROVED:
        kept = list(comments.reported_since_review().values_list("pk", flat=True))
        comments.filter(status=to_status).update(reviewed_at=now)
    deciding = comments.exclude(status=to_status).select_for_update()
    changed = list(deciding.only("pk", "status", "article", "thread", "notify_replies"))
    if not changed and not kept:
        return 0
    fields = {"status": to_status, "updated_at": now}
    if to_status == Comment.Status.APPROVED:
        fields["reviewed_at"] = now
    Comment.objects.filter(pk__in=[c.pk for c in changed]).update(**fields)
    if to_status == Comment.Status.APPROVED:
        replies_approved(changed)
    # update() sends no signal: the stamps are moved here (a comment's save() moves them by itself).
    shown_before_or_after = [c for c in changed if Comment.Status.APPROVED in (c.status, to_status)]
    if shown_before_or_after:
        discussion_changed({c.article_id for c in shown_before_or_after})
    decisions = [(c.pk, c.status) for c in changed] + [(pk, to_status) for pk in kept]
    ModerationEvent.objects.bulk_create(
        ModerationEvent(
            comment_id=pk,
            actor=actor,
            from_status=from_status,
            to_status=to_status,
            reason=reason or ("Kept on the page after readers' reports." if from_status == to_status else ""),
            created_at=now,
        )
        for pk, from_status in decisions
    )
    return len(decisions)


def moderator_reply_name(moderator) -> str:
    """The name a moderator's reply is signed with: their public name, else their role (never the login name)."""
    return public_name(moderator) or "Moderator"


@transaction.atomic
def reply_as_moderator(parent: Comment, *, moderator, body: str, client: Client = UNKNOWN_CLIENT) -> Comment:
    """A moderator's reply from the queue: published at once, under the moderator's name.

    A reply to a comment that waits approves that comment first, in the same transaction: answering a comment in
    public vouches for it, and a reply under a hidden comment would be hidden with it. Replies to spam and
    rejected comments, and under a thread readers cannot see, are refused: the moderator decides on those first.
    The moderation rules and rate limits are for readers; a moderator's words are approved as they are.
    """
    parent = Comment.objects.select_for_update(of=("self",)).select_related("article", "thread").get(pk=parent.pk)
    if not comments_are_open(parent.article):
        raise CommentRefused("Comments are closed on this article: no reply can be posted.", code="closed")
    if parent.status in (Comment.Status.SPAM, Comment.Status.REJECTED):
        was = "marked as spam" if parent.status == Comment.Status.SPAM else "rejected"
        raise CommentRefused(f"This comment was {was}: approve it before replying to it.", code="bad_parent")
    if parent.thread is not None and not parent.thread.is_public:
        raise CommentRefused(
            "The first comment of this thread is not public: decide on it before replying here.", code="bad_parent"
        )
    if parent.status in (Comment.Status.PENDING, Comment.Status.UNCONFIRMED):
        moderate(
            Comment.objects.filter(pk=parent.pk),
            to_status=Comment.Status.APPROVED,
            actor=moderator,
            reason="Approved to reply to it.",
        )
    attach_to, thread, depth = thread_position(parent)
    now = timezone.now()
    reply = Comment.objects.create(  # an approved comment's save() moves the page cache's discussion stamp
        article=parent.article,
        parent=attach_to,
        thread=thread,
        depth=depth,
        author_name=moderator_reply_name(moderator)[:80],
        author_email=moderator.email,
        user=moderator,
        body=body,
        body_html=render_comment(body),
        status=Comment.Status.APPROVED,
        reviewed_at=now,
        ip_address=client.ip_address,
        user_agent=client.user_agent[:300],
        created_at=now,
    )
    _record(reply, from_status="", actor=moderator, reason="A moderator's reply, posted from the queue.")
    replies_approved([reply])
    return reply
