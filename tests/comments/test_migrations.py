"""The data step of the migration that counts reports by address, run on rows as an older release left them."""

import importlib

import pytest
from django.apps import apps
from django.utils import timezone

from comments.models import Comment, CommentReport, ModerationEvent
from tests.utils.factories import CommentFactory, moderator

pytestmark = pytest.mark.django_db

reports_by_address = importlib.import_module("comments.migrations.0004_reports_by_address")


def old_report(comment: Comment, ip: str | None, key: str) -> CommentReport:
    return CommentReport.objects.create(comment=comment, reporter_key=key, ip_address=ip, network="")


def test_each_address_keeps_its_first_report_on_a_comment_the_rest_stay_uncounted():
    comment, other = CommentFactory(), CommentFactory()
    first = old_report(comment, "203.0.113.7", "session:a")
    second = old_report(comment, "203.0.113.7", "session:b")  # the scan's trick: a new session, the same address
    ipv6 = old_report(comment, "2001:db8::1", "session:c")
    same_network = old_report(comment, "2001:db8::2", "session:d")
    elsewhere = old_report(other, "203.0.113.7", "session:e")
    unknown = old_report(other, None, "session:f")

    reports_by_address.fill_in(apps, None)

    networks = dict(CommentReport.objects.values_list("pk", "network"))
    assert [networks[r.pk] for r in (first, second, ipv6, same_network, elsewhere, unknown)] == [
        "203.0.113.7",
        "",
        "2001:db8::/64",
        "",
        "203.0.113.7",
        "unknown",
    ]


def test_comments_whose_last_decision_was_a_moderators_approval_count_as_reviewed():
    person = moderator()
    decided = timezone.now() - timezone.timedelta(days=2)
    approved = CommentFactory()
    ModerationEvent.objects.create(
        comment=approved, actor=person, from_status="pending", to_status="approved", created_at=decided
    )
    by_rule = CommentFactory()
    ModerationEvent.objects.create(comment=by_rule, rule="known_commenter", to_status="approved", created_at=decided)
    edited_since = CommentFactory(edited_at=timezone.now())
    ModerationEvent.objects.create(comment=edited_since, actor=person, to_status="approved", created_at=decided)

    reports_by_address.fill_in(apps, None)

    reviewed = dict(Comment.objects.values_list("pk", "reviewed_at"))
    assert [reviewed[c.pk] for c in (approved, by_rule, edited_since)] == [decided, None, None]
