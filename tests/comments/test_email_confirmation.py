"""Email confirmation (COMMENTS_CONFIRM_EMAIL): who waits, the link that is mailed, what confirming does, what
readers see meanwhile, the clean-up of comments never confirmed, and the limits on new links.

Mail goes through a real SMTP server; the task runs when the transaction's on-commit callbacks do.
"""

import re
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from comments.email_confirmation import confirmation_url
from comments.models import Comment, ModerationEvent
from comments.services import reply_as_moderator
from mailing import tokens
from mailing.models import Unsubscribed
from tests.utils.clock import ago
from tests.utils.discussion import POSTER, article_page, comment_form, known_commenter, messages_on, post_comment
from tests.utils.factories import ArticleFactory, CommentFactory, UserFactory, moderator
from tests.utils.html import parse
from tests.utils.mail import html_of, text_of
from tests.utils.moderation import bodies_in_queue

pytestmark = pytest.mark.django_db

APPROVED, PENDING = Comment.Status.APPROVED, Comment.Status.PENDING
SPAM, UNCONFIRMED = Comment.Status.SPAM, Comment.Status.UNCONFIRMED
EMAIL = POSTER["author_email"]
LINK = re.compile(r"http://127\.0\.0\.1:8000(/comments/confirm/[^/\s]+/)")


@pytest.fixture
def article(clock):
    return ArticleFactory(title="Why Arrival’s soundtrack deserves more recognition")


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run what waits for the commit (the task that mails the link) as the block ends."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def confirm_mode(settings):
    def set_mode(mode: str) -> None:
        settings.COMMENTS_CONFIRM_EMAIL = mode

    return set_mode


def post(client, clock, article, committed, **fields):
    with committed():
        return post_comment(client, clock, article, **fields)


def newest() -> Comment:
    return Comment.objects.latest("pk")


def link_in(message) -> str:
    (path,) = set(LINK.findall(text_of(message)))
    assert f"http://127.0.0.1:8000{path}" in html_of(message)
    return path


def unconfirmed_comment(article, **fields) -> Comment:
    return CommentFactory(article=article, status=UNCONFIRMED, author_email=EMAIL, **fields)


def path_of(comment: Comment) -> str:
    return confirmation_url(comment).removeprefix("http://127.0.0.1:8000")


class TestWhoWaits:
    def test_with_confirmation_off_no_mail_is_sent_and_the_rules_decide(
        self, client, clock, article, committed, mail_server, confirm_mode
    ):
        confirm_mode("off")

        post(client, clock, article, committed)

        assert newest().status == PENDING
        assert mail_server.emails() == []

    def test_in_mode_new_a_new_address_waits_and_is_mailed_a_link(
        self, client, clock, article, committed, mail_server, confirm_mode
    ):
        confirm_mode("new")

        post(client, clock, article, committed)

        comment = newest()
        assert comment.status == UNCONFIRMED
        event = comment.events.get()
        assert (event.rule, event.to_status) == ("unconfirmed_email", UNCONFIRMED)
        (message,) = mail_server.emails()
        assert message["To"] == EMAIL
        assert "Confirm your comment on “Why Arrival’s soundtrack" in message["Subject"]
        assert message["Message-ID"].startswith(f"<confirm-comment.{comment.pk}.")
        assert message["Auto-Submitted"] == "auto-generated"
        assert message["List-Unsubscribe"] is None  # a confirmation is not a list one can leave
        assert link_in(message).startswith("/comments/confirm/")

    def test_in_mode_new_an_address_with_an_approved_comment_passes(
        self, client, clock, article, committed, mail_server, confirm_mode
    ):
        confirm_mode("new")
        known_commenter(article)

        post(client, clock, article, committed)

        assert newest().status == APPROVED
        assert mail_server.emails() == []

    def test_in_mode_always_every_comment_waits(self, client, clock, article, committed, mail_server, confirm_mode):
        confirm_mode("always")
        known_commenter(article)

        post(client, clock, article, committed)

        assert newest().status == UNCONFIRMED
        assert len(mail_server.emails()) == 1

    def test_spam_stays_spam_and_no_mail_is_sent(
        self, client, clock, article, committed, mail_server, confirm_mode, settings
    ):
        confirm_mode("always")
        settings.COMMENTS_BLOCK_TERMS = ["cheap pills"]

        post(client, clock, article, committed, body="Cheap pills here.")

        assert newest().status == SPAM
        assert mail_server.emails() == []

    def test_no_mail_is_sent_inside_the_request(
        self, client, clock, article, django_capture_on_commit_callbacks, mail_server, confirm_mode
    ):
        confirm_mode("new")

        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            post_comment(client, clock, article)
        assert newest().status == UNCONFIRMED
        assert mail_server.emails() == []

        for callback in callbacks:
            callback()
        assert len(mail_server.emails()) == 1

    def test_an_address_unsubscribed_from_everything_gets_no_mail_yet_is_told_the_comment_waits(
        self, client, clock, article, committed, mail_server, confirm_mode
    ):
        confirm_mode("new")
        Unsubscribed.objects.create(email=EMAIL)

        response = post(client, clock, article, committed, follow=True)

        assert newest().status == UNCONFIRMED
        assert mail_server.emails() == []
        assert f"we sent a link to {EMAIL}" in response.content.decode()

    def test_a_signed_in_reader_commenting_under_their_accounts_address_is_not_asked(
        self, client, clock, article, committed, mail_server, confirm_mode
    ):
        confirm_mode("always")
        user = UserFactory(email="member@example.com")
        client.force_login(user)

        post(client, clock, article, committed, author_email="Member@example.com")

        assert newest().status == PENDING
        assert mail_server.emails() == []

    def test_posting_past_the_mail_limits_is_refused_and_stores_nothing(
        self, client, clock, article, committed, mail_server, confirm_mode, settings
    ):
        confirm_mode("always")
        settings.MAIL_RATE_LIMIT_PER_ADDRESS = 1
        post(client, clock, article, committed, body="First.")

        refused = post(client, clock, article, committed, body="Second.")

        assert refused.status_code == 429
        assert list(Comment.objects.values_list("body", flat=True)) == ["First."]
        assert len(mail_server.emails()) == 1


class TestWhatTheReaderIsTold:
    def test_the_form_says_a_first_comment_is_confirmed_by_email_in_mode_new(self, article, confirm_mode):
        confirm_mode("new")

        form = comment_form(article_page(article))

        assert "First comment from this address? We will email you a link to confirm it." in form.text

    def test_the_form_says_nothing_of_it_when_off(self, article, confirm_mode):
        confirm_mode("off")

        assert "email you a link" not in comment_form(article_page(article)).text

    def test_after_posting_the_page_says_where_the_link_went_and_shows_the_comment_to_its_writer_only(
        self, client, clock, article, committed, mail_server, confirm_mode
    ):
        confirm_mode("new")

        response = post(client, clock, article, committed, follow=True, body="Only mine for now.")

        text = response.content.decode()
        assert f"we sent a link to {EMAIL}; your comment appears after you confirm it and a moderator approves" in text
        assert "Confirm your email:</strong> we sent a link to" in text
        assert [message for message in messages_on(parse(text)) if "we sent a link" in message]
        other_reader = article_page(article)
        assert "Only mine for now." in text and "Only mine for now." not in other_reader.text
        assert other_reader.find("h2", id="comments-heading").text == "0 comments"

    def test_an_unconfirmed_comment_cannot_be_edited_until_it_is_confirmed(self, article, own_client):
        comment = unconfirmed_comment(article)

        response = own_client(comment).get(comment.edit_url(), follow=True)

        assert "Confirm your email address first" in response.content.decode()


class TestConfirming:
    def test_a_get_shows_the_comment_and_a_button_and_changes_nothing(self, client, article, confirm_mode):
        confirm_mode("new")
        comment = unconfirmed_comment(article, body="The cello.")

        response = client.get(path_of(comment))

        assert response.status_code == 200
        assert b"Confirm my comment" in response.content and b'<form method="post"' in response.content
        comment.refresh_from_db()
        assert comment.status == UNCONFIRMED

    def test_the_link_from_the_email_confirms_a_first_comment_into_the_moderation_queue(
        self, client, clock, article, committed, mail_server, confirm_mode
    ):
        confirm_mode("new")
        post(client, clock, article, committed)
        (message,) = mail_server.emails()

        with committed():
            response = Client().post(link_in(message))

        comment = newest()
        assert comment.status == PENDING
        event = comment.events.first()
        assert (event.rule, event.from_status, event.to_status) == ("first_comment", UNCONFIRMED, PENDING)
        assert response.status_code == 302 and response.url.endswith(f"#comment-{comment.pk}")

    def test_a_known_address_is_published_on_confirming_and_readers_see_it(
        self, client, clock, article, committed, mail_server, confirm_mode
    ):
        confirm_mode("always")
        known_commenter(article)
        post(client, clock, article, committed, body="Confirmed words.")
        (message,) = mail_server.emails()

        Client().post(link_in(message))

        assert newest().status == APPROVED
        assert "Confirmed words." in article_page(article).text

    @pytest.mark.page_cache
    def test_confirming_makes_cached_pages_show_the_comment(self, client, article, confirm_mode):
        confirm_mode("always")
        known_commenter(article)
        comment = unconfirmed_comment(article, body="Waited for its writer.")
        assert "Waited for its writer." not in article_page(article).text  # the page is cached now

        Client().post(path_of(comment))

        assert "Waited for its writer." in article_page(article).text

    def test_a_second_use_says_it_is_already_confirmed_and_changes_nothing(self, client, article, confirm_mode):
        confirm_mode("new")
        comment = unconfirmed_comment(article)
        client.post(path_of(comment))

        again = client.post(path_of(comment))

        assert again.status_code == 200
        assert b"already confirmed" in again.content
        assert comment.events.count() == 1  # the confirmation alone (the factory recorded no posting)

    def test_an_expired_link_says_so_offers_a_new_one_and_confirms_nothing(self, client, clock, article, confirm_mode):
        confirm_mode("new")
        comment = unconfirmed_comment(article)
        path = path_of(comment)
        clock.shift(timedelta(hours=48, seconds=1))

        response = client.post(path)

        assert response.status_code == 410
        assert b"expired" in response.content and b"Send me a new link" in response.content
        comment.refresh_from_db()
        assert comment.status == UNCONFIRMED

    def test_a_changed_link_is_refused(self, client, article, confirm_mode):
        comment = unconfirmed_comment(article)
        path = path_of(comment)

        response = client.post(path[:-8] + "xxxxxxx/")

        assert response.status_code == 400
        comment.refresh_from_db()
        assert comment.status == UNCONFIRMED

    def test_a_link_made_for_another_purpose_is_refused(self, client, article):
        comment = unconfirmed_comment(article)
        token = tokens.make("unsubscribe", {"c": comment.pk, "e": EMAIL})

        response = client.post(reverse("comments:confirm-email", kwargs={"token": token}))

        assert response.status_code == 400

    def test_confirming_one_comment_leaves_the_addresses_other_comments_waiting(self, client, article):
        first, second = unconfirmed_comment(article), unconfirmed_comment(article)

        client.post(path_of(first))

        second.refresh_from_db()
        assert second.status == UNCONFIRMED


class TestNewLinks:
    def again(self, path: str) -> str:
        return path + "again/"

    def test_an_expired_link_gets_a_new_one_by_mail_as_a_message_of_its_own(
        self, client, clock, article, committed, mail_server, confirm_mode
    ):
        confirm_mode("new")
        post(client, clock, article, committed)
        (first,) = mail_server.emails()
        clock.shift(timedelta(hours=49))

        with committed():
            response = Client().post(self.again(link_in(first)))

        assert response.status_code == 200
        first, second = mail_server.emails()
        comment = newest()
        assert first["Message-ID"] != second["Message-ID"]  # mail clients would drop a second message with one id
        assert second["Message-ID"].startswith(f"<confirm-comment.{comment.pk}.")
        assert Client().post(link_in(first)).status_code == 410
        assert Client().post(link_in(second)).status_code == 302
        comment.refresh_from_db()
        assert comment.status == PENDING

    def test_new_links_are_limited_with_the_same_answer_whether_the_comment_waits_or_not(
        self, client, article, committed, mail_server, settings
    ):
        settings.MAIL_RATE_LIMIT_PER_ADDRESS = 2
        waiting = unconfirmed_comment(article)
        gone = CommentFactory(article=article, status=UNCONFIRMED, author_email="gone@example.com")
        gone_path = path_of(gone)
        gone.delete()
        answers = {}
        for name, path in (("waiting", path_of(waiting)), ("gone", gone_path)):
            with committed():
                answers[name] = [Client().post(self.again(path)) for _ in range(3)]

        assert [r.status_code for r in answers["waiting"]] == [200, 200, 429]
        assert [r.status_code for r in answers["gone"]] == [200, 200, 429]
        for first, second in zip(answers["waiting"], answers["gone"], strict=True):
            assert first.content.replace(EMAIL.encode(), b"") == second.content.replace(b"gone@example.com", b"")
        assert [message["To"] for message in mail_server.emails()] == [EMAIL, EMAIL]

    def test_the_writer_asks_for_the_link_again_from_their_own_comment(
        self, client, clock, article, committed, mail_server, confirm_mode, settings
    ):
        confirm_mode("new")
        settings.MAIL_RATE_LIMIT_PER_ADDRESS = 2
        page = parse(post(client, clock, article, committed, follow=True))
        (form,) = [form for form in page.find_all("form") if form.attrs["action"].endswith("/confirm-again/")]

        with committed():
            again = client.post(form.attrs["action"], follow=True)
        refused = client.post(form.attrs["action"])

        assert f"A new link is on its way to {EMAIL}" in again.content.decode()
        assert refused.status_code == 429
        assert len(mail_server.emails()) == 2
        assert Client().post(form.attrs["action"]).status_code == 404  # from another browser


class TestDeletingTheUnconfirmed:
    def test_the_command_deletes_only_old_unconfirmed_comments_and_running_it_again_deletes_nothing(
        self, article, settings, capsys
    ):
        settings.COMMENTS_UNCONFIRMED_DAYS = 7
        old = unconfirmed_comment(article, created_at=ago(days=7, minutes=1))
        recent = unconfirmed_comment(article, created_at=ago(days=6))
        old_pending = CommentFactory(article=article, status=PENDING, created_at=ago(days=30))
        old_approved = CommentFactory(article=article, created_at=ago(days=30))

        call_command("delete_unconfirmed_comments")
        call_command("delete_unconfirmed_comments")

        assert set(Comment.objects.all()) == {recent, old_pending, old_approved}
        assert not ModerationEvent.objects.filter(comment_id=old.pk).exists()
        assert capsys.readouterr().out.splitlines() == [
            "Deleted 1 comment unconfirmed after 7 days.",
            "Deleted 0 comments unconfirmed after 7 days.",
        ]

    def test_a_link_to_a_deleted_comment_says_it_is_gone(self, client, article):
        comment = unconfirmed_comment(article, created_at=ago(days=8))
        path = path_of(comment)
        call_command("delete_unconfirmed_comments", stdout=None)

        response = client.get(path)

        assert response.status_code == 404
        assert b"no longer here" in response.content


class TestModerators:
    def test_the_queue_shows_unconfirmed_comments_under_their_own_status_not_among_the_pending(
        self, client, signed_in_moderator, article
    ):
        unconfirmed_comment(article, body="Not confirmed yet.")
        CommentFactory(article=article, status=PENDING, body="Waiting.")

        assert bodies_in_queue(client) == ["Waiting."]
        assert bodies_in_queue(client, "?status__exact=unconfirmed") == ["Not confirmed yet."]

    def test_a_moderators_reply_approves_an_unconfirmed_comment_first(self, article):
        comment = unconfirmed_comment(article)

        reply_as_moderator(comment, moderator=moderator(), body="Welcome.")

        comment.refresh_from_db()
        assert comment.status == APPROVED


def test_a_confirmed_reply_the_rules_approve_tells_the_threads_subscriber(
    article, mail_server, django_capture_on_commit_callbacks
):
    thread = CommentFactory(article=article, author_email="ada@example.org", notify_replies=True)
    CommentFactory(article=article, author_email=EMAIL)  # an approved comment: the replier is a known commenter
    reply = unconfirmed_comment(article, parent=thread)

    with django_capture_on_commit_callbacks(execute=True):
        Client().post(path_of(reply))

    reply.refresh_from_db()
    assert reply.status == APPROVED
    assert [message["To"] for message in mail_server.emails()] == ["ada@example.org"]
