"""The confirmation email of a follow, sent by the task queue: never from the request."""

import logging

from django.conf import settings
from django.tasks import task

from mailing.messages import compose
from mailing.sending import send
from taskqueue.retries import retry_later

from .confirmations import confirmation_url
from .models import TARGET_MODELS, Frequency, Kind, name_of, url_of

logger = logging.getLogger(__name__)


@task
def send_confirmation(email: str, kind: str, target_id: int, frequency: str, attempt: int = 1) -> str:
    """Mail the link that confirms the follow. Sent twice (a retry after a cut-off connection), it is the same
    harmless link twice; nothing goes to an address unsubscribed from everything."""
    target = TARGET_MODELS[Kind(kind)].objects.filter(pk=target_id).first()
    if target is None:
        return "gone"
    request = {"email": email, "kind": kind, "target_id": target_id, "frequency": frequency}
    context = {
        "name": name_of(target),
        "target_url": settings.SITE_URL + url_of(target),
        "frequency": Frequency(frequency).label.lower(),
        "confirm_url": confirmation_url(**request),
        "hours": settings.MAIL_LINK_HOURS,
    }
    message = compose(
        to=email, subject=f"Confirm: follow {context['name']}", template="follow_confirm", context=context
    )
    try:
        sent = send([message])
    except OSError as error:  # smtplib's errors included
        if retry_later(send_confirmation, attempt=attempt, kwargs=request):
            logger.warning("A follow's confirmation failed (attempt %s), retrying later: %s", attempt, error)
        raise
    return "sent" if sent else "not sent: the address unsubscribed from everything"
