"""Reply notices: a commenter who ticked "Email me when someone replies" hears of each approved reply below their
comment, at most once per thread and window (later replies gathered), through a real SMTP server."""

import ipaddress
import itertools
import re
from datetime import timedelta

import pytest
from django.test import Client as BrowserClient
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from comments.models import Comment, ReplyNotice
from comments.replies import send_reply_notices
from comments.services import create_comment, moderate, reply_as_moderator
from mailing.models import Unsubscribed
from reliability.mailservers import MailServer
from tests.utils.clock import NOW
from tests.utils.factories import ArticleFactory, CommentFactory, moderator
from tests.utils.mail import html_of, send_to, text_of
from throttling.clients import Client

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]

APPROVED, PENDING = Comment.Status.APPROVED, Comment.Status.PENDING
SITE = "https://soundtrack.example"
_sequence = itertools.count(1)


@pytest.fixture(autouse=True)
def site(settings):
    settings.SITE_URL = SITE
    settings.COMMENTS_REPLY_NOTICE_MINUTES = 60


@pytest.fixture
def database_queue(settings):
    """Tasks wait in the database, as in production, and run when ``run_due_tasks()`` says."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def queued_notices():
    """The reply notices' tasks in the queue (the moderators' summary of a held reply waits there too)."""
    return DBTaskResult.objects.filter(task_path=send_reply_notices.module_path)


def run_due_tasks() -> list:
    """What a worker would run now: each queued reply-notice task whose time has come, once."""
    results = []
    for queued in queued_notices().ready().order_by("run_after", "enqueued_at"):
        queued.delete()
        arguments = queued.args_kwargs
        results.append(queued.task.call(*arguments["args"], **arguments["kwargs"]))
    return results


@pytest.fixture
def article():
    return ArticleFactory(title="The Glass Orchard", publish_at=NOW - timedelta(days=1))


@pytest.fixture
def ada(article):
    """Ada's comment, approved, with the box ticked."""
    return CommentFactory(
        article=article, author_name="Ada", author_email="ada@example.com", body="The choir!", notify_replies=True
    )


@pytest.fixture
def mod():
    return moderator(username="mod", email="")  # no moderators' summaries among the notices


@pytest.fixture
def approve(mod, django_capture_on_commit_callbacks):
    """A moderator approves the comments (what waits for the transaction's end runs)."""

    def approve(*comments, to_status=APPROVED):
        with django_capture_on_commit_callbacks(execute=True):
            moderate(Comment.objects.filter(pk__in=[c.pk for c in comments]), to_status=to_status, actor=mod)

    return approve


@pytest.fixture
def reply(django_capture_on_commit_callbacks):
    """A reader replies through the service, as the form does; a first comment from an address waits."""

    def reply(parent, *, email=None, name=None, body=None) -> Comment:
        n = next(_sequence)
        with django_capture_on_commit_callbacks(execute=True):
            return create_comment(
                article=parent.article,
                parent=parent,
                author_name=name or f"Replier {n}",
                email=email or f"replier{n}@example.com",
                body=body or f"Reply {n}: the second cue answers it.",
                client=Client(ip_address=str(ipaddress.ip_address("10.0.0.0") + n), user_agent="Firefox"),
                form_age=timedelta(seconds=30),
            )

    return reply


def links_in(text: str) -> list[str]:
    return re.findall(r"https://\S+", text)


def plain(message) -> str:
    return text_of(message).replace("\r\n", "\n")


class TestWhoIsTold:
    def test_a_subscriber_is_emailed_when_a_moderator_approves_a_reply_to_their_comment(
        self, ada, reply, approve, mail_server
    ):
        answer = reply(ada, name="Ben", body="Agreed: the *choir* ||returns at the end||.")
        assert answer.status == PENDING
        assert mail_server.emails() == []

        approve(answer)

        [message] = mail_server.emails()
        assert message["To"] == "ada@example.com"
        assert message["Subject"] == "[Soundtrack Notes] A reply to your comment on “The Glass Orchard”"
        text = plain(message)
        assert "Ben wrote:\n  Agreed: the choir [spoiler].\n" in text
        assert f"Read it: {SITE}/articles/{answer.article.slug}/#comment-{answer.pk}" in text
        assert "You asked to be emailed when someone replies to your comment on “The Glass Orchard”." in text
        assert f'<a href="{SITE}/articles/{answer.article.slug}/#comment-{answer.pk}">Read the reply</a>' in (
            html_of(message)
        )
        assert "returns at the end" not in text + html_of(message)

    def test_a_reply_the_rules_approve_at_posting_is_told_too(self, ada, reply, mail_server):
        CommentFactory(author_email="regular@example.com")  # an approved comment elsewhere: a known commenter

        answer = reply(ada, email="regular@example.com", name="Reg")

        assert answer.status == APPROVED
        [message] = mail_server.emails()
        assert "Reg wrote:" in text_of(message)

    def test_a_moderators_reply_from_the_queue_is_told(self, ada, mod, mail_server, django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=True):
            reply_as_moderator(ada, moderator=mod, body="A live choir, recorded in one take.")

        [message] = mail_server.emails()
        assert "A live choir, recorded in one take." in text_of(message)

    def test_a_reply_deeper_in_the_thread_reaches_every_subscriber_above_it(self, ada, reply, approve, mail_server):
        ben = CommentFactory(parent=ada, author_name="Ben", author_email="ben@example.com", notify_replies=True)

        approve(reply(ben, name="Cy"))

        assert sorted(message["To"] for message in mail_server.emails()) == ["ada@example.com", "ben@example.com"]
        assert all("Cy wrote:" in text_of(message) for message in mail_server.emails())

    def test_replies_to_someone_else_in_the_thread_are_not_told(self, ada, reply, approve, mail_server):
        ben = CommentFactory(parent=ada, author_email="ben@example.com", notify_replies=True)
        CommentFactory(parent=ada, author_email="cy@example.com")

        approve(reply(ada))  # answers Ada, not Ben

        assert [message["To"] for message in mail_server.emails()] == ["ada@example.com"]
        assert ben.notify_replies

    def test_nothing_is_sent_to_a_commenter_who_left_the_box_unticked(self, article, reply, approve, mail_server):
        quiet = CommentFactory(article=article, notify_replies=False)

        approve(reply(quiet))

        assert mail_server.emails() == []
        assert not ReplyNotice.objects.exists()

    @pytest.mark.parametrize("decision", [Comment.Status.REJECTED, Comment.Status.SPAM])
    def test_a_reply_that_waits_or_is_turned_down_is_never_told(self, ada, reply, approve, mail_server, decision):
        answer = reply(ada)
        approve(answer, to_status=decision)

        assert mail_server.emails() == []
        assert not ReplyNotice.objects.exists()

    def test_the_subscribers_own_reply_is_not_told_to_them(self, ada, reply, approve, mail_server):
        approve(reply(ada, email="ADA@Example.com", name="Ada"))

        assert mail_server.emails() == []

    def test_nothing_is_sent_once_the_subscribers_comment_is_no_longer_public(self, ada, reply, approve, mail_server):
        answer = reply(ada)
        approve(ada, to_status=Comment.Status.REJECTED)

        approve(answer)

        assert mail_server.emails() == []

    def test_replies_approved_while_the_subscribers_comment_was_hidden_are_told_once_it_is_back(
        self, ada, reply, approve, mail_server
    ):
        answer = reply(ada, name="Ben")
        approve(ada, to_status=PENDING)  # sent back to the queue by readers' reports, say
        approve(answer)
        assert mail_server.emails() == []

        approve(ada)

        [message] = mail_server.emails()
        assert "Ben wrote:" in plain(message)

    def test_an_address_unsubscribed_from_everything_gets_nothing_even_with_the_box_ticked(
        self, ada, reply, approve, mail_server
    ):
        Unsubscribed.objects.create(email="ada@example.com")

        approve(reply(ada))

        assert mail_server.emails() == []


class TestGathering:
    def test_replies_within_the_window_are_gathered_into_one_email_when_it_ends(
        self, ada, reply, approve, mail_server, database_queue, clock
    ):
        first = reply(ada, name="Ben")
        approve(first)
        assert run_due_tasks() == ["1 sent"]
        assert len(mail_server.emails()) == 1

        clock.shift(timedelta(minutes=10))
        second = reply(ada, name="Cy")
        approve(second)
        clock.shift(timedelta(minutes=10))
        third = reply(ada, name="Dee")
        approve(third)
        assert run_due_tasks() == ["0 sent, more at 13:00", "0 sent, more at 13:00"]
        assert len(mail_server.emails()) == 1
        assert {queued.run_after for queued in queued_notices()} == {NOW + timedelta(hours=1)}

        clock.shift(timedelta(minutes=39, seconds=59))
        assert run_due_tasks() == []
        clock.shift(timedelta(seconds=1))
        assert run_due_tasks() == ["1 sent", "0 sent"]  # the second task finds everything told

        first_email, gathered = mail_server.emails()
        assert gathered["Subject"] == "[Soundtrack Notes] 2 replies to your comment on “The Glass Orchard”"
        text = plain(gathered)
        assert "Cy wrote:" in text and "Dee wrote:" in text and "Ben wrote:" not in text
        assert [link.rsplit("#", 1)[1] for link in links_in(text) if "#" in link] == [
            f"comment-{second.pk}",
            f"comment-{third.pk}",
        ]

    def test_without_a_queue_the_gathered_replies_go_with_the_first_approval_after_the_window(
        self, ada, reply, approve, mail_server, clock
    ):
        approve(reply(ada, name="Ben"))
        clock.shift(timedelta(minutes=30))
        approve(reply(ada, name="Cy"))
        assert len(mail_server.emails()) == 1

        clock.shift(timedelta(minutes=31))
        approve(reply(ada, name="Dee"))

        _, gathered = mail_server.emails()
        assert "Cy wrote:" in text_of(gathered) and "Dee wrote:" in text_of(gathered)

    def test_a_task_run_again_after_it_sent_sends_nothing_twice(self, ada, reply, approve, mail_server, clock):
        approve(reply(ada))

        assert send_reply_notices.call(thread_id=ada.pk) == "0 sent"  # a worker died before recording the result
        clock.shift(timedelta(hours=2))
        assert send_reply_notices.call(thread_id=ada.pk) == "0 sent"
        assert len(mail_server.emails()) == 1
        assert mail_server.emails()[0]["Message-ID"].endswith("@soundtrack.example>")

    def test_an_email_the_server_refused_is_sent_once_by_the_retry(
        self, ada, reply, approve, mail_server, database_queue, settings, clock
    ):
        settings.TASKS_RETRY_DELAY_SECONDS = 30
        refusing = MailServer(refuse=True).start()
        try:
            send_to(settings, refusing)
            approve(reply(ada))
            with pytest.raises(Exception, match="Try again later"):
                run_due_tasks()
        finally:
            refusing.stop()
        assert refusing.attempts == 1
        assert not ReplyNotice.objects.exists()  # the claim was let go
        [retry] = queued_notices()
        assert retry.run_after == NOW + timedelta(seconds=30)

        send_to(settings, mail_server)
        clock.shift(timedelta(seconds=30))
        assert run_due_tasks() == ["1 sent"]
        assert run_due_tasks() == []
        assert len(mail_server.emails()) == 1

    def test_one_subscribers_refused_email_keeps_none_of_the_others_from_being_told(
        self, ada, reply, approve, database_queue, settings
    ):
        ben = CommentFactory(
            parent=ada, author_name="Ben", author_email="ben@example.com", body="Yes!", notify_replies=True
        )
        refusing = MailServer(refuse_to=frozenset({"ada@example.com"})).start()
        try:
            send_to(settings, refusing)
            approve(reply(ben))
            with pytest.raises(Exception, match="Try again later"):
                run_due_tasks()
        finally:
            refusing.stop()

        assert [message["To"] for message in refusing.emails()] == ["ben@example.com"]
        assert list(ReplyNotice.objects.values_list("recipient", flat=True)) == ["ben@example.com"]  # Ada's let go
        assert len(queued_notices()) == 1  # the retry, for Ada


class TestLeaving:
    def test_every_notice_carries_rfc_8058_headers_and_a_visible_link(self, ada, reply, approve, mail_server):
        approve(reply(ada))

        [message] = mail_server.emails()
        link = re.fullmatch(r"<(https://soundtrack\.example/mail/unsubscribe/[^/]+/)>", message["List-Unsubscribe"])[1]
        assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert message["List-Id"] == "Soundtrack Notes thread <thread.soundtrack.example>"
        assert message["Auto-Submitted"] == "auto-generated"
        assert f"Unsubscribe: {link}" in text_of(message)
        assert f'<a href="{link}">Unsubscribe</a>' in html_of(message)

    def test_the_one_click_post_stops_the_notices_of_that_thread_only(
        self, ada, article, reply, approve, mail_server, client
    ):
        other_thread = CommentFactory(article=article, author_email="Ada@example.com", notify_replies=True)
        approve(reply(ada))
        path = unsubscribe_path(mail_server.emails()[0])
        page = client.get(path)
        leaving = "emails about replies in the thread “The choir!” on “The Glass Orchard”?"
        assert f"Stop sending <strong>ada@example.com</strong> {leaving}" in page.content.decode()

        response = BrowserClient(enforce_csrf_checks=True).post(
            path, data="List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
        )

        assert response.status_code == 200
        ada.refresh_from_db(), other_thread.refresh_from_db()
        assert (ada.notify_replies, other_thread.notify_replies) == (False, True)
        approve(reply(ada))
        approve(reply(other_thread))
        assert len(mail_server.emails()) == 2  # the first notice, then only the other thread's

    def test_unsubscribing_from_everything_stops_every_thread(self, ada, article, reply, approve, mail_server, client):
        other_thread = CommentFactory(article=article, author_email="ada@example.com", notify_replies=True)
        approve(reply(ada))

        client.post(unsubscribe_path(mail_server.emails()[0]), {"scope": "everything"})

        assert not Comment.objects.filter(notify_replies=True).exists()
        approve(reply(ada), reply(other_thread))
        assert len(mail_server.emails()) == 1


def unsubscribe_path(message) -> str:
    return message["List-Unsubscribe"].strip("<>").removeprefix(SITE)


class TestTheForm:
    def test_the_box_is_on_the_form_and_unticked_for_every_reader(self, client, article):
        page = client.get(article.get_absolute_url()).content.decode()

        box = re.search(r'<input type="checkbox" name="notify_replies"[^>]*>', page)[0]
        assert "checked" not in box
        assert 'aria-describedby="id_notify_replies_helptext"' in box
        assert '<label for="id_notify_replies">Email me when someone replies</label>' in page

    @pytest.mark.parametrize("ticked", [True, False])
    def test_the_choice_is_kept_with_the_comment_and_no_mail_leaves_inside_the_request(
        self, client, article, ticked, mail_server, django_capture_on_commit_callbacks, clock
    ):
        ada = CommentFactory(article=article, author_email="ada@example.com", notify_replies=True)
        CommentFactory(author_email="regular@example.com")  # known: the reply is approved at posting
        page = client.get(article.get_absolute_url()).content.decode()
        token = re.search(r'name="form_token" value="([^"]+)"', page)[1]
        clock.shift(timedelta(seconds=30))
        data = {
            "author_name": "Reg",
            "author_email": "regular@example.com",
            "body": "The second cue answers it.",
            "parent": ada.pk,
            "form_token": token,
        } | ({"notify_replies": "on"} if ticked else {})

        with django_capture_on_commit_callbacks() as callbacks:
            response = client.post(reverse("comments:post", args=[article.slug]), data)

        assert response.status_code == 302
        posted = Comment.objects.get(author_name="Reg")
        assert (posted.status, posted.notify_replies) == (APPROVED, ticked)
        assert mail_server.emails() == []  # the notice waits for the commit, then goes through the task queue
        [enqueue] = [
            callback for callback in callbacks if getattr(callback, "func", None) == send_reply_notices.enqueue
        ]
        enqueue()
        assert [message["To"] for message in mail_server.emails()] == ["ada@example.com"]
