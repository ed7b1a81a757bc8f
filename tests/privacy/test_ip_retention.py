"""IP addresses of comments and reports are kept at most COMMENTS_IP_RETENTION_DAYS: `manage.py clear_comment_ips`."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command

from comments.models import Comment, CommentReport
from tests.utils.clock import ago
from tests.utils.factories import CommentFactory, CommentReportFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]


def clear() -> str:
    out = StringIO()
    call_command("clear_comment_ips", stdout=out)
    return out.getvalue()


def test_only_addresses_older_than_the_setting_are_cleared(settings):
    settings.COMMENTS_IP_RETENTION_DAYS = 30
    old = CommentFactory(created_at=ago(days=30, seconds=1), user_agent="Firefox")
    recent = CommentFactory(created_at=ago(days=29, hours=23))
    old_report = CommentReportFactory(comment=recent, created_at=ago(days=31))
    recent_report = CommentReportFactory(comment=recent, created_at=ago(days=1))

    assert clear() == "Cleared the IP addresses of 1 comments and 1 reports older than 30 days.\n"

    old.refresh_from_db()
    assert old.ip_address is None and old.user_agent == "Firefox" and old.body
    assert Comment.objects.get(pk=recent.pk).ip_address == "198.51.100.7"
    old_report.refresh_from_db()
    assert (old_report.ip_address, old_report.network) == (None, "")
    recent_report.refresh_from_db()
    assert recent_report.ip_address and recent_report.network == recent_report.ip_address


def test_running_it_again_changes_nothing_more(settings):
    settings.COMMENTS_IP_RETENTION_DAYS = 30
    CommentFactory(created_at=ago(days=40))
    CommentReportFactory(created_at=ago(days=40))
    clear()

    assert clear() == "Cleared the IP addresses of 0 comments and 0 reports older than 30 days.\n"


def test_the_setting_decides_how_long(settings, clock):
    settings.COMMENTS_IP_RETENTION_DAYS = 7
    comment = CommentFactory(created_at=ago(days=6))
    clear()
    assert Comment.objects.get(pk=comment.pk).ip_address

    clock.shift(timedelta(days=1, seconds=1))
    clear()

    assert Comment.objects.get(pk=comment.pk).ip_address is None


def test_a_cleared_report_no_longer_blocks_a_new_report_from_the_same_address(settings):
    settings.COMMENTS_IP_RETENTION_DAYS = 30
    report = CommentReportFactory(created_at=ago(days=31), ip_address="192.0.2.200", network="192.0.2.200")
    clear()

    CommentReport.objects.create(
        comment=report.comment, reporter_key="session:other", network="192.0.2.200", ip_address="192.0.2.200"
    )

    assert report.comment.reports.count() == 2
