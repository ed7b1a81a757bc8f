"""The email that answers a request made on the privacy page: a link to download or to erase, sent only when
something is kept about the address (the page answers the same either way), never from the request itself."""

import logging

from django.conf import settings
from django.tasks import task

from mailing.messages import compose
from mailing.sending import send
from taskqueue.retries import retry_later

from .services import ERASE, EXPORT, holds_anything, link

logger = logging.getLogger(__name__)

SUBJECTS = {
    "export": "Your data: the download you asked for",
    "erase": "Erase your data: confirm it",
}


@task
def send_request_link(email: str, what: str, attempt: int = 1) -> str:
    """``what``: "export" or "erase". Nothing is sent when nothing is kept about the address, or when it
    unsubscribed from everything. A refused or failed send is tried again later: a second copy of a link does no
    harm."""
    if not holds_anything(email):
        return "nothing held"
    message = compose(
        to=email,
        subject=SUBJECTS[what],
        template=f"privacy_{what}",
        context={
            "email": email,
            "link": link(EXPORT if what == "export" else ERASE, email),
            "hours": settings.MAIL_LINK_HOURS,
        },
    )
    try:
        sent = send([message])
    except OSError as error:  # smtplib's errors included
        if retry_later(send_request_link, attempt=attempt, kwargs={"email": email, "what": what}):
            logger.warning("A privacy link failed to send (attempt %s), retrying later: %s", attempt, error)
        raise
    return "sent" if sent else "unsubscribed from everything"
