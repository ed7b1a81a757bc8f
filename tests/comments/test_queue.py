"""The moderation queue as moderators meet it: it opens on what waits, counts each tab, and shows each comment as
readers will see it with why it is where it is."""

from datetime import UTC, datetime

import pytest
from django.urls import reverse, set_script_prefix
from django.utils import timezone
from django.utils.dateformat import format as format_date

from comments.admin.rows import admin_url, row_url, when
from comments.models import Comment
from tests.utils.clock import ago
from tests.utils.factories import ArticleFactory, CommentFactory, CommentReportFactory, UserFactory, moderator
from tests.utils.html import get_page
from tests.utils.moderation import QUEUE, bodies_in_queue

pytestmark = pytest.mark.django_db

PENDING, APPROVED = Comment.Status.PENDING, Comment.Status.APPROVED
SPAM, REJECTED = Comment.Status.SPAM, Comment.Status.REJECTED


@pytest.fixture
def signed_in_moderator(client):
    user = moderator(first_name="Mo", last_name="Derator")
    client.force_login(user)
    return user


def tabs(page) -> dict[str, str]:
    """Each tab's label and count, as the page shows them."""
    links = page.find("nav", class_="queue-tabs").find_all("a")
    return {link.text.rsplit(" ", 1)[0] if link.find_all("span") else link.text: count_of(link) for link in links}


def count_of(link) -> str:
    counts = link.find_all("span", class_="queue-count")
    return counts[0].text if counts else ""


def current_tab(page) -> str:
    return page.find("nav", class_="queue-tabs").find("a", aria_current="page").text


def row_of(page, author: str):
    return next(row for row in page.find("tbody").find_all("tr") if row.find("th").text == author)


@pytest.fixture
def queue_of_every_kind():
    CommentFactory(body="Waiting.", status=PENDING, created_at=ago(hours=2))
    CommentFactory(body="Waiting too.", status=PENDING, created_at=ago(hours=1))
    CommentFactory(body="Shown.", created_at=ago(days=1))
    reported = CommentFactory(body="Shown, reported.", report_count=1, created_at=ago(days=2))
    CommentReportFactory(comment=reported)
    again = CommentFactory(body="Approved, then reported.", reviewed_at=ago(days=3), created_at=ago(days=4))
    CommentReportFactory(comment=again)
    Comment.objects.filter(pk=again.pk).update(report_count=1)
    CommentFactory(body="Spam.", status=SPAM)
    CommentFactory(body="Rejected.", status=REJECTED)


class TestTheQueueOpensOnWhatWaits:
    def test_it_opens_on_the_pending_comments_newest_first(self, client, signed_in_moderator, queue_of_every_kind):
        page = get_page(client, QUEUE)

        assert current_tab(page) == "Pending 2"
        assert bodies_in_queue(client) == ["Waiting too.", "Waiting."]

    def test_each_tab_says_how_many_comments_it_holds(self, client, signed_in_moderator, queue_of_every_kind):
        assert tabs(get_page(client, QUEUE)) == {
            "Pending": "2",
            "Reported again after approval": "1",
            "Reported": "2",
            "Approved": "3",
            "Spam": "1",
            "Rejected": "1",
            "Unconfirmed": "",
            "All": "",
        }

    @pytest.mark.parametrize(
        ("tab", "query", "bodies"),
        [
            ("Reported again after approval 1", "?reported=again", ["Approved, then reported."]),
            ("Reported 2", "?reported=yes", ["Shown, reported.", "Approved, then reported."]),
            ("Spam 1", "?status__exact=spam", ["Spam."]),
            ("All", "?status__exact=all", ["Waiting too.", "Waiting."]),
        ],
    )
    def test_a_tab_lists_its_comments_and_shows_it_is_the_current_one(
        self, client, signed_in_moderator, queue_of_every_kind, tab, query, bodies
    ):
        page = get_page(client, QUEUE + query)

        assert current_tab(page) == tab
        assert page.find("nav", class_="queue-tabs").find("a", href=query).text == tab
        assert bodies_in_queue(client, query)[: len(bodies)] == bodies

    def test_a_tab_counts_no_further_than_the_limit(self, client, signed_in_moderator, monkeypatch):
        monkeypatch.setattr("comments.models.QUEUE_COUNT_LIMIT", 3)
        CommentFactory.create_batch(4, status=PENDING)

        assert tabs(get_page(client, QUEUE))["Pending"] == "3+"

    def test_sorting_and_paging_keep_the_tab(self, client, signed_in_moderator, queue_of_every_kind):
        assert current_tab(get_page(client, QUEUE + "?status__exact=pending&o=5&p=1")) == "Pending 2"

    def test_a_search_from_the_opening_page_stays_among_the_pending_comments(
        self, client, signed_in_moderator, queue_of_every_kind
    ):
        search = get_page(client, QUEUE).find("form", id="changelist-search")

        assert search.find("input", type="hidden", name="status__exact").attrs["value"] == PENDING
        assert bodies_in_queue(client, "?status__exact=pending&q=too") == ["Waiting too."]

    def test_a_search_with_no_tab_searches_every_status(self, client, signed_in_moderator, queue_of_every_kind):
        assert bodies_in_queue(client, "?q=shown") == ["Shown.", "Shown, reported."]

    def test_a_status_that_does_not_exist_shows_the_whole_queue_and_says_so(self, client, signed_in_moderator):
        response = client.get(QUEUE + "?status__exact=bogus", follow=True)

        assert [str(m) for m in response.context["messages"]] == [
            "That filter names nothing you may see: the whole queue is shown."
        ]

    def test_the_admin_homes_link_to_the_waiting_comments_still_opens_them(self, client, signed_in_moderator):
        CommentFactory(body="Waiting.", status=PENDING)

        assert current_tab(get_page(client, QUEUE + "?status__exact=pending")) == "Pending 1"

    def test_comments_on_one_article_are_named_above_the_list_with_a_way_back(self, client, signed_in_moderator):
        comment = CommentFactory(article=ArticleFactory(title="The Glass Orchard"), status=PENDING)

        page = get_page(client, f"{QUEUE}?status__exact=pending&article__id__exact={comment.article_id}")

        note = page.find("p", class_="queue-article")
        assert note.text == "Comments on The Glass Orchard Show every article’s"
        assert note.find("a").attrs["href"] == "?status__exact=pending"


class TestEachRow:
    def test_a_row_shows_the_comment_as_readers_will_see_it_with_spoilers_marked_not_hidden(
        self, client, signed_in_moderator
    ):
        CommentFactory(
            author_name="Ada",
            status=PENDING,
            body="**Yes**: ||the choir returns|| at the end.\n\n<script>alert(1)</script>",
        )

        body = row_of(get_page(client, QUEUE), "Ada").find("div", class_="comment-body")

        assert body.find("strong").text == "Yes"
        assert body.find("label", class_="spoiler").find("span", class_="spoiler-text").text == "the choir returns"
        assert "||" not in body.text and "**" not in body.text
        assert body.find_all("script") == []
        assert "<script>alert(1)</script>" in body.text  # raw HTML is shown as text, as readers see it

    def test_a_row_shows_html_tampered_with_in_the_database_sanitized(self, client, signed_in_moderator):
        comment = CommentFactory(author_name="Ada", status=PENDING)
        Comment.objects.filter(pk=comment.pk).update(body_html='<p onclick="x()">Hi<script>alert(1)</script></p>')

        body = row_of(get_page(client, QUEUE), "Ada").find("div", class_="comment-body")

        assert body.find_all("script") == [] and "onclick" not in body.find("p").attrs

    @pytest.mark.parametrize(
        ("event", "why"),
        [
            (
                {"rule": "first_comment", "reason": "A first comment from this email waits for review."},
                "First comment: A first comment from this email waits for review.",
            ),
            ({"rule": "too_many_links", "reason": "3 links (more than 2)."}, "Links: 3 links (more than 2)."),
            (
                {"rule": "reports", "reason": "Reported from 3 addresses."},
                "Readers' reports: Reported from 3 addresses.",
            ),
            ({"rule": "a_new_rule", "reason": ""}, "a_new_rule"),
        ],
    )
    def test_a_row_says_why_the_comment_was_held(self, client, signed_in_moderator, event, why):
        comment = CommentFactory(author_name="Ada", status=PENDING)
        comment.events.create(to_status=PENDING, created_at=ago(days=1), rule="honeypot", reason="An older event.")
        comment.events.create(to_status=PENDING, **event)

        cell = row_of(get_page(client, QUEUE), "Ada").find("td", class_="field-status_and_why")

        assert cell.find("span", class_="comment-status").text == "Pending"
        assert cell.find("p", class_="why").text == why

    def test_a_row_says_which_moderator_decided_last(self, client, signed_in_moderator):
        comment = CommentFactory(author_name="Ada", status=APPROVED)
        comment.events.create(to_status=APPROVED, actor=moderator(first_name="Mo", last_name="Derator"))

        why = row_of(get_page(client, QUEUE + "?status__exact=all"), "Ada").find("p", class_="why")

        assert why.text == "Approved by Mo Derator"

    def test_a_row_says_a_former_moderator_decided_when_their_account_is_gone(self, client, signed_in_moderator):
        comment = CommentFactory(author_name="Ada", status=PENDING)
        gone = moderator()
        comment.events.create(to_status=PENDING, actor=gone, reason="Sent back to look again.")
        gone.delete()

        why = row_of(get_page(client, QUEUE), "Ada").find("p", class_="why")

        assert why.text == "Sent back to the queue by a former moderator: Sent back to look again."

    def test_a_row_of_a_comment_without_history_says_so(self, client, signed_in_moderator):
        CommentFactory(author_name="Ada", status=PENDING)

        assert row_of(get_page(client, QUEUE), "Ada").find("p", class_="why").text == "No decision recorded."

    def test_a_reply_says_whom_it_answers(self, client, signed_in_moderator):
        parent = CommentFactory(author_name="Bea")
        CommentFactory(parent=parent, author_name="Cy", status=PENDING)

        note = row_of(get_page(client, QUEUE), "Cy").find("p", class_="in-reply-to")

        assert note.text == "In reply to Bea"
        assert note.find("a").attrs["href"] == reverse("admin:comments_comment_change", args=[parent.pk])

    def test_a_row_says_when_from_where_and_how_many_reports(self, client, signed_in_moderator):
        CommentFactory(author_name="Ada", status=PENDING, ip_address="203.0.113.5", report_count=3)

        row = row_of(get_page(client, QUEUE), "Ada")

        assert row.find("td", class_="field-submitted").find("span", class_="address").text == "203.0.113.5"
        assert row.find("td", class_="field-submitted").find("time").attrs["datetime"]
        assert row.find("a", class_="reports").text == "3 reports"

    def test_a_moderators_only_account_is_not_told_an_unpublished_articles_title(self, client, signed_in_moderator):
        draft = ArticleFactory(title="A secret draft", status="draft", publish_at=None)
        CommentFactory(article=draft, author_name="Ada", status=PENDING)

        page = get_page(client, QUEUE)

        assert row_of(page, "Ada").find("td", class_="field-public_article_link").text == (
            "An article that is not public now"
        )
        assert "A secret draft" not in str(client.get(QUEUE).content)


class TestWhoSeesTheButtons:
    def test_a_moderator_sees_approve_spam_reject_and_reply_on_a_pending_comment(self, client, signed_in_moderator):
        CommentFactory(author_name="Ada", status=PENDING)

        buttons = row_of(get_page(client, QUEUE), "Ada").find("div", class_="decisions").find_all("button")

        assert [button.text for button in buttons] == [
            "Approve: comment by Ada",
            "Spam: comment by Ada",
            "Reject: comment by Ada",
            "Reply to Ada",
        ]
        assert {button.attrs["form"] for button in buttons} == {"queue-decision", "queue-reply"}

    def test_an_approved_comment_offers_approve_again_only_when_readers_reported_it(self, client, signed_in_moderator):
        CommentFactory(author_name="Ada", status=APPROVED)
        CommentFactory(author_name="Ben", status=APPROVED, report_count=1)
        page = get_page(client, QUEUE + "?status__exact=approved")

        def labels(author):  # what the buttons say to the eye (they say whose comment to a screen reader)
            return [button.children[0] for button in row_of(page, author).find_all("button")]

        assert labels("Ada") == ["Spam", "Reject", "Reply"]
        assert labels("Ben") == ["Approve again", "Spam", "Reject", "Reply"]

    def test_someone_who_may_only_read_comments_sees_no_buttons(self, client):
        reader_of_comments = UserFactory(is_staff=True)
        reader_of_comments.user_permissions.add(*_permissions("view_comment"))
        CommentFactory(author_name="Ada", status=PENDING)
        client.force_login(reader_of_comments)

        page = get_page(client, QUEUE)

        assert page.find_all("div", class_="decisions") == []
        assert page.find_all("form", id="queue-decision") == []
        assert row_of(page, "Ada").find_all("td", class_="field-comment")


def _permissions(*codenames):
    from django.contrib.auth.models import Permission

    return Permission.objects.filter(content_type__app_label="comments", codename__in=codenames)


@pytest.mark.parametrize("prefix", ["/", "/site/"])
def test_the_rows_addresses_are_the_reversed_ones_under_any_script_prefix(prefix):
    set_script_prefix(prefix)
    try:
        for object_id in (1, 42, 2_147_483_647):
            for name in ("admin:comments_comment_change", "admin:comments_comment_decide"):
                assert row_url(name, object_id) == reverse(name, args=[object_id])
        assert admin_url("admin:comments_comment_changelist") == reverse("admin:comments_comment_changelist")
    finally:
        set_script_prefix("/")


@pytest.mark.parametrize("month", range(1, 13))
def test_a_rows_time_reads_as_djangos_date_format_would_write_it(month):
    time = datetime(2026, month, 3, 7, 5, tzinfo=UTC)

    assert f">{format_date(timezone.localtime(time), 'j M Y, H:i')}</time>" in when(time)
