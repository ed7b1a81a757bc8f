"""The discussion's write paths: posting, editing, deleting, reporting, moderating, and their side effects.

Everything runs against the real database and the real (local-memory) cache; time is moved with time_machine.
"""

import ipaddress
import itertools
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.core.cache import caches
from django.utils import timezone

from articles.models import Article
from comments.models import Comment, CommentReport, ModerationEvent
from comments.notifications import notify_moderators
from comments.services import (
    CommentRefused,
    create_comment,
    edit_comment,
    moderate,
    report_comment,
    withdraw_comment,
)
from tests.utils.factories import ArticleFactory, CommentFactory, FeaturedTrackFactory, UserFactory, moderator
from throttling.clients import Client

pytestmark = pytest.mark.django_db

NOW = timezone.datetime(2026, 6, 1, 12, 0, 30, tzinfo=timezone.UTC)
PENDING, APPROVED = Comment.Status.PENDING, Comment.Status.APPROVED
REJECTED, SPAM = Comment.Status.REJECTED, Comment.Status.SPAM
KNOWN_EMAIL = "regular@example.com"
THREE_LINKS = "https://a.example https://b.example https://c.example"

_sequence = itertools.count(1)


def post(article: Article, **overrides) -> Comment:
    """Post as a fresh reader from a fresh address, unless told otherwise."""
    n = next(_sequence)
    fields = {
        "article": article,
        "author_name": f"Reader {n}",
        "email": f"reader{n}@example.com",
        "body": f"Comment {n}: the second cue is the best thing in the film.",
        "client": Client(ip_address=str(ipaddress.ip_address("10.0.0.0") + n), user_agent="Firefox"),
        "form_age": timedelta(seconds=30),
    } | overrides
    return create_comment(**fields)


def report_from_somewhere_else(comment: Comment, reason: str = CommentReport.Reason.ABUSE, **overrides) -> bool:
    """Report as a fresh reader from a fresh address, unless told otherwise."""
    n = next(_sequence)
    fields = {
        "reporter_key": f"session:{n}",
        "reason": reason,
        "client": Client(ip_address=str(ipaddress.ip_address("198.51.100.0") + n)),
    } | overrides
    return report_comment(comment, **fields)


def refusal(**kwargs) -> CommentRefused:
    with pytest.raises(CommentRefused) as refused:
        post(**kwargs)
    return refused.value


def events(comment: Comment) -> list[tuple]:
    """The comment's history, oldest first."""
    return list(
        ModerationEvent.objects.filter(comment=comment)
        .order_by("created_at", "pk")
        .values_list("rule", "from_status", "to_status")
    )


@pytest.fixture
def article():
    return ArticleFactory(publish_at=NOW - timedelta(days=1))


@pytest.fixture
def known_commenter():
    return CommentFactory(author_email=KNOWN_EMAIL)


@pytest.fixture
def moderators_email(settings):
    settings.COMMENTS_MODERATOR_EMAILS = ["mods@example.com"]
    return "mods@example.com"


class TestPosting:
    def test_a_comment_keeps_what_the_reader_sent_and_renders_its_body(self, article):
        track = FeaturedTrackFactory(article=article)
        reader = UserFactory()

        comment = post(
            article,
            author_name="Ada",
            email="ada@example.com",
            body="The *strings* in the finale!",
            favourite_track=track,
            user=reader,
            client=Client(ip_address="203.0.113.9", user_agent="x" * 400),
        )

        comment.refresh_from_db()
        assert (comment.author_name, comment.author_email, comment.user, comment.favourite_track) == (
            "Ada",
            "ada@example.com",
            reader,
            track,
        )
        assert comment.body_html == "<p>The <em>strings</em> in the finale!</p>"
        assert comment.ip_address == "203.0.113.9"
        assert comment.user_agent == "x" * 300

    def test_a_track_featured_in_another_article_is_refused(self, article):
        elsewhere = FeaturedTrackFactory()

        assert refusal(article=article, favourite_track=elsewhere).code == "bad_track"
        assert not Comment.objects.exists()


class TestThreading:
    def test_a_top_level_comment_starts_a_thread(self, article):
        comment = post(article)

        assert (comment.parent, comment.thread, comment.depth) == (None, None, 0)

    def test_replies_nest_under_their_parent_and_belong_to_the_top_level_thread(self, article):
        top = CommentFactory(article=article)
        first_reply = CommentFactory(parent=top)

        reply = post(article, parent=top)
        reply_to_reply = post(article, parent=first_reply)

        assert (reply.parent, reply.thread, reply.depth) == (top, top, 1)
        assert (reply_to_reply.parent, reply_to_reply.thread, reply_to_reply.depth) == (first_reply, top, 2)

    def test_a_reply_past_the_maximum_depth_is_attached_at_the_deepest_allowed_level(self, article, settings):
        assert settings.COMMENTS_MAX_DEPTH == 3  # three levels: depths 0, 1 and 2
        top = CommentFactory(article=article)
        middle = CommentFactory(parent=top)
        deepest = CommentFactory(parent=middle)

        reply = post(article, parent=deepest)

        assert (reply.parent, reply.thread, reply.depth) == (middle, top, 2)
        assert list(middle.replies.order_by("pk")) == [deepest, reply]

    def test_the_maximum_depth_follows_the_setting(self, article, settings):
        settings.COMMENTS_MAX_DEPTH = 5
        chain = [CommentFactory(article=article)]
        for _ in range(4):
            chain.append(CommentFactory(parent=chain[-1]))

        reply = post(article, parent=chain[3])
        too_deep = post(article, parent=chain[4])

        assert (reply.parent, reply.depth) == (chain[3], 4)
        assert (too_deep.parent, too_deep.thread, too_deep.depth) == (chain[3], chain[0], 4)

    def test_with_a_maximum_depth_of_two_a_reply_to_a_reply_joins_the_top_comment(self, article, settings):
        settings.COMMENTS_MAX_DEPTH = 2
        top = CommentFactory(article=article)
        reply = CommentFactory(parent=top)

        answer = post(article, parent=reply)

        assert (answer.parent, answer.thread, answer.depth) == (top, top, 1)

    def test_with_a_maximum_depth_of_one_every_reply_starts_a_thread(self, article, settings):
        settings.COMMENTS_MAX_DEPTH = 1
        top = CommentFactory(article=article)

        answer = post(article, parent=top)

        assert (answer.parent, answer.thread, answer.depth) == (None, None, 0)

    @pytest.mark.parametrize("status", [PENDING, REJECTED, SPAM])
    def test_a_reply_to_a_comment_that_is_not_public_is_refused(self, article, status):
        hidden = CommentFactory(article=article, status=status)

        refused = refusal(article=article, parent=hidden)

        assert refused.code == "bad_parent"
        assert refused.message == "The comment you are replying to is not available."
        assert Comment.objects.count() == 1

    def test_a_reply_to_another_articles_comment_is_refused(self, article):
        elsewhere = CommentFactory(article=ArticleFactory())

        assert refusal(article=article, parent=elsewhere).code == "bad_parent"
        assert Comment.objects.count() == 1


class TestEventsOfNewComments:
    @pytest.mark.parametrize(
        ("overrides", "status", "rule"),
        [
            ({}, PENDING, "first_comment"),
            ({"email": KNOWN_EMAIL}, APPROVED, "known_commenter"),
            ({"email": KNOWN_EMAIL, "body": THREE_LINKS}, PENDING, "too_many_links"),
            ({"email": KNOWN_EMAIL, "honeypot": "filled"}, SPAM, "honeypot"),
            ({"email": KNOWN_EMAIL, "form_age": timedelta(days=2)}, SPAM, "form_expired"),
            ({"body": "cheap viagra"}, SPAM, "block_list"),
            ({"body": "https://files.example/suite.flac"}, SPAM, "file_link"),
        ],
    )
    def test_every_decision_is_recorded_with_its_rule_and_the_statuses(
        self, article, known_commenter, overrides, status, rule
    ):
        comment = post(article, **overrides)

        assert comment.status == status
        event = ModerationEvent.objects.get(comment=comment)
        assert (event.rule, event.from_status, event.to_status, event.actor) == (rule, "", status, None)
        assert event.reason

    def test_a_moderation_term_is_recorded_as_the_reason(self, article, known_commenter, settings):
        settings.COMMENTS_MODERATION_TERMS = ["bootleg"]

        comment = post(article, email=KNOWN_EMAIL, body="Is there a bootleg?")

        event = comment.events.get()
        assert (event.rule, event.to_status) == ("moderation_list", PENDING)
        assert event.reason == "Contains the term “bootleg” from the moderation list."


class TestRateLimits:
    def test_a_sixth_comment_from_one_address_within_a_minute_is_refused(self, article, settings):
        assert (settings.COMMENTS_RATE_LIMIT, settings.COMMENTS_RATE_LIMIT_WINDOW_SECONDS) == (5, 60)
        same_address = Client(ip_address="203.0.113.5")
        with time_machine.travel(NOW, tick=False):
            for _ in range(5):
                post(article, client=same_address)

            refused = refusal(article=article, client=same_address)

        assert refused.code == "rate_limited"
        assert refused.message.startswith("You are commenting too quickly: at most 5 comments every 60 seconds")
        assert Comment.objects.count() == 5

    def test_a_sixth_comment_from_one_email_within_a_minute_is_refused_whatever_the_address(self, article):
        with time_machine.travel(NOW, tick=False):
            for _ in range(5):
                post(article, email="busy@example.com")

            refused = refusal(article=article, email="Busy@Example.com ")

        assert refused.code == "rate_limited"
        assert Comment.objects.count() == 5

    def test_other_readers_are_not_limited_by_one_busy_reader(self, article):
        busy = Client(ip_address="203.0.113.5")
        with time_machine.travel(NOW, tick=False):
            for _ in range(5):
                post(article, client=busy)

            assert post(article, client=Client(ip_address="203.0.113.6")).pk

    def test_the_next_window_accepts_comments_again(self, article):
        same_address = Client(ip_address="203.0.113.5")
        with time_machine.travel(NOW, tick=False) as clock:
            for _ in range(5):
                post(article, client=same_address)
            assert refusal(article=article, client=same_address).code == "rate_limited"

            clock.shift(timedelta(seconds=60))

            assert post(article, client=same_address).pk

    def test_the_counts_live_in_the_shared_cache(self, article):
        same_address = Client(ip_address="203.0.113.5")
        with time_machine.travel(NOW, tick=False):
            for _ in range(5):
                post(article, client=same_address)
            assert refusal(article=article, client=same_address).code == "rate_limited"

            caches["ratelimit"].clear()

            assert post(article, client=same_address).pk

    def test_the_limit_and_window_follow_the_settings(self, article, settings):
        settings.COMMENTS_RATE_LIMIT = 2
        settings.COMMENTS_RATE_LIMIT_WINDOW_SECONDS = 600
        same_address = Client(ip_address="203.0.113.5")
        with time_machine.travel(NOW, tick=False) as clock:
            post(article, client=same_address)
            post(article, client=same_address)
            clock.shift(timedelta(minutes=5))

            refused = refusal(article=article, client=same_address)

        assert refused.code == "rate_limited"
        assert "at most 2 comments every 600 seconds" in refused.message


class TestDuplicates:
    def test_the_same_authors_repeated_comment_is_refused(self, article):
        post(article, email="ada@example.com", body="What a score.")

        refused = refusal(article=article, email="ADA@example.com", body="What a score.")

        assert (refused.code, refused.message) == ("duplicate", "You have already posted this comment here.")
        assert Comment.objects.count() == 1

    def test_the_same_words_from_another_author_or_on_another_article_are_fine(self, article):
        post(article, email="ada@example.com", body="What a score.")

        post(article, email="grace@example.com", body="What a score.")
        post(ArticleFactory(), email="ada@example.com", body="What a score.")

        assert Comment.objects.count() == 3

    def test_a_repeat_after_the_duplicate_window_is_fine(self, article, settings):
        settings.COMMENTS_DUPLICATE_WINDOW_MINUTES = 60
        with time_machine.travel(NOW, tick=False) as clock:
            post(article, email="ada@example.com", body="What a score.")
            clock.shift(timedelta(minutes=59))
            assert refusal(article=article, email="ada@example.com", body="What a score.").code == "duplicate"

            clock.shift(timedelta(minutes=2))
            post(article, email="ada@example.com", body="What a score.")

        assert Comment.objects.count() == 2


class TestRepeatedSubmissions:
    def test_the_same_form_posted_twice_makes_one_comment(self, article):
        first = post(article, submission_token="f00d")
        again = post(article, submission_token="f00d", body="A different body from a retried request.")

        assert again.pk == first.pk
        assert Comment.objects.count() == 1
        assert ModerationEvent.objects.count() == 1

    def test_a_retried_form_does_not_use_up_the_rate_limit(self, article, settings):
        settings.COMMENTS_RATE_LIMIT = 1
        same_address = Client(ip_address="203.0.113.5")
        with time_machine.travel(NOW, tick=False):
            first = post(article, client=same_address, submission_token="f00d")

            assert post(article, client=same_address, submission_token="f00d") == first


class TestClosedArticles:
    def test_an_article_whose_editor_closed_comments_refuses_them(self):
        closed = ArticleFactory(comments_open=False)

        refused = refusal(article=closed)

        assert (refused.code, refused.message) == ("closed", "Comments are closed on this article.")
        assert not Comment.objects.exists()

    def test_an_unpublished_article_refuses_comments(self):
        draft = ArticleFactory(status=Article.Status.DRAFT, publish_at=None)

        assert refusal(article=draft).code == "closed"

    def test_comments_close_the_set_number_of_days_after_publication(self, settings):
        settings.COMMENTS_CLOSE_AFTER_DAYS = 30
        article = ArticleFactory(publish_at=NOW)

        with time_machine.travel(NOW + timedelta(days=29, hours=23), tick=False):
            assert post(article).pk
        with time_machine.travel(NOW + timedelta(days=30, seconds=1), tick=False):
            assert refusal(article=article).code == "closed"

    def test_by_default_comments_never_close_by_age(self, settings):
        assert settings.COMMENTS_CLOSE_AFTER_DAYS == 0
        article = ArticleFactory(publish_at=NOW - timedelta(days=3650))

        with time_machine.travel(NOW, tick=False):
            assert post(article).pk


class TestEditing:
    def test_an_approved_comment_edited_to_contain_a_moderation_term_goes_back_to_the_queue(
        self, article, known_commenter, settings, moderators_email, django_capture_on_commit_callbacks
    ):
        settings.COMMENTS_MODERATION_TERMS = ["bootleg"]
        with time_machine.travel(NOW, tick=False) as clock:
            comment = post(article, email=KNOWN_EMAIL, body="Lovely score.")
            assert comment.status == APPROVED
            clock.shift(timedelta(minutes=5))

            with django_capture_on_commit_callbacks(execute=True):
                edit_comment(comment, body="Lovely score. Anyone got a *bootleg*?", favourite_track=None)

        comment.refresh_from_db()
        assert comment.status == PENDING
        assert comment.body_html == "<p>Lovely score. Anyone got a <em>bootleg</em>?</p>"
        assert comment.edited_at == NOW + timedelta(minutes=5)
        assert events(comment) == [("known_commenter", "", APPROVED), ("moderation_list", APPROVED, PENDING)]
        assert comment.events.first().reason.startswith("After an edit: Contains the term “bootleg”")
        assert len(mail.outbox) == 1

    def test_an_edit_that_keeps_the_status_records_no_event(self, article, known_commenter):
        comment = post(article, email=KNOWN_EMAIL, body="Lovely score.")
        track = FeaturedTrackFactory(article=article)

        edit_comment(comment, body="Lovely score, especially the **finale**.", favourite_track=track)

        comment.refresh_from_db()
        assert (comment.status, comment.favourite_track) == (APPROVED, track)
        assert comment.body == "Lovely score, especially the **finale**."
        assert events(comment) == [("known_commenter", "", APPROVED)]

    def test_an_edit_to_blocked_words_turns_the_comment_into_spam(self, article, known_commenter):
        comment = post(article, email=KNOWN_EMAIL)

        edit_comment(comment, body="Buy viagra", favourite_track=None)

        assert events(comment)[-1] == ("block_list", APPROVED, SPAM)

    def test_a_first_comment_approved_by_a_moderator_goes_back_to_the_queue_when_edited(self, article):
        # The comment cannot vouch for its own edit: otherwise it could be approved and then rewritten.
        comment = post(article)
        moderate(Comment.objects.filter(pk=comment.pk), to_status=APPROVED, actor=moderator())
        comment.refresh_from_db()

        edit_comment(comment, body="Changed my mind about the finale.", favourite_track=None)

        assert comment.status == PENDING
        assert events(comment)[-1] == ("first_comment", APPROVED, PENDING)

    def test_a_comment_that_reports_sent_back_for_review_stays_in_the_queue_when_its_author_edits_it(
        self, article, known_commenter
    ):
        comment = post(article, email=KNOWN_EMAIL, body="Something rude about the composer.")
        for _ in range(3):
            report_from_somewhere_else(comment)

        edit_comment(comment, body="Something rude about the composer!", favourite_track=None)

        comment.refresh_from_db()
        assert comment.status == PENDING
        assert events(comment) == [("known_commenter", "", APPROVED), ("reports", APPROVED, PENDING)]

    def test_a_held_comment_edited_to_pass_the_rules_still_waits_for_a_moderator(self, article, known_commenter):
        comment = post(article, email=KNOWN_EMAIL, body=THREE_LINKS)
        assert comment.status == PENDING

        edit_comment(comment, body="No links after all.", favourite_track=None)

        comment.refresh_from_db()
        assert (comment.status, comment.body) == (PENDING, "No links after all.")
        assert len(events(comment)) == 1

    def test_a_comment_can_be_edited_until_the_window_closes(self, article, settings):
        assert settings.COMMENTS_EDIT_WINDOW_MINUTES == 15
        with time_machine.travel(NOW, tick=False) as clock:
            comment = post(article)
            clock.shift(timedelta(minutes=15))
            edit_comment(comment, body="Edited in time.", favourite_track=None)

            clock.shift(timedelta(seconds=1))
            with pytest.raises(CommentRefused) as refused:
                edit_comment(comment, body="Edited too late.", favourite_track=None)

        assert refused.value.code == "edit_window_closed"
        assert refused.value.message == "Comments can be changed for 15 minutes after posting."
        comment.refresh_from_db()
        assert comment.body == "Edited in time."

    def test_the_edit_window_follows_the_setting(self, article, settings):
        settings.COMMENTS_EDIT_WINDOW_MINUTES = 60
        with time_machine.travel(NOW, tick=False) as clock:
            comment = post(article)
            clock.shift(timedelta(minutes=59))
            assert comment.can_still_edit()
            clock.shift(timedelta(minutes=2))
            assert not comment.can_still_edit()

    @pytest.mark.parametrize("status", [REJECTED, SPAM])
    def test_a_rejected_or_spam_comment_cannot_be_edited(self, article, status):
        comment = CommentFactory(article=article, status=status)

        with pytest.raises(CommentRefused) as refused:
            edit_comment(comment, body="Let me back in.", favourite_track=None)

        assert refused.value.code == "edit_window_closed"


class TestWithdrawing:
    def test_a_withdrawn_comment_leaves_the_page_but_keeps_its_history(self, article, known_commenter):
        comment = post(article, email=KNOWN_EMAIL)

        withdraw_comment(comment)

        comment.refresh_from_db()
        assert comment.status == REJECTED
        assert not Comment.objects.approved().filter(pk=comment.pk).exists()
        assert events(comment)[-1] == ("author_deleted", APPROVED, REJECTED)

    def test_a_comment_cannot_be_withdrawn_after_the_window(self, article):
        with time_machine.travel(NOW, tick=False) as clock:
            comment = post(article)
            clock.shift(timedelta(minutes=16))

            with pytest.raises(CommentRefused) as refused:
                withdraw_comment(comment)

        assert refused.value.code == "edit_window_closed"
        comment.refresh_from_db()
        assert comment.status == PENDING


class TestReports:
    def test_a_reader_can_report_a_comment_only_once(self, article):
        comment = CommentFactory(article=article)

        first = report_from_somewhere_else(comment, reporter_key="session:abc", reason=CommentReport.Reason.SPAM)
        again = report_from_somewhere_else(comment, reporter_key="session:abc", reason=CommentReport.Reason.ABUSE)

        assert (first, again) == (True, False)
        comment.refresh_from_db()
        assert comment.report_count == 1
        assert CommentReport.objects.filter(comment=comment).count() == 1

    def test_an_address_can_report_a_comment_only_once_whatever_session_it_claims(self, article):
        comment = CommentFactory(article=article)
        same_machine = Client(ip_address="203.0.113.7")

        outcomes = [
            report_from_somewhere_else(comment, reporter_key=f"session:{n}", client=same_machine) for n in range(3)
        ]

        assert outcomes == [True, False, False]
        comment.refresh_from_db()
        assert (comment.status, comment.report_count) == (APPROVED, 1)
        assert list(comment.reports.values_list("network", flat=True)) == ["203.0.113.7"]

    def test_an_ipv6_network_counts_as_one_address(self, article):
        comment = CommentFactory(article=article)
        addresses = ["2001:db8:1:2::1", "2001:db8:1:2:ffff::9", "::ffff:192.0.2.33", "192.0.2.33"]

        outcomes = [report_from_somewhere_else(comment, client=Client(ip_address=ip)) for ip in addresses]

        assert outcomes == [True, False, True, False]  # the third is an IPv4 address written as IPv6
        assert sorted(comment.reports.values_list("network", flat=True)) == ["192.0.2.33", "2001:db8:1:2::/64"]

    def test_the_third_address_sends_an_approved_comment_back_for_review(
        self, article, moderators_email, django_capture_on_commit_callbacks, settings
    ):
        assert settings.COMMENTS_REPORTS_TO_REVIEW == 3
        comment = CommentFactory(article=article)
        for _ in range(2):
            report_from_somewhere_else(comment)
        comment.refresh_from_db()
        assert comment.status == APPROVED

        with django_capture_on_commit_callbacks(execute=True):
            report_from_somewhere_else(comment, reporter_key="user:7", note="Rude.")

        comment.refresh_from_db()
        assert (comment.status, comment.report_count) == (PENDING, 3)
        assert events(comment) == [("reports", APPROVED, PENDING)]
        assert comment.events.get().reason == "Reported from 3 addresses."
        assert len(mail.outbox) == 1

    def test_further_reports_on_a_comment_already_in_review_record_no_event(self, article):
        comment = CommentFactory(article=article)
        for _ in range(5):
            report_from_somewhere_else(comment, reason=CommentReport.Reason.SPAM)

        comment.refresh_from_db()
        assert (comment.status, comment.report_count) == (PENDING, 5)
        assert len(events(comment)) == 1

    def test_the_number_of_reports_follows_the_setting(self, article, settings):
        settings.COMMENTS_REPORTS_TO_REVIEW = 1
        comment = CommentFactory(article=article)

        report_from_somewhere_else(comment, reason=CommentReport.Reason.SPOILER)

        comment.refresh_from_db()
        assert comment.status == PENDING

    def test_a_setting_of_zero_never_sends_a_comment_back(self, article, settings):
        settings.COMMENTS_REPORTS_TO_REVIEW = 0
        comment = CommentFactory(article=article)
        for _ in range(5):
            report_from_somewhere_else(comment, reason=CommentReport.Reason.SPAM)

        comment.refresh_from_db()
        assert (comment.status, comment.report_count) == (APPROVED, 5)
        assert not comment.events.exists()

    def test_reports_made_before_addresses_were_counted_do_not_count_towards_the_threshold(self, article):
        comment = CommentFactory(article=article)
        for n in range(2):
            CommentReport.objects.create(comment=comment, reporter_key=f"session:old{n}", network="")
        Comment.objects.filter(pk=comment.pk).update(report_count=2)

        report_from_somewhere_else(comment)

        comment.refresh_from_db()
        assert (comment.status, comment.report_count) == (APPROVED, 3)

    def test_an_address_that_reports_too_often_is_refused(self, article, settings):
        settings.COMMENTS_REPORT_RATE_LIMIT = 2
        comments = CommentFactory.create_batch(3, article=article)
        busy = Client(ip_address="203.0.113.50")

        report_from_somewhere_else(comments[0], client=busy)
        report_from_somewhere_else(comments[1], client=busy)
        with pytest.raises(CommentRefused) as refused:
            report_from_somewhere_else(comments[2], client=busy)

        assert refused.value.code == "rate_limited"
        assert "at most 2 every 60 minutes" in refused.value.message
        assert not comments[2].reports.exists()
        assert report_from_somewhere_else(comments[2]) is True  # another address is not held back

    def test_reports_wait_while_the_rate_limit_store_is_down(self, article, settings):
        settings.CACHES = settings.CACHES | {
            "ratelimit": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:1"}
        }
        comment = CommentFactory(article=article)

        with pytest.raises(CommentRefused) as refused:
            report_from_somewhere_else(comment)

        assert refused.value.code == "unavailable"
        assert not comment.reports.exists()


class TestReportsAfterAModeratorsApproval:
    """A moderator's approval is a decision readers' reports cannot overturn: three addresses (or a thousand) can
    still take an unreviewed comment off the page until a moderator looks, but not one a moderator approved."""

    def reported_back_to_the_queue(self, article) -> Comment:
        comment = CommentFactory(article=article)
        for _ in range(3):
            report_from_somewhere_else(comment)
        comment.refresh_from_db()
        assert comment.status == PENDING
        return comment

    def test_a_comment_a_moderator_approved_stays_public_however_many_addresses_report_it(
        self, article, moderators_email, django_capture_on_commit_callbacks, settings
    ):
        comment = self.reported_back_to_the_queue(article)
        moderate(Comment.objects.filter(pk=comment.pk), to_status=APPROVED, actor=moderator())
        mail.outbox.clear()
        cache_of_notices = caches["default"]
        cache_of_notices.clear()

        with django_capture_on_commit_callbacks(execute=True):
            for _ in range(10):
                report_from_somewhere_else(comment)

        comment.refresh_from_db()
        assert (comment.status, comment.report_count) == (APPROVED, 13)
        assert events(comment)[-1] == ("reports", APPROVED, APPROVED)
        assert len(events(comment)) == 3  # sent back, approved, reported again: once
        assert comment.events.first().reason.startswith("Reported from 3 addresses since a moderator approved it")
        assert list(Comment.objects.reported_since_review()) == [comment]
        assert len(mail.outbox) == 1
        assert mail.outbox[0].subject == f"[{settings.SITE_NAME}] 1 approved comment reported again"
        assert "/admin/comments/comment/?reported=again" in mail.outbox[0].body

    def test_fewer_addresses_than_the_threshold_since_the_approval_ask_nothing(self, article):
        comment = self.reported_back_to_the_queue(article)
        moderate(Comment.objects.filter(pk=comment.pk), to_status=APPROVED, actor=moderator())

        for _ in range(2):
            report_from_somewhere_else(comment)

        assert events(comment)[-1] == ("", PENDING, APPROVED)
        assert list(Comment.objects.reported_since_review()) == [comment]  # but the queue shows them

    def test_approving_it_again_dismisses_the_new_reports_and_records_who_did(self, article):
        person = moderator()
        with time_machine.travel(NOW, tick=False) as clock:
            comment = self.reported_back_to_the_queue(article)
            moderate(Comment.objects.filter(pk=comment.pk), to_status=APPROVED, actor=person)
            clock.shift(timedelta(minutes=5))
            report_from_somewhere_else(comment)
            clock.shift(timedelta(minutes=5))

            kept = moderate(Comment.objects.filter(pk=comment.pk), to_status=APPROVED, actor=person)

        assert kept == 1
        assert not Comment.objects.reported_since_review().exists()
        last = comment.events.first()
        assert (last.actor, last.from_status, last.to_status) == (person, APPROVED, APPROVED)
        assert last.reason == "Kept on the page after readers' reports."

    def test_the_authors_edit_makes_reports_count_again(self, article):
        with time_machine.travel(NOW, tick=False):
            comment = post(article, email=KNOWN_EMAIL)
            moderate(Comment.objects.filter(pk=comment.pk), to_status=APPROVED, actor=moderator())
            comment.refresh_from_db()

            edit_comment(comment, body="Now something the moderator never read.", favourite_track=None)
            for _ in range(3):
                report_from_somewhere_else(comment)

        comment.refresh_from_db()
        assert comment.reviewed_at is None
        assert comment.status == PENDING

    def test_a_comment_approved_by_a_rule_is_not_reviewed(self, article, known_commenter):
        comment = post(article, email=KNOWN_EMAIL)

        assert (comment.status, comment.reviewed_at) == (APPROVED, None)


class TestModerate:
    def test_a_bulk_decision_changes_each_comment_and_records_who_made_it(self, article):
        person = moderator()
        pending = CommentFactory(article=article, status=PENDING)
        spam = CommentFactory(article=article, status=SPAM)
        already = CommentFactory(article=article, status=APPROVED)

        changed = moderate(
            Comment.objects.filter(article=article), to_status=APPROVED, actor=person, reason="Looks fine."
        )

        assert changed == 2
        assert set(Comment.objects.values_list("status", flat=True)) == {APPROVED}
        assert sorted(
            ModerationEvent.objects.values_list("comment", "actor", "rule", "from_status", "to_status", "reason")
        ) == sorted(
            [
                (pending.pk, person.pk, "", PENDING, APPROVED, "Looks fine."),
                (spam.pk, person.pk, "", SPAM, APPROVED, "Looks fine."),
            ]
        )
        assert not already.events.exists()

    def test_a_decision_that_changes_nothing_records_nothing(self, article):
        CommentFactory(article=article, status=REJECTED)

        assert moderate(Comment.objects.all(), to_status=REJECTED, actor=moderator()) == 0
        assert not ModerationEvent.objects.exists()


class TestModeratorEmail:
    def test_a_held_comment_emails_the_moderators_once_the_transaction_commits(
        self, article, moderators_email, django_capture_on_commit_callbacks, settings
    ):
        with django_capture_on_commit_callbacks() as callbacks:
            post(article)
            assert mail.outbox == []

        assert len(callbacks) == 1
        callbacks[0]()
        assert len(mail.outbox) == 1
        message = mail.outbox[0]
        assert message.to == [moderators_email]
        assert message.subject == f"[{settings.SITE_NAME}] 1 comment awaiting moderation"
        assert f"{settings.SITE_URL}/admin/comments/comment/?status__exact=pending" in message.body

    @pytest.mark.parametrize("overrides", [{"email": KNOWN_EMAIL}, {"honeypot": "filled"}])
    def test_approved_and_spam_comments_email_nobody(
        self, article, known_commenter, moderators_email, django_capture_on_commit_callbacks, overrides
    ):
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            post(article, **overrides)

        assert notify_moderators not in callbacks
        assert mail.outbox == []

    def test_a_flood_of_held_comments_sends_one_email(
        self, article, moderators_email, django_capture_on_commit_callbacks, settings
    ):
        assert settings.COMMENTS_NOTIFY_EVERY_MINUTES == 10
        with time_machine.travel(NOW, tick=False):
            for _ in range(20):
                with django_capture_on_commit_callbacks(execute=True):
                    post(article)

        assert Comment.objects.in_moderation().count() == 20
        assert len(mail.outbox) == 1

    def test_the_next_held_comment_after_the_pause_sends_a_new_summary(
        self, article, moderators_email, django_capture_on_commit_callbacks, settings
    ):
        with time_machine.travel(NOW, tick=False) as clock:
            for minutes in (0, 5, 9):
                clock.move_to(NOW + timedelta(minutes=minutes))
                with django_capture_on_commit_callbacks(execute=True):
                    post(article)
            assert len(mail.outbox) == 1

            clock.move_to(NOW + timedelta(minutes=10, seconds=2))
            with django_capture_on_commit_callbacks(execute=True):
                post(article)

        assert len(mail.outbox) == 2
        assert mail.outbox[1].subject == f"[{settings.SITE_NAME}] 4 comments awaiting moderation"

    def test_the_pause_follows_the_setting(
        self, article, moderators_email, django_capture_on_commit_callbacks, settings
    ):
        settings.COMMENTS_NOTIFY_EVERY_MINUTES = 1
        with time_machine.travel(NOW, tick=False) as clock:
            for minutes in (0, 2, 4):
                clock.move_to(NOW + timedelta(minutes=minutes))
                with django_capture_on_commit_callbacks(execute=True):
                    post(article)

        assert len(mail.outbox) == 3

    def test_without_listed_addresses_the_active_moderators_with_an_email_are_told(
        self, article, settings, django_capture_on_commit_callbacks
    ):
        assert settings.COMMENTS_MODERATOR_EMAILS == []
        moderator(username="zoe", email="zoe@example.com")
        moderator(username="amir", email="amir@example.com")
        moderator(username="gone", email="gone@example.com", is_active=False)
        moderator(username="silent", email="")
        UserFactory(username="editor", email="editor@example.com", is_staff=True, groups=["Editors"])

        with django_capture_on_commit_callbacks(execute=True):
            post(article)

        assert len(mail.outbox) == 1
        assert mail.outbox[0].to == ["amir@example.com", "zoe@example.com"]

    def test_with_nobody_to_tell_no_email_is_sent(self, article, settings, django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=True):
            post(article)

        assert mail.outbox == []
