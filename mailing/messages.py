"""One way to write an email to a reader: plain text and HTML from templates, and the headers mail clients read.

Templates: ``mail/<name>.txt`` and ``mail/<name>.html`` (both extend ``mail/base.*``); the first line of the text
template's output is not the subject: the subject is passed in. Every link in them is absolute (``SITE_URL``).
"""

from email.utils import make_msgid
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string

from .lists import unsubscribe_url


def site_host() -> str:
    return urlsplit(settings.SITE_URL).hostname or "localhost"


def compose(
    *,
    to: str | list[str],
    subject: str,
    template: str,
    context: dict,
    mailing_list: str | None = None,
    message_id: str = "",
) -> EmailMultiAlternatives:
    """An email to one reader (or to the moderators: a list, never with a ``mailing_list``).

    ``mailing_list`` ("thread:42"): the mail can be left, so it carries RFC 8058's one-click unsubscribe and a
    visible link. ``message_id``: a stable id for mail that must not arrive twice (a copy delivered again shows as
    the same message); a fresh one otherwise."""
    host = site_host()
    context = {"site_name": settings.SITE_NAME, "site_url": settings.SITE_URL, **context}
    headers = {
        "Message-ID": f"<{message_id}@{host}>" if message_id else make_msgid(domain=host),
        "Auto-Submitted": "auto-generated",  # RFC 3834: no vacation replies to us
        "X-Auto-Response-Suppress": "All",  # the same, for Exchange
    }
    if mailing_list:
        assert isinstance(to, str), "a list's unsubscribe link is personal: one recipient per message"
        context["unsubscribe_url"] = link = unsubscribe_url(to, mailing_list)
        kind = mailing_list.partition(":")[0]
        headers |= {
            "List-Id": f"{settings.SITE_NAME} {kind} <{kind}.{host}>",
            "List-Unsubscribe": f"<{link}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        }
    message = EmailMultiAlternatives(
        subject=f"[{settings.SITE_NAME}] {subject}",
        body=render_to_string(f"mail/{template}.txt", context),
        to=[to] if isinstance(to, str) else to,
        headers=headers,
    )
    message.attach_alternative(render_to_string(f"mail/{template}.html", context), "text/html")
    return message
