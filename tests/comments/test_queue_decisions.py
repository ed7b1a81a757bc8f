"""One click on a row of the queue (approve, spam, reject) and the moderator's reply: plain POSTs that need the
page's CSRF token, go through the comment services, and bring the moderator back to the same queue page."""

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from comments.models import Comment, ModerationEvent
from comments.services import reply_as_moderator
from tests.utils.factories import ArticleFactory, CommentFactory, CommentReportFactory, UserFactory, editor, moderator
from tests.utils.html import get_page, parse
from tests.utils.moderation import QUEUE

pytestmark = pytest.mark.django_db

PENDING, APPROVED = Comment.Status.PENDING, Comment.Status.APPROVED
SPAM, REJECTED = Comment.Status.SPAM, Comment.Status.REJECTED
NOW = timezone.datetime(2026, 6, 1, 12, 0, tzinfo=timezone.UTC)


def decide_url(comment: Comment) -> str:
    return reverse("admin:comments_comment_decide", args=[comment.pk])


def reply_url(comment: Comment) -> str:
    return reverse("admin:comments_comment_reply", args=[comment.pk])


@pytest.fixture
def mo():
    return moderator(username="mo", first_name="Mo", last_name="Derator")


@pytest.fixture
def browser_without_javascript(mo):
    """A client that checks CSRF tokens as a browser's requests are checked."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(mo)
    return client


def click(client, queue_address: str, author: str, label: str):
    """What a browser without JavaScript sends for a row's button: the form it names, with the button's own
    action, name and value."""
    page = get_page(client, queue_address)
    row = next(row for row in page.find("tbody").find_all("tr") if row.find("th").text == author)
    button = next(button for button in row.find_all("button") if button.children[0] == label)
    form = page.find("form", id=button.attrs["form"])
    data = {field.attrs["name"]: field.attrs["value"] for field in form.find_all("input")}
    if "name" in button.attrs:
        data[button.attrs["name"]] = button.attrs["value"]
    if form.attrs["method"] == "get":
        return client.get(button.attrs["formaction"], data, follow=True)
    return client.post(button.attrs["formaction"], data, follow=True)


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


class TestOneClickDecisions:
    @pytest.mark.parametrize(
        ("label", "status", "message"),
        [
            ("Approve", APPROVED, "The comment by Ada is approved."),
            ("Spam", SPAM, "The comment by Ada is marked as spam."),
            ("Reject", REJECTED, "The comment by Ada is rejected."),
        ],
    )
    def test_one_click_decides_records_the_moderator_and_comes_back_to_the_same_page(
        self, browser_without_javascript, mo, label, status, message
    ):
        comment = CommentFactory(author_name="Ada", status=PENDING)
        CommentFactory(author_name="Ben", status=PENDING)

        with time_machine.travel(NOW, tick=False):
            response = click(browser_without_javascript, QUEUE + "?status__exact=pending&o=-5", "Ada", label)

        assert response.redirect_chain == [(QUEUE + "?status__exact=pending&o=-5", 302)]
        assert messages_of(response) == [message]
        comment.refresh_from_db()
        assert comment.status == status
        event = comment.events.get()
        assert (event.actor, event.from_status, event.to_status, event.created_at) == (mo, PENDING, status, NOW)
        assert Comment.objects.get(author_name="Ben").status == PENDING

    def test_the_opening_page_is_where_the_moderator_comes_back_to(self, browser_without_javascript):
        CommentFactory(author_name="Ada", status=PENDING)

        response = click(browser_without_javascript, QUEUE, "Ada", "Approve")

        assert response.redirect_chain == [(QUEUE, 302)]
        assert list(response.context["cl"].result_list) == []

    def test_a_decision_on_the_last_comment_of_the_last_page_comes_back_to_the_page_before(
        self, browser_without_javascript, monkeypatch
    ):
        monkeypatch.setattr("comments.admin.queue.CommentAdmin.list_per_page", 2)
        for name in ("Ada", "Ben", "Cy"):
            CommentFactory(author_name=name, status=PENDING)

        response = click(browser_without_javascript, QUEUE + "?status__exact=pending&p=2", "Ada", "Spam")

        assert response.status_code == 200
        assert [c.author_name for c in response.context["cl"].result_list] == ["Cy", "Ben"]
        assert messages_of(response) == ["The comment by Ada is marked as spam."]

    def test_the_approved_comment_appears_on_the_article_page(self, browser_without_javascript, settings):
        settings.PAGE_CACHE_SECONDS = 300  # the page cache's stamps must move too
        comment = CommentFactory(author_name="Ada", body="Released with one click.", status=PENDING)
        reader = Client()
        assert "Released with one click." not in reader.get(comment.article.get_absolute_url()).content.decode()

        click(browser_without_javascript, QUEUE, "Ada", "Approve")

        assert "Released with one click." in reader.get(comment.article.get_absolute_url()).content.decode()

    def test_approving_again_dismisses_reports_made_since_the_last_review(self, browser_without_javascript, mo):
        comment = CommentFactory(author_name="Ada", reviewed_at=timezone.now() - timezone.timedelta(days=1))
        CommentReportFactory(comment=comment)
        Comment.objects.filter(pk=comment.pk).update(report_count=1)

        response = click(browser_without_javascript, QUEUE + "?reported=again", "Ada", "Approve again")

        assert messages_of(response) == ["The comment by Ada is approved."]
        assert list(response.context["cl"].result_list) == []
        assert comment.events.get().reason == "Kept on the page after readers' reports."

    def test_a_decision_that_changes_nothing_says_so(self, client, mo):
        comment = CommentFactory(author_name="Ada", status=SPAM)
        client.force_login(mo)

        response = client.post(decide_url(comment), {"status": SPAM, "next": QUEUE}, follow=True)

        assert messages_of(response) == ["The comment by Ada was already marked as spam: nothing changed."]
        assert not ModerationEvent.objects.exists()

    @pytest.mark.parametrize("status", ["", "pending", "deleted"])
    def test_a_decision_that_is_not_one_changes_nothing_and_says_so(self, client, mo, status):
        comment = CommentFactory(status=PENDING)
        client.force_login(mo)

        response = client.post(decide_url(comment), {"status": status, "next": QUEUE}, follow=True)

        assert messages_of(response) == ["Nothing was changed: choose Approve, Spam or Reject."]
        comment.refresh_from_db()
        assert comment.status == PENDING

    @pytest.mark.parametrize("address", ["https://evil.example/admin/comments/comment/", "/admin/", "//evil.example/"])
    def test_the_way_back_never_leaves_the_queue(self, client, mo, address):
        client.force_login(mo)

        response = client.post(decide_url(CommentFactory(status=PENDING)), {"status": APPROVED, "next": address})

        assert response["Location"] == QUEUE

    def test_without_the_pages_csrf_token_nothing_is_decided(self, browser_without_javascript):
        comment = CommentFactory(status=PENDING)

        response = browser_without_javascript.post(decide_url(comment), {"status": APPROVED, "next": QUEUE})

        assert response.status_code == 403
        comment.refresh_from_db()
        assert comment.status == PENDING

    def test_a_get_decides_nothing(self, client, mo):
        comment = CommentFactory(status=PENDING)
        client.force_login(mo)

        assert client.get(decide_url(comment), {"status": APPROVED}).status_code == 405
        comment.refresh_from_db()
        assert comment.status == PENDING

    def test_a_comment_that_does_not_exist_is_a_404(self, client, mo):
        client.force_login(mo)

        assert client.post(reverse("admin:comments_comment_decide", args=[999999]), {"status": SPAM}).status_code == 404


class TestWhoMayDecide:
    @pytest.mark.parametrize("who", ["editor", "comment reader"])
    def test_staff_without_the_right_to_change_comments_are_refused(self, client, who):
        from django.contrib.auth.models import Permission

        user = editor() if who == "editor" else UserFactory(is_staff=True)
        user.user_permissions.add(*Permission.objects.filter(codename="view_comment"))
        comment = CommentFactory(status=PENDING)
        client.force_login(user)

        assert client.post(decide_url(comment), {"status": APPROVED, "next": QUEUE}).status_code == 403
        assert client.get(reply_url(comment)).status_code == 403
        assert client.post(reply_url(comment), {"body": "Hello there."}).status_code == 403
        comment.refresh_from_db()
        assert comment.status == PENDING
        assert Comment.objects.count() == 1

    def test_readers_are_sent_to_sign_in(self, client):
        comment = CommentFactory(status=PENDING)
        client.force_login(UserFactory())

        response = client.post(decide_url(comment), {"status": APPROVED})

        assert response.status_code == 302 and "/admin/login/" in response["Location"]
        comment.refresh_from_db()
        assert comment.status == PENDING


class TestTheModeratorsReply:
    def test_the_reply_is_published_under_the_moderators_name_and_the_moderator_comes_back(
        self, browser_without_javascript, mo, settings
    ):
        settings.PAGE_CACHE_SECONDS = 300
        ada = CommentFactory(author_name="Ada", body="Is the choir sampled?")
        reader = Client()
        reader.get(ada.article.get_absolute_url())  # the page is in the cache

        form_page = click(browser_without_javascript, QUEUE + "?status__exact=approved", "Ada", "Reply")
        form = parse(form_page).find("form", id="reply-form")
        data = {field.attrs["name"]: field.attrs["value"] for field in form.find_all("input", type="hidden")}
        response = browser_without_javascript.post(
            form_page.request["PATH_INFO"], data | {"body": "  A live choir, in *one* take.  "}, follow=True
        )

        assert response.redirect_chain == [(QUEUE + "?status__exact=approved", 302)]
        reply = Comment.objects.get(parent=ada)
        assert (reply.author_name, reply.user, reply.author_email, reply.status) == (
            "Mo Derator",
            mo,
            mo.email,
            APPROVED,
        )
        assert reply.body == "A live choir, in *one* take."
        assert reply.events.get().actor == mo
        assert messages_of(response) == [
            f'Your reply to Ada is published. <a href="{reply.get_absolute_url()}">See it on the article</a>.'
        ]
        assert "A live choir, in <em>one</em> take." in reader.get(ada.article.get_absolute_url()).content.decode()

    def test_a_reply_to_a_waiting_comment_approves_it_first(self, client, mo):
        waiting = CommentFactory(author_name="Ada", status=PENDING)
        client.force_login(mo)

        page = get_page(client, reply_url(waiting))
        assert "posting your reply approves it" in page.find("p", class_="reply-approves").text
        assert page.find("input", type="submit").attrs["value"] == "Approve and post reply"
        client.post(reply_url(waiting), {"body": "Welcome, and thank you."})

        waiting.refresh_from_db()
        assert waiting.status == APPROVED
        assert waiting.events.get().reason == "Approved to reply to it."
        assert Comment.objects.get(parent=waiting).is_public

    @pytest.mark.django_db(transaction=True)
    def test_the_reply_locks_its_comment_in_a_transaction_of_its_own(self):
        """Outside a test's wrapping transaction, as in production: PostgreSQL refuses a row lock taken outside
        one, so a reply that did not open its own would fail there."""
        waiting = CommentFactory(author_name="Ada", status=PENDING)

        reply = reply_as_moderator(waiting, moderator=UserFactory(is_staff=True), body="Welcome, and thank you.")

        waiting.refresh_from_db()
        assert waiting.status == APPROVED and reply.parent == waiting and reply.is_public

    @pytest.mark.parametrize(("status", "refusal"), [(SPAM, "marked as spam"), (REJECTED, "rejected")])
    def test_a_reply_to_spam_or_a_rejected_comment_is_refused_and_keeps_the_text(self, client, mo, status, refusal):
        comment = CommentFactory(status=status)
        client.force_login(mo)

        response = client.post(reply_url(comment), {"body": "My careful answer."})

        assert response.status_code == 200
        page = parse(response)
        assert (
            f"This comment was {refusal}: approve it before replying to it." in page.find("ul", class_="errorlist").text
        )
        assert page.find("textarea", name="body").text == "My careful answer."
        assert Comment.objects.count() == 1

    def test_an_empty_reply_is_refused_with_a_message(self, client, mo):
        comment = CommentFactory()
        client.force_login(mo)

        response = client.post(reply_url(comment), {"body": "   "})

        assert "This field is required." in parse(response).find("div", class_="field-body").text
        assert Comment.objects.count() == 1

    def test_a_reply_on_an_article_whose_comments_are_closed_is_refused(self, client, mo):
        comment = CommentFactory(article=ArticleFactory(comments_open=False))
        client.force_login(mo)

        response = client.post(reply_url(comment), {"body": "Too late?"})

        assert "Comments are closed on this article" in parse(response).find("ul", class_="errorlist").text
        assert Comment.objects.count() == 1

    def test_a_reply_past_the_deepest_level_joins_the_deepest_thread(self, client, mo, settings):
        settings.COMMENTS_MAX_DEPTH = 2
        top = CommentFactory()
        deepest = CommentFactory(parent=top)
        client.force_login(mo)

        client.post(reply_url(deepest), {"body": "Answering the reply."})

        reply = Comment.objects.get(body="Answering the reply.")
        assert (reply.parent, reply.thread, reply.depth) == (top, top, 1)

    def test_a_reply_in_a_thread_readers_cannot_see_is_refused(self, client, mo):
        top = CommentFactory(status=PENDING)  # sent back to the queue by readers' reports, say
        answer = CommentFactory(parent=top)
        client.force_login(mo)

        response = client.post(reply_url(answer), {"body": "Quite right."})

        assert "The first comment of this thread is not public" in parse(response).find("ul", class_="errorlist").text
        assert not Comment.objects.filter(body="Quite right.").exists()
        top.refresh_from_db()
        assert top.status == PENDING
