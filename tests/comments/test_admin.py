"""The moderation queue in the admin: what moderators see and do, what the events record, who may do it."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from comments.markup import render_comment
from comments.models import Comment, ModerationEvent
from tests.utils.admin import change_url
from tests.utils.clock import NOW, ago
from tests.utils.factories import ArticleFactory, CommentFactory, CommentReportFactory, UserFactory, editor
from tests.utils.html import get_page, parse
from tests.utils.moderation import QUEUE, bodies_in_queue, queue

pytestmark = pytest.mark.django_db

APPROVED, PENDING = Comment.Status.APPROVED, Comment.Status.PENDING
REJECTED, SPAM = Comment.Status.REJECTED, Comment.Status.SPAM
EVERY_STATUS = "?status__exact=all"  # the queue opens on pending comments
ACTIONS = {
    "approve": ("Approve selected comments", APPROVED, "approved"),
    "reject": ("Reject selected comments", REJECTED, "rejected"),
    "mark_spam": ("Mark selected comments as spam", SPAM, "marked as spam"),
}

# Pinned by measuring with 10 and with 10,000 comments: the user and their two sets of permissions (the
# session comes from the cache), the count (stopped at QUEUE_COUNT_LIMIT) and the page of rows; filtering by an
# article reads its title too.
QUEUE_QUERIES = 5
# The queue page adds a count for each of its six counted tabs (each stopped at QUEUE_COUNT_LIMIT) and one query
# for the latest moderation event of every row on the page (why each comment is where it is).
QUEUE_PAGE_QUERIES = QUEUE_QUERIES + 6 + 1


def form_data(page, form_id: str) -> dict[str, str]:
    """What an admin form posts untouched: hidden fields (inline management forms included) and selects."""
    form = page.find("form", id=form_id)
    data = {}
    for control in form.descendants():
        name = control.attrs.get("name")
        if not name or name == "csrfmiddlewaretoken":
            continue
        if control.tag == "input" and control.attrs.get("type") in {"hidden", "text", "number"}:
            data[name] = control.attrs.get("value") or ""
        elif control.tag == "select":
            selected = [option for option in control.find_all("option") if "selected" in option.attrs]
            data[name] = selected[0].attrs["value"] if selected else ""
    return data


def many_comments(count: int) -> list[Article]:
    """``count`` comments over three articles, in every status, some reported, some replies; bulk-created."""
    articles = ArticleFactory.create_batch(3)
    body = "A *word* about the score, with a ||spoiler||."
    body_html = render_comment(body)
    statuses = [PENDING, APPROVED, REJECTED, SPAM]
    start = timezone.now() - timedelta(days=400)
    roots = Comment.objects.bulk_create(
        Comment(
            article=articles[n % 3],
            author_name=f"Listener {n}",
            author_email=f"listener{n}@example.com",
            body=body,
            body_html=body_html,
            status=statuses[n % 4],
            report_count=n % 5,
            ip_address=f"198.51.{n // 256 % 256}.{n % 256}",
            created_at=start + timedelta(minutes=n),
        )
        for n in range(count - count // 2)
    )
    Comment.objects.bulk_create(
        Comment(
            article=root.article,
            parent=root,
            thread=root,
            depth=1,
            author_name=f"Replier {n}",
            author_email=f"replier{n}@example.com",
            body=body,
            body_html=body_html,
            status=statuses[(n + 1) % 4],
            created_at=root.created_at + timedelta(seconds=30),
        )
        for n, root in enumerate(roots[: count // 2])
    )
    return articles


class TestModerationQueue:
    def test_a_moderator_sees_pending_comments_first_then_the_newest(self, client, clock, signed_in_moderator):
        CommentFactory(body="Old approved.", created_at=ago(days=3))
        CommentFactory(body="Spam.", status=SPAM, created_at=ago(hours=1))
        CommentFactory(body="Older pending.", status=PENDING, created_at=ago(days=2))
        CommentFactory(body="New approved.", created_at=ago(minutes=5))
        CommentFactory(body="Newer pending.", status=PENDING, created_at=ago(days=1))
        CommentFactory(body="Rejected.", status=REJECTED, created_at=ago(minutes=1))

        assert bodies_in_queue(client, EVERY_STATUS) == [
            "Newer pending.",
            "Older pending.",
            "New approved.",
            "Old approved.",
            "Spam.",
            "Rejected.",
        ]

    def test_the_queue_shows_each_comments_body_author_article_status_reports_and_ip(self, client, signed_in_moderator):
        comment = CommentFactory(author_name="Ash Patel", body="x" * 100, ip_address="203.0.113.5", report_count=2)

        page = get_page(client, QUEUE + EVERY_STATUS)

        row = page.find("tbody").find("tr")
        assert row.find("th").text == "Ash Patel"
        assert row.find("div", class_="comment-body").text == "x" * 100  # the whole comment
        assert row.find("td", class_="field-public_article_link").text == f"{comment.article.title} (its comments)"
        status = row.find("td", class_="field-status_and_why")
        assert status.find("span", class_="comment-status").text == "Approved"
        assert status.find("a", class_="reports").text == "2 reports"
        assert row.find("td", class_="field-submitted").find("span", class_="address").text == "203.0.113.5"
        assert row.find("a", href=comment.article.get_absolute_url()).text == comment.article.title

    @pytest.mark.parametrize(
        ("query", "expected"),
        [
            ("?status__exact=pending", ["Pending."]),
            ("?status__exact=spam", ["Spam."]),
            ("?reported=yes", ["Reported."]),
            ("?reported=no", ["Pending.", "On the other article.", "Spam."]),
        ],
    )
    def test_the_queue_filters_by_status_and_reports(self, client, signed_in_moderator, query, expected):
        CommentFactory(body="Pending.", status=PENDING, created_at=ago(hours=1))
        CommentFactory(body="Reported.", report_count=2, created_at=ago(hours=2))
        CommentFactory(body="On the other article.", created_at=ago(hours=3))
        CommentFactory(body="Spam.", status=SPAM, created_at=ago(hours=4))

        assert bodies_in_queue(client, query) == expected

    def test_the_queue_filters_by_an_article_chosen_from_a_row(self, client, signed_in_moderator):
        first, second = CommentFactory(body="On the first."), CommentFactory(body="On the second.")
        ArticleFactory(title="An article nobody commented on")

        rows = get_page(client, QUEUE + EVERY_STATUS).find("tbody")
        link = rows.find("a", href=f"{QUEUE}?article__id__exact={second.article.pk}")
        assert link.text == "its comments"
        assert bodies_in_queue(client, f"?article__id__exact={second.article.pk}") == ["On the second."]
        named = get_page(client, f"{QUEUE}?article__id__exact={second.article.pk}").find("p", class_="queue-article")
        assert second.article.title in named.text
        assert first.article.title not in named.text and "An article nobody commented on" not in named.text

    def test_the_queue_names_no_article_until_one_is_chosen(self, client, signed_in_moderator):
        CommentFactory()

        page = get_page(client, QUEUE + EVERY_STATUS)
        assert page.find_all("p", class_="queue-article") == [] and page.find_all(id="changelist-filter") == []

    def test_a_long_queue_says_how_many_up_to_a_limit(self, client, signed_in_moderator, monkeypatch):
        monkeypatch.setattr("comments.models.QUEUE_COUNT_LIMIT", 3)
        CommentFactory.create_batch(5, status=PENDING)

        page = get_page(client, QUEUE)

        assert " ".join(page.find("nav", class_="paginator").text.split()).endswith(" 3+ comments")
        assert page.find("span", class_="question").text.strip() == "Select all 3+ comments"
        assert len(queue(client)) == 5

    def test_a_short_queue_says_exactly_how_many(self, client, signed_in_moderator, monkeypatch):
        monkeypatch.setattr("comments.models.QUEUE_COUNT_LIMIT", 3)
        CommentFactory.create_batch(3, status=PENDING)

        text = " ".join(get_page(client, QUEUE).find("nav", class_="paginator").text.split())
        assert text.endswith(" 3 comments") and "+" not in text

    @pytest.mark.parametrize(
        ("search", "expected"),
        [
            ("cello", ["About the cello."]),
            ("Okafor", ["By June."]),
            ("ash@example.com", ["By Ash."]),
            ("203.0.113.77", ["From that address."]),
        ],
        ids=["body", "name", "email", "ip"],
    )
    def test_the_queue_searches_body_name_email_and_ip(self, client, signed_in_moderator, search, expected):
        CommentFactory(body="About the cello.")
        CommentFactory(body="By June.", author_name="June Okafor")
        CommentFactory(body="By Ash.", author_email="ash@example.com")
        CommentFactory(body="From that address.", ip_address="203.0.113.77")

        assert bodies_in_queue(client, f"?q={search}") == expected

    def test_the_queue_offers_the_three_moderation_actions(self, client, signed_in_moderator):
        CommentFactory()

        options = get_page(client, QUEUE).find("select", name="action").find_all("option")

        assert {option.text for option in options} >= {label for label, _, _ in ACTIONS.values()}

    @pytest.mark.parametrize("action", ACTIONS)
    def test_a_bulk_action_changes_the_status_and_records_who_did_it(self, client, clock, signed_in_moderator, action):
        _, to_status, verb = ACTIONS[action]
        chosen = [
            CommentFactory(status=PENDING, body="Pending one."),
            CommentFactory(status=PENDING, body="Pending two."),
            CommentFactory(status=REJECTED if to_status != REJECTED else APPROVED, body="Decided already."),
        ]
        untouched = CommentFactory(status=PENDING, body="Not selected.")
        ModerationEvent.objects.all().delete()

        response = client.post(
            QUEUE + EVERY_STATUS,
            {"action": action, "_selected_action": [c.pk for c in chosen], "index": 0},
            follow=True,
        )

        assert response.redirect_chain[-1][0].endswith(QUEUE + EVERY_STATUS)
        assert [str(m) for m in response.context["messages"]] == [f"3 comments {verb}."]
        assert set(Comment.objects.filter(pk__in=[c.pk for c in chosen]).values_list("status", flat=True)) == {
            to_status
        }
        untouched.refresh_from_db()
        assert untouched.status == PENDING
        events = ModerationEvent.objects.order_by("comment_id")
        assert [(e.comment_id, e.actor, e.from_status, e.to_status, e.created_at) for e in events] == [
            (c.pk, signed_in_moderator, c.status, to_status, NOW) for c in chosen
        ]

    def test_a_bulk_action_on_comments_already_in_that_status_records_nothing(self, client, signed_in_moderator):
        comment = CommentFactory(status=APPROVED)

        response = client.post(QUEUE, {"action": "approve", "_selected_action": [comment.pk], "index": 0}, follow=True)

        assert [str(m) for m in response.context["messages"]] == ["0 comments approved."]
        assert not ModerationEvent.objects.exists()

    def test_an_approved_comment_appears_on_the_article_page(self, client, signed_in_moderator):
        comment = CommentFactory(status=PENDING, body="Released by a moderator.")
        reader = Client()
        assert "Released by a moderator." not in reader.get(comment.article.get_absolute_url()).content.decode()

        client.post(QUEUE, {"action": "approve", "_selected_action": [comment.pk], "index": 0})

        assert "Released by a moderator." in reader.get(comment.article.get_absolute_url()).content.decode()


class TestReportsInTheQueue:
    """Who reported what, and how often: a botnet or a reader with a grudge shows as one address's many reports."""

    @pytest.fixture
    def reported(self):
        grudge, other = CommentFactory(body="The one with a grudge against it."), CommentFactory(body="Another.")
        for network in ("203.0.113.7", "198.51.100.1"):
            CommentReportFactory(comment=grudge, network=network, ip_address=network, note=f"from {network}")
        CommentReportFactory(comment=other, network="203.0.113.7", ip_address="203.0.113.7", note="again")
        for comment, count in ((grudge, 2), (other, 1)):
            Comment.objects.filter(pk=comment.pk).update(report_count=count)
        return grudge

    def reports_page(self, client, url: str) -> dict[str, str]:
        """Each report's note, with the "reports from this address" cell of its row."""
        rows = get_page(client, url).find("tbody").find_all("tr")
        return {
            row.find("td", class_="field-note").text: row.find("td", class_="field-from_this_address").text
            for row in rows
        }

    def test_a_comments_report_count_leads_to_its_reports_and_each_says_how_often_its_address_reported(
        self, client, signed_in_moderator, reported
    ):
        row = next(
            r for r in get_page(client, QUEUE + "?reported=yes").find("tbody").find_all("tr") if reported.body in r.text
        )
        link = row.find("a", class_="reports")
        assert link.text == "2 reports"

        assert self.reports_page(client, link.attrs["href"]) == {
            "from 203.0.113.7": "2 reports",
            "from 198.51.100.1": "1 report",
        }

    def test_an_addresss_reports_are_one_click_away(self, client, signed_in_moderator, reported):
        reports = reverse("admin:comments_commentreport_changelist")
        link = get_page(client, f"{reports}?comment={reported.pk}").find("a", href=f"{reports}?network=203.0.113.7")

        assert self.reports_page(client, link.attrs["href"]) == {"from 203.0.113.7": "2 reports", "again": "2 reports"}

    def test_the_comment_page_lists_its_reports_with_their_addresses(self, client, signed_in_moderator, reported):
        inline = get_page(client, change_url(reported)).find("div", id="reports-group")

        assert "203.0.113.7" in inline.text and "198.51.100.1" in inline.text
        assert "2 reports" in inline.text and "1 report" in inline.text

    def test_the_queue_lists_comments_reported_again_after_a_moderators_approval(self, client, signed_in_moderator):
        reviewed = CommentFactory(body="Approved, reported again.", reviewed_at=ago(hours=2))
        CommentReportFactory(comment=reviewed)
        earlier = CommentFactory(body="Approved after its reports.", reviewed_at=ago(minutes=1))
        CommentReportFactory(comment=earlier, created_at=ago(hours=1))
        CommentReportFactory(comment=CommentFactory(body="Never reviewed."))

        assert bodies_in_queue(client, "?reported=again") == ["Approved, reported again."]

    def test_nobody_adds_changes_or_deletes_reports(self, client, signed_in_moderator, reported):
        report = reported.reports.first()

        assert client.get(reverse("admin:comments_commentreport_add")).status_code == 403
        page = get_page(client, reverse("admin:comments_commentreport_change", args=[report.pk]))
        assert page.find_all("input", type="submit") == []
        assert client.post(reverse("admin:comments_commentreport_delete", args=[report.pk])).status_code == 403

    @pytest.mark.parametrize("count", [5, 60])
    def test_the_reports_page_makes_the_same_queries_however_many_reports(
        self, client, signed_in_moderator, count, django_assert_num_queries
    ):
        CommentReportFactory.create_batch(count)

        with django_assert_num_queries(QUEUE_QUERIES):
            response = client.get(reverse("admin:comments_commentreport_changelist"))
        assert len(response.context["cl"].result_list) == min(count, 100)


class TestCommentChangeForm:
    def test_the_change_form_shows_the_rendered_body_the_article_and_the_parent(self, client, signed_in_moderator):
        parent = CommentFactory(author_name="Tomás Reyes", body="The choir entrance in *Harvest of Light*.")
        reply = CommentFactory(
            parent=parent,
            status=PENDING,
            body="**Yes**, and ||the major key|| at the end. <script>alert(1)</script>",
        )

        response = client.get(change_url(reply))

        assert response.status_code == 200
        page = parse(response)
        body = page.find("div", class_="comment-body")
        assert body.find("strong").text == "Yes"
        assert body.find("label", class_="spoiler").find("span", class_="spoiler-text").text == "the major key"
        assert body.find_all("script") == []
        article_link = page.find("a", href=reply.article.get_absolute_url())
        assert article_link.text == reply.article.title
        in_reply_to = page.find("a", href=change_url(parent))
        assert in_reply_to.text == "Tomás Reyes"
        assert "The choir entrance in *Harvest of Light*." in in_reply_to.parent.text

    def test_only_the_status_can_be_changed(self, client, signed_in_moderator):
        comment = CommentFactory(status=PENDING)

        form = get_page(client, change_url(comment)).find("form", id="comment_form")

        editable = {
            control.attrs["name"]
            for control in form.descendants()
            if control.tag in {"input", "select", "textarea"} and control.attrs.get("type") != "hidden"
        }
        assert editable <= {"status", "_save", "_continue", "_addanother"}
        assert "status" in editable

    def test_changing_the_status_in_the_form_records_an_event_with_the_moderator(
        self, client, clock, signed_in_moderator
    ):
        comment = CommentFactory(status=PENDING, body="Held for review.")
        CommentReportFactory(comment=comment)  # the read-only inlines have rows to show
        earlier = comment.events.create(rule="first_comment", to_status=PENDING, created_at=ago(hours=1))
        data = form_data(get_page(client, change_url(comment)), "comment_form") | {
            "status": APPROVED,
            "_save": "Save",
        }

        response = client.post(change_url(comment), data)

        assert response.status_code == 302, response.context["errors"] if response.context else response
        comment.refresh_from_db()
        assert comment.status == APPROVED
        event = comment.events.exclude(pk=earlier.pk).get()
        assert (event.actor, event.from_status, event.to_status, event.reason) == (
            signed_in_moderator,
            PENDING,
            APPROVED,
            "Changed in admin.",
        )

    def test_saving_the_form_unchanged_records_nothing(self, client, signed_in_moderator):
        comment = CommentFactory(status=PENDING)
        data = form_data(get_page(client, change_url(comment)), "comment_form") | {"_save": "Save"}

        assert client.post(change_url(comment), data).status_code == 302
        comment.refresh_from_db()
        assert comment.status == PENDING
        assert not comment.events.exists()

    def test_nobody_adds_comments_in_the_admin(self, client, signed_in_moderator):
        assert client.get(reverse("admin:comments_comment_add")).status_code == 403


class TestAdminIndex:
    def test_the_admin_index_shows_moderators_the_number_of_pending_comments(self, client, signed_in_moderator):
        CommentFactory.create_batch(3, status=PENDING)
        CommentFactory(status=APPROVED)
        CommentFactory(status=SPAM)

        page = get_page(client, reverse("admin:index"))

        link = page.find("p", class_="pending-comments").find("a")
        assert link.text == "3 comments awaiting moderation"
        assert link.attrs["href"] == f"{QUEUE}?status__exact=pending"
        assert bodies_in_queue(client, "?status__exact=pending") == ["The main theme stayed with me for days."] * 3

    def test_the_count_is_singular_for_one_pending_comment(self, client, signed_in_moderator):
        CommentFactory(status=PENDING)

        page = get_page(client, reverse("admin:index"))

        assert page.find("p", class_="pending-comments").text == "1 comment awaiting moderation"

    def test_a_long_queue_is_counted_up_to_a_limit(self, client, signed_in_moderator, monkeypatch):
        monkeypatch.setattr("comments.models.QUEUE_COUNT_LIMIT", 2)
        CommentFactory.create_batch(3, status=PENDING)

        page = get_page(client, reverse("admin:index"))

        assert page.find("p", class_="pending-comments").text == "2+ comments awaiting moderation"

    def test_editors_who_do_not_moderate_see_no_pending_count(self, client):
        CommentFactory(status=PENDING)
        client.force_login(editor())

        assert get_page(client, reverse("admin:index")).find_all("p", class_="pending-comments") == []


class TestPermissions:
    def test_moderators_cannot_open_or_change_articles(self, client, signed_in_moderator):
        article = ArticleFactory(title="Untouched")
        change = reverse("admin:articles_article_change", args=[article.pk])

        assert client.get(reverse("admin:articles_article_changelist")).status_code == 403
        assert client.get(change).status_code == 403
        assert client.post(change, {"title": "Changed by a moderator"}).status_code == 403
        article.refresh_from_db()
        assert article.title == "Untouched"

    def test_moderators_see_comments_but_not_articles_on_the_admin_index(self, client, signed_in_moderator):
        links = {
            a.attrs["href"]
            for a in get_page(client, reverse("admin:index")).find("div", id="content-main").find_all("a")
        }

        assert QUEUE in links
        assert reverse("admin:articles_article_changelist") not in links

    def test_editors_cannot_open_the_moderation_queue_or_moderate(self, client):
        comment = CommentFactory(status=PENDING)
        client.force_login(editor())

        assert client.get(QUEUE).status_code == 403
        assert client.get(change_url(comment)).status_code == 403
        assert client.post(QUEUE, {"action": "approve", "_selected_action": [comment.pk]}).status_code == 403
        comment.refresh_from_db()
        assert comment.status == PENDING

    def test_an_editor_who_is_also_a_moderator_can_moderate(self, client):
        comment = CommentFactory(status=PENDING)
        client.force_login(UserFactory(is_staff=True, groups=["Editors", "Moderators"]))

        client.post(QUEUE, {"action": "approve", "_selected_action": [comment.pk], "index": 0})

        comment.refresh_from_db()
        assert comment.status == APPROVED

    def test_moderators_may_read_the_audit_trail_but_not_change_it(self, client, signed_in_moderator):
        event = CommentFactory().events.create(rule="first_comment", to_status=PENDING)

        assert client.get(reverse("admin:comments_moderationevent_changelist")).status_code == 200
        change = reverse("admin:comments_moderationevent_change", args=[event.pk])
        assert client.post(change, {"reason": "Rewritten."}).status_code == 403
        event.refresh_from_db()
        assert event.reason == ""


class TestQueueQueryCount:
    @pytest.mark.parametrize("size", [10, 10_000])
    def test_the_queue_makes_the_same_queries_with_ten_or_ten_thousand_comments(
        self, client, signed_in_moderator, size, django_assert_num_queries
    ):
        articles = many_comments(size)
        CommentReportFactory(comment=CommentFactory(article=articles[0], reviewed_at=ago(days=1)))  # reported again

        for query, extra_queries in (
            ("", 0),
            ("?status__exact=pending", 0),
            (EVERY_STATUS, 0),
            ("?reported=again", 0),
            (f"?article__id__exact={articles[0].pk}", 1),
            ("?reported=yes&q=score", 0),
        ):
            with django_assert_num_queries(QUEUE_PAGE_QUERIES + extra_queries):
                response = client.get(QUEUE + query)
            assert response.status_code == 200
            assert len(response.context["cl"].result_list) == min(50, response.context["cl"].result_count)
