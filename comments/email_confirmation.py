"""Email confirmation (COMMENTS_CONFIRM_EMAIL): a comment from an address that must prove itself waits, unconfirmed,
until its writer opens the link mailed to them; confirming hands it to the moderation rules.

``off``: nobody confirms. ``new``: an address with no approved comment yet confirms each comment until one of its
comments is approved. ``always``: every comment waits for its own link. A signed-in reader who comments under their
account's address never confirms: the account already vouches for it. Confirming one comment confirms that comment
only: each comment has its own link, so a link forwarded or leaked releases no other words.

The mail goes from a task, on commit, never inside the request; ``mailing.sending`` skips an address unsubscribed
from everything, and the pages then say what they say to everyone (that the comment waits), so they tell nobody
which addresses left. Unconfirmed comments older than COMMENTS_UNCONFIRMED_DAYS are deleted
(``manage.py delete_unconfirmed_comments``).
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.tasks import task
from django.urls import reverse
from django.utils import timezone

from mailing import messages, sending, tokens
from mailing.limits import too_many_message, within_mail_limits
from mailing.models import normalise
from taskqueue.retries import retry_later
from throttling.clients import Client

from . import moderation
from .exceptions import CommentRefused
from .models import Comment, ModerationEvent
from .notifications import notify_moderators
from .replies import replies_approved

logger = logging.getLogger(__name__)

PURPOSE = "confirm-comment"
RULE = "unconfirmed_email"
UNCONFIRMED = Comment.Status.UNCONFIRMED


def link_lifetime() -> timedelta:
    return timedelta(hours=settings.MAIL_LINK_HOURS)


def must_confirm(email: str, *, user=None) -> bool:
    """Whether a comment from this address waits for its writer to confirm the address."""
    mode = settings.COMMENTS_CONFIRM_EMAIL
    if mode == "off":
        return False
    if user is not None and user.is_authenticated and normalise(user.email) == normalise(email):
        return False
    return mode == "always" or not Comment.objects.approved().by_address(email).exists()


def hold_until_confirmed(
    decision: moderation.Decision, *, email: str, user=None, client: Client | None = None
) -> moderation.Decision:
    """The decision a new comment gets: the rules' own when spam (no mail for spam) or when the address needs no
    confirmation, otherwise "unconfirmed". Refused past the mail limits: each such comment sends an email."""
    if decision.status == Comment.Status.SPAM or not must_confirm(email, user=user):
        return decision
    if not within_mail_limits("confirm", client=client, email=normalise(email)):
        raise CommentRefused(too_many_message(), code="rate_limited")
    return moderation.Decision(UNCONFIRMED, RULE, "Waits for its writer to confirm the email address.")


def ask_to_confirm(comment: Comment) -> None:
    """Mail the comment's writer a link to confirm it, once the transaction that stored it commits."""
    requested = timezone.now().strftime("%Y%m%dT%H%M%S%f")
    transaction.on_commit(lambda: send_confirmation.enqueue(comment_id=comment.pk, requested=requested), robust=True)


def confirmation_url(comment: Comment) -> str:
    token = tokens.make(PURPOSE, {"c": comment.pk, "e": normalise(comment.author_email)})
    return settings.SITE_URL + reverse("comments:confirm-email", kwargs={"token": token})


def read_link(token: str, *, expired_too: bool = False) -> tuple[int, str]:
    """(comment id, address) of a confirmation link; BadToken when it was changed or (unless ``expired_too``) is
    older than MAIL_LINK_HOURS."""
    payload = tokens.read(PURPOSE, token, max_age=None if expired_too else link_lifetime())
    comment_id, email = payload.get("c"), payload.get("e")
    if not isinstance(comment_id, int) or not isinstance(email, str):
        raise tokens.BadToken(tokens.NOT_VALID)
    return comment_id, email


def comment_of_link(comment_id: int, email: str) -> Comment | None:
    """The comment a link was made for; None when it is gone (deleted, or its address erased since)."""
    comment = Comment.objects.select_related("article").filter(pk=comment_id).first()
    return comment if comment is not None and normalise(comment.author_email) == email else None


@task
def send_confirmation(comment_id: int, requested: str, attempt: int = 1) -> str:
    """Email the link that confirms a comment, if the comment still waits for it."""
    comment = Comment.objects.select_related("article").filter(pk=comment_id, status=UNCONFIRMED).first()
    if comment is None:
        return "no longer waits"
    message = messages.compose(
        to=comment.author_email,
        subject=f"Confirm your comment on “{comment.article.title}”",
        template="confirm_comment",
        context={
            "comment": comment,
            "article_url": settings.SITE_URL + comment.article.get_absolute_url(),
            "confirm_url": confirmation_url(comment),
            "link_hours": settings.MAIL_LINK_HOURS,
            "unconfirmed_days": settings.COMMENTS_UNCONFIRMED_DAYS,
        },
        # The same request's email is the same message however often a retry sends it; a new link asked for later
        # is a new message (mail clients drop a second message with an id they have seen).
        message_id=f"confirm-comment.{comment.pk}.{requested}",
    )
    try:
        sent = sending.send([message])
    except OSError as error:  # smtplib's errors included
        if retry_later(send_confirmation, attempt=attempt, kwargs={"comment_id": comment_id, "requested": requested}):
            logger.warning("A comment's confirmation email failed (attempt %s), retrying later: %s", attempt, error)
        raise
    return "sent" if sent else "address unsubscribed from everything"


def send_again(token: str, *, client: Client) -> tuple[str, bool]:
    """Send a new link for the comment an (expired) link was made for: (the address, whether within the limits).

    The same answer whether or not the comment still waits: the limits are counted before anything is looked up.
    """
    comment_id, email = read_link(token, expired_too=True)
    if not within_mail_limits("confirm", client=client, email=email):
        return email, False
    comment = comment_of_link(comment_id, email)
    if comment is not None and comment.status == UNCONFIRMED:
        ask_to_confirm(comment)
    return email, True


def send_own_again(comment: Comment, *, client: Client) -> bool:
    """Send a comment's link again, at its writer's request; False past the limits."""
    if not within_mail_limits("confirm", client=client, email=normalise(comment.author_email)):
        return False
    ask_to_confirm(comment)
    return True


@transaction.atomic
def confirm_comment(comment: Comment) -> bool:
    """Confirm a comment's address: the moderation rules decide its status now, as they would have at posting.
    False when it no longer waits for confirmation (confirmed already, or decided by a moderator): nothing changes.
    """
    comment = Comment.objects.select_for_update(of=("self",)).select_related("article").get(pk=comment.pk)
    if comment.status != UNCONFIRMED:
        return False
    submission = moderation.Submission(
        article_id=comment.article_id,
        body=comment.body,
        author_name=comment.author_name,
        email=comment.author_email,
        exclude_comment_id=comment.pk,
    )
    decision = moderation.decide(submission)
    comment.status = decision.status
    comment.save(update_fields=["status", "updated_at"])  # moves the page cache's discussion stamp (signals.py)
    ModerationEvent.objects.create(
        comment=comment,
        rule=decision.rule,
        from_status=UNCONFIRMED,
        to_status=comment.status,
        reason=f"Its writer confirmed the email address. {decision.reason}",
    )
    if comment.status == Comment.Status.PENDING:
        transaction.on_commit(notify_moderators, robust=True)
    elif comment.is_public:
        replies_approved([comment])  # a reply approved by the rules: its thread's subscribers are told
    return True


def delete_unconfirmed(*, days: int | None = None) -> int:
    """Delete the comments still unconfirmed after ``days`` (COMMENTS_UNCONFIRMED_DAYS); how many were deleted."""
    days = settings.COMMENTS_UNCONFIRMED_DAYS if days is None else days
    old = Comment.objects.unconfirmed().filter(created_at__lt=timezone.now() - timedelta(days=days))
    deleted = 0
    while ids := list(old.order_by("pk").values_list("pk", flat=True)[:500]):
        with transaction.atomic():
            _, by_model = Comment.objects.filter(pk__in=ids, status=UNCONFIRMED).delete()
        deleted += by_model.get(Comment._meta.label, 0)
    return deleted
