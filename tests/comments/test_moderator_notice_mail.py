"""The moderators' summary is an email like every other the site sends: both parts, absolute links, and marked as
sent automatically."""

import pytest

from comments.notifications import send_moderator_notice
from tests.utils.factories import CommentFactory
from tests.utils.mail import html_of, text_of

pytestmark = pytest.mark.django_db


def test_the_summary_has_text_and_html_parts_with_absolute_links_to_the_queue(mail_server, settings):
    settings.COMMENTS_MODERATOR_EMAILS = ["mods@example.com", "lead@example.com"]
    settings.SITE_URL = "https://soundtrack.example"
    CommentFactory(status="pending")

    assert send_moderator_notice.enqueue(period_start="2026-06-01T12:00:00+00:00").return_value == "sent"

    [message] = mail_server.emails()
    queue = "https://soundtrack.example/admin/comments/comment/?status__exact=pending"
    assert message["To"] == "mods@example.com, lead@example.com"
    assert message["Subject"] == f"[{settings.SITE_NAME}] 1 comment awaiting moderation"
    assert f"- 1 comment awaiting moderation: {queue}" in text_of(message)
    assert f'<a href="{queue}">1 comment awaiting moderation</a>' in html_of(message)
    assert message["Auto-Submitted"] == "auto-generated"
    assert message["Message-ID"] == "<moderator-notice.20260601T1200@soundtrack.example>"
    assert message["List-Unsubscribe"] is None  # staff mail: moderators stop it by leaving the group
