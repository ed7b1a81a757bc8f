"""The discussion under an article, through the test client: reading, posting, editing, reporting, cost."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.core import signing
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from comments.forms import FORM_TOKEN_SALT
from comments.markup import render_comment
from comments.models import Comment, CommentReport
from tests.utils.budgets import ARTICLE_PAGE_QUERIES
from tests.utils.clock import ago
from tests.utils.discussion import (
    POSTER,
    TRACKS,
    accessible_name,
    author,
    bodies,
    card,
    comment_body,
    comment_form,
    comment_form_data,
    comment_item,
    comment_items,
    discussion,
    elements,
    field_value,
    form_alert,
    heading,
    known_commenter,
    messages_on,
    permalink,
    post_comment,
    post_url,
    remember_as_own,
    reply_links,
    report_links,
)
from tests.utils.factories import (
    ArticleFactory,
    CommentFactory,
    FeaturedTrackFactory,
    TrackFactory,
    UserFactory,
    WorkFactory,
    editor,
)
from tests.utils.html import Node, get_page, parse

pytestmark = pytest.mark.django_db

APPROVED, PENDING = Comment.Status.APPROVED, Comment.Status.PENDING
REJECTED, SPAM = Comment.Status.REJECTED, Comment.Status.SPAM
FORM_LABELS = ["Name", "Email", "Comment", "Which track stood out to you?", "Email me when someone replies"]


@pytest.fixture
def article(clock) -> Article:
    article = ArticleFactory(
        title="Why Arrival’s soundtrack deserves more recognition", work=WorkFactory(title="Arrival")
    )
    for title in TRACKS:
        FeaturedTrackFactory(article=article, track=TrackFactory(work=article.work, title=title))
    return article


def field_errors(form: Node, name: str) -> list[str]:
    return [item.text for item in form.find_all("ul", id=f"id_{name}_error")[0].find_all("li")]


def threaded_discussion(article: Article, size: int) -> None:
    """``size`` approved comments (a multiple of five) in threads three levels deep: each top-level comment
    has two replies, each answered once; top-level comments and their first replies pick a featured track."""
    tracks = list(article.featured_tracks.all())
    body = "Listen for the ||glass harmonica|| in the *second* phrase."
    common = {"article": article, "body": body, "body_html": render_comment(body), "status": APPROVED}
    start = timezone.now() - timedelta(days=30)
    roots = Comment.objects.bulk_create(
        Comment(
            **common,
            author_name=f"Reader {n}",
            author_email=f"reader{n}@example.com",
            favourite_track=tracks[n % len(tracks)],
            created_at=start + timedelta(minutes=5 * n),
        )
        for n in range(size // 5)
    )
    replies = Comment.objects.bulk_create(
        Comment(
            **common,
            parent=root,
            thread=root,
            depth=1,
            author_name=f"Replier {root.pk}-{k}",
            author_email=f"replier{k}@example.com",
            favourite_track=tracks[k % len(tracks)] if k == 0 else None,
            created_at=root.created_at + timedelta(minutes=1 + 2 * k),
        )
        for root in roots
        for k in range(2)
    )
    Comment.objects.bulk_create(
        Comment(
            **common,
            parent=reply,
            thread=reply.thread,
            depth=2,
            author_name=f"Answer to {reply.pk}",
            author_email="answers@example.com",
            created_at=reply.created_at + timedelta(minutes=1),
        )
        for reply in replies
    )


class TestReadingTheDiscussion:
    def test_readers_see_only_approved_comments_and_their_number_in_the_heading(self, client, article):
        top = CommentFactory(article=article, body="Approved at the top.")
        CommentFactory(parent=top, body="An approved reply.")
        CommentFactory(article=article, body="Still pending.", status=PENDING)
        CommentFactory(article=article, body="Rejected.", status=REJECTED)
        CommentFactory(parent=top, body="Spam reply.", status=SPAM)
        CommentFactory(body="On another article.")

        page = get_page(client, article.get_absolute_url())

        assert heading(page) == "2 comments"
        assert bodies(page) == ["Approved at the top.", "An approved reply."]
        assert page.find_all("li", class_="comment-pending") == []

    def test_the_heading_is_singular_for_one_comment_and_invites_the_first_otherwise(self, client, article):
        page = get_page(client, article.get_absolute_url())
        assert heading(page) == "0 comments"
        assert page.find("p", class_="empty").text == "No comments yet. Be the first to share your thoughts."

        CommentFactory(article=article)

        assert heading(get_page(client, article.get_absolute_url())) == "1 comment"

    def test_replies_nest_under_the_comment_they_answer_oldest_first(self, client, article):
        second = CommentFactory(article=article, body="Second thread.", created_at=ago(hours=5))
        first = CommentFactory(article=article, body="First thread.", created_at=ago(hours=6))
        CommentFactory(parent=first, body="Later reply.", created_at=ago(hours=1))
        earlier = CommentFactory(parent=first, body="Earlier reply.", created_at=ago(hours=2))
        CommentFactory(parent=earlier, body="Answer to the earlier reply.", created_at=ago(minutes=30))
        CommentFactory(parent=second, body="Reply to the second.", created_at=ago(minutes=10))

        page = get_page(client, article.get_absolute_url())

        assert discussion(page) == [
            (
                "First thread.",
                [("Earlier reply.", [("Answer to the earlier reply.", [])]), ("Later reply.", [])],
            ),
            ("Second thread.", [("Reply to the second.", [])]),
        ]

    def test_each_comment_shows_its_author_and_its_date_as_a_permalink(self, client, article):
        comment = CommentFactory(
            article=article,
            author_name="Mara Lindqvist",
            author_email="mara@example.com",
            created_at=ago(hours=3),
        )

        response = client.get(article.get_absolute_url())
        item = comment_item(parse(response), comment)

        assert author(item).text == "Mara Lindqvist"
        link = permalink(item)
        assert link.attrs["href"] == f"#comment-{comment.pk}"
        assert link.find("time").attrs["datetime"] == "2026-06-01T09:00Z"  # the minute it shows, in UTC
        # An absolute date: the card is cached, and "3 hours ago" would be stale the moment it was stored.
        assert link.text == "1 June 2026, 09:00"
        assert "mara@example.com" not in response.content.decode()

    def test_threads_are_paginated_with_their_replies(self, client, article, settings):
        settings.COMMENTS_THREADS_PER_PAGE = 2
        for n in range(1, 6):
            top = CommentFactory(article=article, body=f"Thread {n}.", created_at=ago(hours=10 - n))
            CommentFactory(parent=top, body=f"Reply in thread {n}.", created_at=ago(hours=1, minutes=n))

        first = get_page(client, article.get_absolute_url())
        second = get_page(client, article.get_absolute_url() + "?comments=2")
        third = get_page(client, article.get_absolute_url() + "?comments=3")

        assert discussion(first) == [
            ("Thread 1.", [("Reply in thread 1.", [])]),
            ("Thread 2.", [("Reply in thread 2.", [])]),
        ]
        assert discussion(second) == [
            ("Thread 3.", [("Reply in thread 3.", [])]),
            ("Thread 4.", [("Reply in thread 4.", [])]),
        ]
        assert discussion(third) == [("Thread 5.", [("Reply in thread 5.", [])])]
        assert [heading(page) for page in (first, second, third)] == ["10 comments"] * 3
        nav = second.find("nav", class_="pagination")
        assert nav.find("span").text == "Comments page 2 of 3"
        assert nav.find("a", rel="prev").attrs["href"] == "?comments=1#comments"
        assert nav.find("a", rel="next").attrs["href"] == "?comments=3#comments"
        assert first.find("nav", class_="pagination").find_all("a", rel="prev") == []
        assert third.find("nav", class_="pagination").find_all("a", rel="next") == []

    @pytest.mark.parametrize(
        ("number", "shown"),
        [("99999999999999999999999999", "Thread 3."), ("4", "Thread 3."), ("0", "Thread 1."),
         ("-2", "Thread 1."), ("two", "Thread 1."), ("", "Thread 1."), ("1.5", "Thread 1.")],
    )  # fmt: skip
    def test_a_page_number_out_of_range_or_not_a_number_shows_the_last_or_the_first_page(
        self, client, article, settings, number, shown
    ):
        settings.COMMENTS_THREADS_PER_PAGE = 2
        for n in range(1, 4):
            CommentFactory(article=article, body=f"Thread {n}.", created_at=ago(hours=10 - n))

        page = get_page(client, f"{article.get_absolute_url()}?comments={number}")

        assert discussion(page)[0] == (shown, [])

    def test_a_single_page_of_threads_has_no_pagination(self, client, article):
        CommentFactory(article=article)

        assert get_page(client, article.get_absolute_url()).find_all("nav", class_="pagination") == []

    def test_the_form_has_visible_labels_an_email_note_and_a_post_button(self, client, article):
        form = comment_form(get_page(client, article.get_absolute_url()))

        visible = [group for group in form.find_all("div", class_="field") if "hp" not in group.attrs["class"].split()]
        labels = [group.find("label") for group in visible]
        assert [label.text for label in labels] == FORM_LABELS
        for label in labels:
            assert form.find(id=label.attrs["for"]).tag in {"input", "textarea", "select"}
        assert form.find("div", id="id_author_email_helptext").text == "Never shown publicly."
        assert form.find("button", type="submit").text == "Post comment"
        assert form.find("input", name="form_token").attrs["type"] == "hidden"
        options = form.find("select", name="favourite_track").find_all("option")
        assert [option.text for option in options][1:] == TRACKS

    def test_the_honeypot_field_is_hidden_from_people_and_screen_readers(self, client, article):
        form = comment_form(get_page(client, article.get_absolute_url()))

        honeypot = form.find("div", class_="hp")
        assert honeypot.attrs["aria-hidden"] == "true"
        assert honeypot.find("input", name="website").attrs["tabindex"] == "-1"

    def test_the_reply_link_opens_the_form_as_a_reply_to_that_comment(self, client, article):
        comment = CommentFactory(article=article, author_name="Tomás Reyes")

        page = get_page(client, article.get_absolute_url())
        (link,) = reply_links(comment_item(page, comment))
        assert link.attrs["href"] == f"?reply_to={comment.pk}#comment-form"  # the first page: no ?comments
        assert (link.text, accessible_name(page, link)) == ("Reply", "Reply to Tomás Reyes")

        page = get_page(client, f"{article.get_absolute_url()}?reply_to={comment.pk}")
        assert page.find("h3", id="comment-form-heading").text == "Reply to Tomás Reyes"
        assert field_value(comment_form(page), "parent") == str(comment.pk)

    def test_replies_to_a_comment_that_is_not_public_open_an_ordinary_form(self, client, article):
        pending = CommentFactory(article=article, status=PENDING)
        elsewhere = CommentFactory()

        for target in (pending, elsewhere, "junk"):
            page = get_page(client, f"{article.get_absolute_url()}?reply_to={getattr(target, 'pk', target)}")

            assert page.find("h3", id="comment-form-heading").text == "Share your thoughts"
            assert field_value(comment_form(page), "parent") == ""

    def test_there_is_no_reply_link_at_the_maximum_depth(self, client, article, settings):
        top = CommentFactory(article=article)
        reply = CommentFactory(parent=top)
        deepest = CommentFactory(parent=reply)

        page = get_page(client, article.get_absolute_url())
        assert [len(reply_links(comment_item(page, c))) for c in (top, reply, deepest)] == [1, 1, 0]

        settings.COMMENTS_MAX_DEPTH = 2
        page = get_page(client, article.get_absolute_url())
        assert [len(reply_links(comment_item(page, c))) for c in (top, reply, deepest)] == [1, 0, 0]

    def test_each_comment_links_to_a_form_to_report_it(self, client, article):
        comment = CommentFactory(article=article, author_name="Tomás Reyes", body="Pirate copies *here*.")

        page = get_page(client, article.get_absolute_url())
        (report,) = report_links(comment_item(page, comment))

        assert (report.text, accessible_name(page, report)) == ("Report", "Report the comment by Tomás Reyes")
        assert report.attrs["href"] == reverse("comments:report", args=[comment.pk])
        page = get_page(client, report.attrs["href"])
        assert page.find("blockquote", class_="comment-body").text == "Pirate copies here."
        form = page.find("main").find("form")
        reasons = [form.find("label", for_=radio.attrs["id"]) for radio in form.find_all("input", name="reason")]
        assert [label.text for label in reasons] == [label for _, label in CommentReport.Reason.choices]
        assert form.find("button").text == "Report this comment"
        response = client.post(report.attrs["href"], {"reason": "spoiler", "note": ""}, follow=True)
        assert messages_on(parse(response)) == ["Thank you: the moderators will look at this comment."]
        assert CommentReport.objects.get().comment == comment


class TestPostingAComment:
    def test_a_first_comment_awaits_moderation_and_only_its_poster_sees_it(self, client, clock, article):
        response = post_comment(client, clock, article)

        comment = Comment.objects.get()
        assert comment.status == PENDING
        assert response.status_code == 302
        assert response["Location"] == f"{article.get_absolute_url()}#comment-{comment.pk}"
        page = get_page(client, response["Location"])
        assert messages_on(page) == ["Thank you: your comment is awaiting moderation. Only you can see it now."]
        item = comment_item(page, comment)
        assert "comment-pending" in item.attrs["class"].split()
        assert item.find("p", class_="comment-status").text == (
            "Awaiting moderation. Only you can see this comment for now."
        )
        assert bodies(page) == ["The cello in act two!"]
        assert heading(page) == "0 comments"

        stranger = get_page(Client(), article.get_absolute_url())
        assert stranger.find_all("li", id=f"comment-{comment.pk}") == []
        assert bodies(stranger) == []

    def test_a_known_commenter_is_published_at_once_for_everybody(self, client, clock, article):
        known_commenter(article)

        response = post_comment(client, clock, article, follow=True)

        comment = Comment.objects.latest("pk")
        assert comment.status == APPROVED
        assert response.redirect_chain == [(f"{article.get_absolute_url()}#comment-{comment.pk}", 302)]
        page = parse(response)
        assert messages_on(page) == ["Thank you: your comment is published."]
        assert "class" not in comment_item(page, comment).attrs
        stranger = get_page(Client(), article.get_absolute_url())
        assert heading(stranger) == "2 comments"
        assert author(comment_item(stranger, comment)).text == "Mara Lindqvist"

    def test_the_chosen_track_is_saved_and_shown_with_the_comment(self, client, clock, article):
        known_commenter(article)
        picked = article.featured_tracks.get(track__title="First Encounter")

        post_comment(client, clock, article, favourite_track=str(picked.pk))

        comment = Comment.objects.latest("pk")
        assert comment.favourite_track == picked
        pick = comment_item(get_page(client, article.get_absolute_url()), comment).find("p", class_="comment-pick")
        assert pick.text == "Track that stood out: First Encounter"
        assert pick.find("a").attrs["href"] == f"#track-{picked.position}"

    def test_posting_the_reply_form_creates_a_reply_nested_under_its_parent(self, client, clock, article):
        known_commenter(article)
        top = CommentFactory(article=article, body="What a score.", created_at=ago(hours=1))
        answer = CommentFactory(parent=top, body="Agreed.", created_at=ago(minutes=30))

        post_comment(client, clock, article, page=f"?comments=1&reply_to={answer.pk}", body="And the choir!")

        reply = Comment.objects.latest("pk")
        assert (reply.parent, reply.thread, reply.depth, reply.status) == (answer, top, 2, APPROVED)
        thread = discussion(get_page(Client(), article.get_absolute_url()))[-1]
        assert thread == ("What a score.", [("Agreed.", [("And the choir!", [])])])

    @pytest.mark.parametrize(
        ("typed", "field", "message"),
        [
            pytest.param({"author_name": "   "}, "author_name", "This field is required.", id="empty name"),
            pytest.param(
                {"author_name": "N" * 81},
                "author_name",
                "Ensure this value has at most 80 characters (it has 81).",
                id="name of 81 characters",
            ),
            pytest.param(
                {"author_email": "mara-at-example"},
                "author_email",
                "Enter a valid email address.",
                id="email",
            ),
            pytest.param(
                {"body": "x"},
                "body",
                "Ensure this value has at least 2 characters (it has 1).",
                id="body of 1",
            ),
            pytest.param(
                {"body": "x" * 5001},
                "body",
                "Ensure this value has at most 5000 characters (it has 5001).",
                id="body of 5001",
            ),
        ],
    )
    def test_an_invalid_comment_comes_back_as_400_with_the_message_and_everything_typed(
        self, client, clock, article, typed, field, message
    ):
        parent = CommentFactory(article=article, author_name="Tomás Reyes")
        picked = article.featured_tracks.get(track__title="First Encounter")
        typed_in = POSTER | {"favourite_track": str(picked.pk)} | typed

        response = post_comment(client, clock, article, page=f"?reply_to={parent.pk}", **typed_in)

        assert response.status_code == 400
        page = parse(response)
        form = comment_form(page)
        assert field_errors(form, field) == [message]
        assert form.find(id=f"id_{field}").attrs["aria-invalid"] == "true"
        assert {name: field_value(form, name) for name in typed_in} == typed_in
        assert field_value(form, "parent") == str(parent.pk)
        assert page.find("h3", id="comment-form-heading").text == "Reply to Tomás Reyes"
        assert Comment.objects.count() == 1

    def test_a_tampered_form_token_is_refused_and_the_form_comes_back_ready_to_post_again(self, client, clock, article):
        data = comment_form_data(get_page(client, article.get_absolute_url())) | POSTER
        signature = data["form_token"].split(":", 1)[1]
        data["form_token"] = signing.b64_encode(b'{"t":0,"id":"forged"}').decode() + ":" + signature
        clock.shift(5)

        response = client.post(post_url(article), data)

        assert response.status_code == 400
        page = parse(response)
        assert form_alert(page) == "This form could not be verified (it may have been changed). Please post it again."
        again = comment_form_data(page)
        assert {name: again[name] for name in POSTER} == POSTER
        assert signing.loads(again["form_token"], salt=FORM_TOKEN_SALT)["id"] != "forged"
        assert not Comment.objects.exists()

        clock.shift(5)
        assert client.post(post_url(article), again).status_code == 302
        assert Comment.objects.get().body == POSTER["body"]

    def test_a_reply_to_a_comment_removed_meanwhile_comes_back_and_posts_as_a_comment_of_its_own(
        self, client, clock, article
    ):
        parent = CommentFactory(article=article)
        data = comment_form_data(get_page(client, f"{article.get_absolute_url()}?reply_to={parent.pk}")) | POSTER
        Comment.objects.filter(pk=parent.pk).update(status=REJECTED)
        clock.shift(5)

        response = client.post(post_url(article), data)

        assert response.status_code == 400
        page = parse(response)
        assert form_alert(page) == "The comment you are replying to is not available."
        assert page.find("h3", id="comment-form-heading").text == "Share your thoughts"
        again = comment_form_data(page)
        assert again["parent"] == "" and again["body"] == POSTER["body"]

        assert client.post(post_url(article), again).status_code == 302
        comment = Comment.objects.latest("pk")
        assert (comment.parent, comment.depth, comment.body) == (None, 0, POSTER["body"])

    def test_a_form_posted_at_once_comes_back_with_its_words_to_post_again(self, client, article):
        data = comment_form_data(get_page(client, article.get_absolute_url())) | POSTER

        response = client.post(post_url(article), data)

        assert response.status_code == 400
        assert not Comment.objects.exists()
        again = comment_form_data(parse(response))
        assert {name: again[name] for name in POSTER} == POSTER
        assert client.post(post_url(article), again).status_code == 302  # at once: the form was shown again
        assert Comment.objects.get().status == PENDING

    def test_without_a_minimum_time_an_immediate_post_is_taken(self, client, article, settings):
        settings.COMMENTS_MIN_SECONDS_TO_POST = 0
        data = comment_form_data(get_page(client, article.get_absolute_url())) | POSTER

        assert client.post(post_url(article), data).status_code == 302
        assert Comment.objects.get().status == PENDING

    def test_a_filled_in_honeypot_marks_the_comment_as_spam(self, client, clock, article):
        post_comment(client, clock, article, website="https://cheap-pills.example")

        assert Comment.objects.get().status == SPAM
        assert bodies(get_page(client, article.get_absolute_url())) == []

    def test_posting_the_same_form_twice_makes_one_comment(self, client, clock, article):
        data = comment_form_data(get_page(client, article.get_absolute_url())) | POSTER
        clock.shift(5)

        first = client.post(post_url(article), data)
        second = client.post(post_url(article), data)

        comment = Comment.objects.get()
        assert first["Location"] == second["Location"] == comment.get_absolute_url()

    def test_over_the_rate_limit_the_reader_gets_429_a_clear_message_and_the_text_kept(
        self, client, clock, article, settings
    ):
        settings.COMMENTS_RATE_LIMIT = 2
        for n in range(2):
            response = post_comment(client, clock, article, author_email=f"reader{n}@example.com", body=f"Number {n}.")
            assert response.status_code == 302

        response = post_comment(client, clock, article, author_email="third@example.com", body="One too many.")

        assert response.status_code == 429
        page = parse(response)
        assert form_alert(page) == (
            "You are commenting too quickly: at most 2 comments every 60 seconds. "
            "Please wait a moment and post again; your text is kept below."
        )
        kept = comment_form_data(page)
        assert (kept["author_email"], kept["body"]) == ("third@example.com", "One too many.")
        assert Comment.objects.count() == 2

        clock.shift(60)
        assert client.post(post_url(article), kept).status_code == 302
        assert Comment.objects.latest("pk").body == "One too many."

    def test_the_rate_limit_also_counts_per_email_across_addresses(self, clock, article, settings):
        settings.COMMENTS_RATE_LIMIT = 1
        home, work, cafe = (Client(REMOTE_ADDR=f"203.0.113.{n}") for n in range(1, 4))

        assert post_comment(home, clock, article, body="From home.").status_code == 302
        assert post_comment(work, clock, article, body="From work.").status_code == 429
        assert post_comment(cafe, clock, article, author_email="other@example.com").status_code == 302

    def test_a_closed_article_shows_the_discussion_without_form_and_refuses_posts(self, client, clock, article):
        comment = CommentFactory(article=article, body="Posted while it was open.")
        data = comment_form_data(get_page(client, article.get_absolute_url())) | POSTER
        Article.objects.filter(pk=article.pk).update(comments_open=False)
        clock.shift(5)

        page = get_page(client, article.get_absolute_url())
        assert bodies(page) == ["Posted while it was open."]
        assert page.find_all("section", id="comment-form") == []
        assert page.find("p", class_="comments-closed").text == "Comments are closed on this article."
        assert reply_links(comment_item(page, comment)) == []

        response = client.post(post_url(article), data)

        assert response.status_code == 403
        assert parse(response).find("p", class_="comments-closed").text == "Comments are closed on this article."
        assert Comment.objects.count() == 1

    def test_comments_close_by_themselves_after_the_configured_number_of_days(self, client, clock, settings):
        settings.COMMENTS_CLOSE_AFTER_DAYS = 7
        old = ArticleFactory(publish_at=ago(days=8))
        recent = ArticleFactory(publish_at=ago(days=6))

        assert get_page(client, old.get_absolute_url()).find_all("section", id="comment-form") == []
        assert get_page(client, recent.get_absolute_url()).find_all("p", class_="comments-closed") == []

    @pytest.mark.parametrize(
        "status", [Article.Status.DRAFT, Article.Status.SCHEDULED], ids=["draft", "scheduled for tomorrow"]
    )
    def test_posting_on_an_article_readers_cannot_see_is_not_found_even_for_its_editor(
        self, client, clock, article, status
    ):
        data = comment_form_data(get_page(client, article.get_absolute_url())) | POSTER
        publish_at = None if status == Article.Status.DRAFT else timezone.now() + timedelta(days=1)
        Article.objects.filter(pk=article.pk).update(status=status, publish_at=publish_at)
        clock.shift(5)

        assert client.post(post_url(article), data).status_code == 404
        client.force_login(editor())
        assert client.post(post_url(article), data).status_code == 404
        assert not Comment.objects.exists()

    def test_the_post_address_opened_leads_to_the_article(self, client, article):
        # After a refused post the address bar shows it; opened again, it should not be a dead end.
        response = client.get(post_url(article))

        assert (response.status_code, response["Location"]) == (302, article.get_absolute_url())
        assert client.put(post_url(article)).status_code == 405

    def test_a_relative_link_on_the_page_of_a_refused_post_leads_to_the_article_with_its_query(self, client, article):
        response = client.get(post_url(article) + "?picked=7")

        assert (response.status_code, response["Location"]) == (302, f"{article.get_absolute_url()}?picked=7")


class TestOwnPendingComments:
    """A reader's own pending comments show where the approved ones would, and nowhere else."""

    @pytest.fixture
    def threads(self, article, settings):
        settings.COMMENTS_THREADS_PER_PAGE = 1
        first = CommentFactory(article=article, body="Thread one.", created_at=ago(hours=3))
        second = CommentFactory(article=article, body="Thread two.", created_at=ago(hours=2))
        return first, second

    def test_a_pending_reply_shows_in_its_thread_on_that_threads_page_only(self, client, article, threads):
        _, second = threads
        remember_as_own(client, CommentFactory(parent=second, body="My pending reply.", status=PENDING))

        first_page = get_page(client, article.get_absolute_url())
        second_page = get_page(client, f"{article.get_absolute_url()}?comments=2")

        assert discussion(first_page) == [("Thread one.", [])]
        assert discussion(second_page) == [("Thread two.", [("My pending reply.", [])])]

    def test_a_pending_new_thread_comes_last_on_the_last_page(self, client, article, threads):
        remember_as_own(client, CommentFactory(article=article, body="My pending thread.", status=PENDING))

        first_page = get_page(client, article.get_absolute_url())
        last_page = get_page(client, f"{article.get_absolute_url()}?comments=2")

        assert discussion(first_page) == [("Thread one.", [])]
        assert discussion(last_page) == [("Thread two.", []), ("My pending thread.", [])]

    def test_with_a_pick_only_the_pending_comments_that_made_it_show(self, client, article, threads):
        heptapod, encounter, _ = article.featured_tracks.order_by("position")
        CommentFactory(article=article, body="Approved heptapod.", favourite_track=heptapod)
        remember_as_own(
            client,
            CommentFactory(article=article, body="My heptapod.", favourite_track=heptapod, status=PENDING),
            CommentFactory(article=article, body="My encounter.", favourite_track=encounter, status=PENDING),
        )

        page = get_page(client, f"{article.get_absolute_url()}?picked={heptapod.pk}")

        assert bodies(page) == ["Approved heptapod.", "My heptapod."]


class TestSignedInReaders:
    def test_a_signed_in_reader_finds_their_name_and_email_filled_in(self, client, article):
        client.force_login(UserFactory(first_name="June", last_name="Okafor", email="june@example.com"))

        form = comment_form(get_page(client, article.get_absolute_url()))

        assert field_value(form, "author_name") == "June Okafor"
        assert field_value(form, "author_email") == "june@example.com"

    def test_without_a_full_name_the_name_is_left_to_type_never_the_username(self, client, article):
        client.force_login(UserFactory(username="ash"))

        assert field_value(comment_form(get_page(client, article.get_absolute_url())), "author_name") == ""

    def test_a_signed_in_readers_comment_belongs_to_them(self, client, clock, article):
        user = UserFactory(first_name="June", last_name="Okafor", email="june@example.com")
        client.force_login(user)
        data = comment_form_data(get_page(client, article.get_absolute_url())) | {"body": "Lovely."}
        clock.shift(5)

        assert client.post(post_url(article), data).status_code == 302

        comment = Comment.objects.get()
        assert (comment.user, comment.author_name, comment.author_email) == (
            user,
            "June Okafor",
            "june@example.com",
        )


class TestFavouriteTracks:
    @pytest.fixture
    def picks(self, article):
        heptapod, encounter, _ = article.featured_tracks.order_by("position")
        top = CommentFactory(article=article, body="Heptapod, at the top.", favourite_track=heptapod)
        CommentFactory(parent=top, body="Heptapod, in a reply.", favourite_track=heptapod)
        CommentFactory(article=article, body="Encounter.", favourite_track=encounter)
        CommentFactory(article=article, body="No pick.")
        CommentFactory(article=article, body="Pending heptapod.", favourite_track=heptapod, status=PENDING)
        CommentFactory(article=article, body="Rejected encounter.", favourite_track=encounter, status=REJECTED)
        return heptapod, encounter

    def test_the_tally_counts_the_approved_comments_that_picked_each_featured_track(self, client, article, picks):
        tally = get_page(client, article.get_absolute_url()).find("section", class_="favourite-tracks")

        assert tally.find("h3").text == "Readers’ favourite tracks"
        rows = [
            (item.find("a").text, item.find("span").text, item.find("a").attrs["href"]) for item in tally.find_all("li")
        ]
        assert rows == [
            (title, count, f"?picked={featured.pk}#comments")  # relative: the article's page, or the post's
            for (title, count), featured in zip(
                [
                    ("Heptapod B", "2 picks"),
                    ("First Encounter", "1 pick"),
                    ("On the Nature of Daylight", "0 picks"),
                ],
                article.featured_tracks.order_by("position"),
                strict=True,
            )
        ]

    def test_without_any_pick_there_is_no_tally(self, client, article):
        CommentFactory(article=article)

        assert get_page(client, article.get_absolute_url()).find_all("section", class_="favourite-tracks") == []

    def test_picked_shows_only_the_approved_comments_that_picked_the_track(self, client, article, picks):
        heptapod, _ = picks

        page = get_page(client, f"{article.get_absolute_url()}?picked={heptapod.pk}")

        assert bodies(page) == ["Heptapod, at the top.", "Heptapod, in a reply."]
        assert discussion(page) == [("Heptapod, at the top.", []), ("Heptapod, in a reply.", [])]
        note = page.find("p", class_="comments-filter")
        assert note.text.startswith("Showing the comments whose writers picked “Heptapod B”.")
        assert note.find("a").attrs["href"] == f"{article.get_absolute_url()}#comments"

    def test_an_unknown_pick_shows_the_whole_discussion(self, client, article, picks):
        other = FeaturedTrackFactory()

        for picked in (other.pk, "junk"):
            page = get_page(client, f"{article.get_absolute_url()}?picked={picked}")

            assert page.find_all("p", class_="comments-filter") == []
            assert len(bodies(page)) == 4

    def test_each_featured_track_links_to_the_readers_who_picked_it(self, client, article):
        page = get_page(client, article.get_absolute_url())

        links = [
            item.find("p", class_="featured-track-links").find("a")
            for item in page.find_all("li", class_="featured-track")
        ]
        assert [link.text for link in links] == ["Readers who picked it"] * 3
        assert [link.attrs["href"] for link in links] == [
            f"?picked={featured.pk}#comments" for featured in article.featured_tracks.order_by("position")
        ]


class TestSpoilers:
    def test_a_spoiler_renders_as_a_label_with_a_checkbox_that_reveals_the_text(self, client, clock, article):
        known_commenter(article)

        post_comment(client, clock, article, body="The ending ||the theme returns in the major key|| got me.")

        body = comment_body(comment_item(get_page(Client(), article.get_absolute_url()), Comment.objects.latest("pk")))
        spoiler = body.find("label", class_="spoiler")
        toggle, text = [child for child in spoiler.children if isinstance(child, Node)]
        assert (toggle.tag, toggle.attrs["type"], toggle.attrs["class"]) == (
            "input",
            "checkbox",
            "spoiler-toggle",
        )
        assert (text.tag, text.attrs["class"], text.text) == (
            "span",
            "spoiler-text",
            "the theme returns in the major key",
        )
        assert body.text == "The ending the theme returns in the major key got me."


class TestEditingAndDeletingOwnComments:
    @pytest.fixture
    def own(self, client, clock, article) -> Comment:
        """An approved comment this browser has just posted."""
        known_commenter(article)
        post_comment(client, clock, article, body="The cello, the *cello*!", follow=True)
        comment = Comment.objects.latest("pk")
        assert comment.status == APPROVED
        return comment

    def test_the_poster_sees_edit_and_delete_links_but_no_report_button(self, client, article, own):
        item = comment_item(get_page(client, article.get_absolute_url()), own)

        links = {
            link.text: link.attrs["href"]
            for link in elements(card(item), "a")
            if link not in reply_links(item) and link != permalink(item)
        }
        assert links == {"Edit": own.edit_url(), "Delete": reverse("comments:delete", args=[own.pk])}
        assert report_links(item) == []
        stranger = comment_item(get_page(Client(), article.get_absolute_url()), own)
        assert stranger.find_all("a", href=own.edit_url()) == []

    def test_the_poster_edits_their_comment_within_the_window(self, client, clock, article, own):
        form = get_page(client, own.edit_url()).find("form", class_="comment-form")
        assert field_value(form, "body") == "The cello, the *cello*!"
        clock.shift(timedelta(minutes=14))

        response = client.post(own.edit_url(), {"body": "The *viola*, in fact.", "favourite_track": ""}, follow=True)

        assert response.redirect_chain == [(own.get_absolute_url(), 302)]
        page = parse(response)
        assert messages_on(page) == ["Your comment is updated."]
        item = comment_item(page, own)
        assert comment_body(item).text == "The viola, in fact."
        assert item.find("span", class_="comment-edited").text == "(edited)"
        own.refresh_from_db()
        assert (own.status, own.edited_at) == (APPROVED, timezone.now())

    def test_an_edit_that_breaks_a_rule_sends_an_approved_comment_back_to_moderation(
        self, client, article, own, settings
    ):
        settings.COMMENTS_MODERATION_TERMS = ["bootleg"]

        response = client.post(own.edit_url(), {"body": "Anyone got a bootleg?", "favourite_track": ""}, follow=True)

        own.refresh_from_db()
        assert own.status == PENDING
        event = own.events.first()
        assert (event.from_status, event.to_status, event.rule) == (APPROVED, PENDING, "moderation_list")
        page = parse(response)
        assert messages_on(page) == ["Your comment is updated and awaiting moderation."]
        assert "comment-pending" in comment_item(page, own).attrs["class"].split()
        assert get_page(Client(), article.get_absolute_url()).find_all("li", id=own.anchor) == []

    def test_an_invalid_edit_comes_back_with_the_message_and_the_text_kept(self, client, own):
        response = client.post(own.edit_url(), {"body": "x", "favourite_track": ""})

        assert response.status_code == 400
        form = parse(response).find("form", class_="comment-form")
        assert field_errors(form, "body") == ["Ensure this value has at least 2 characters (it has 1)."]
        assert field_value(form, "body") == "x"
        own.refresh_from_db()
        assert own.body == "The cello, the *cello*!"

    def test_another_browser_cannot_edit_or_delete_the_comment(self, article, own):
        stranger = Client()
        stranger.get(article.get_absolute_url())  # a session of its own

        for url in (own.edit_url(), reverse("comments:delete", args=[own.pk])):
            assert stranger.get(url).status_code == 404
            assert stranger.post(url, {"body": "Hijacked.", "favourite_track": ""}).status_code == 404
        own.refresh_from_db()
        assert (own.body, own.status) == ("The cello, the *cello*!", APPROVED)

    def test_after_the_window_edits_and_deletes_are_refused_with_a_message(self, client, clock, article, own):
        clock.shift(timedelta(minutes=settings.COMMENTS_EDIT_WINDOW_MINUTES, seconds=1))

        for url in (own.edit_url(), reverse("comments:delete", args=[own.pk])):
            response = client.post(url, {"body": "Too late.", "favourite_track": ""}, follow=True)

            assert response.redirect_chain == [(own.get_absolute_url(), 302)]
            assert messages_on(parse(response)) == ["The time to change this comment has passed."]
        own.refresh_from_db()
        assert (own.body, own.status) == ("The cello, the *cello*!", APPROVED)
        item = comment_item(get_page(client, article.get_absolute_url()), own)
        assert item.find_all("a", href=own.edit_url()) == []

    def test_the_window_follows_the_setting(self, client, clock, own, settings):
        settings.COMMENTS_EDIT_WINDOW_MINUTES = 60
        clock.shift(timedelta(minutes=59))

        assert client.get(own.edit_url()).status_code == 200

    def test_the_poster_deletes_their_comment_after_confirming(self, client, article, own):
        confirm = get_page(client, reverse("comments:delete", args=[own.pk]))
        assert confirm.find("h1").text == "Delete your comment?"

        response = client.post(reverse("comments:delete", args=[own.pk]), follow=True)

        assert response.redirect_chain == [(f"{article.get_absolute_url()}#comments", 302)]
        page = parse(response)
        assert messages_on(page) == ["Your comment is deleted."]
        assert page.find_all("li", id=own.anchor) == []
        own.refresh_from_db()
        assert (own.status, own.events.first().rule) == (REJECTED, "author_deleted")


class TestReportingAComment:
    def report(self, client, comment: Comment, reason: str = "spoiler"):
        return client.post(reverse("comments:report", args=[comment.pk]), {"reason": reason}, follow=True)

    def test_a_reader_reports_a_comment_once(self, client, article):
        comment = CommentFactory(article=article)

        first = self.report(client, comment)
        second = self.report(client, comment, reason="abuse")

        assert first.redirect_chain == [(comment.get_absolute_url(), 302)]
        assert messages_on(parse(first)) == ["Thank you: the moderators will look at this comment."]
        assert messages_on(parse(second)) == ["You have already reported this comment."]
        report = CommentReport.objects.get()
        assert (report.comment, report.reason) == (comment, CommentReport.Reason.SPOILER)
        assert report.reporter_key.startswith("session:")
        comment.refresh_from_db()
        assert (comment.report_count, comment.status) == (1, APPROVED)

    def test_a_signed_in_reader_reports_once_whichever_browser_they_use(self, article):
        comment = CommentFactory(article=article)
        user = UserFactory()
        laptop, phone = Client(), Client()
        laptop.force_login(user)
        phone.force_login(user)

        self.report(laptop, comment)
        response = self.report(phone, comment)

        assert messages_on(parse(response)) == ["You have already reported this comment."]
        assert CommentReport.objects.get().reporter_key == f"user:{user.pk}"

    def test_enough_reports_from_different_readers_send_the_comment_back_to_moderation(self, article, settings):
        settings.COMMENTS_REPORTS_TO_REVIEW = 3
        comment = CommentFactory(article=article)

        for address in ("203.0.113.1", "203.0.113.2"):
            self.report(Client(REMOTE_ADDR=address), comment)
        comment.refresh_from_db()
        assert (comment.report_count, comment.status) == (2, APPROVED)

        self.report(Client(REMOTE_ADDR="203.0.113.3"), comment)

        comment.refresh_from_db()
        assert (comment.report_count, comment.status) == (3, PENDING)
        event = comment.events.get()
        assert (event.rule, event.from_status, event.to_status, event.actor) == (
            "reports",
            APPROVED,
            PENDING,
            None,
        )
        assert bodies(get_page(Client(), article.get_absolute_url())) == []
        assert Client().post(reverse("comments:report", args=[comment.pk]), {"reason": "spam"}).status_code == 404

    def test_only_approved_comments_can_be_reported(self, client, article):
        pending = CommentFactory(article=article, status=PENDING)
        approved = CommentFactory(article=article)

        assert client.post(reverse("comments:report", args=[pending.pk]), {"reason": "spam"}).status_code == 404
        assert client.get(reverse("comments:report", args=[pending.pk])).status_code == 404
        assert client.put(reverse("comments:report", args=[approved.pk])).status_code == 405
        assert client.post(reverse("comments:report", args=[approved.pk]), {"reason": "nonsense"}).status_code == 400
        assert not CommentReport.objects.exists()


class TestQueryCounts:
    @pytest.mark.parametrize("size", [5, 500])
    def test_the_article_page_makes_the_same_queries_whatever_the_size_of_the_discussion(
        self, client, article, settings, size, django_assert_num_queries
    ):
        settings.COMMENTS_THREADS_PER_PAGE = 100  # every thread on one page
        threaded_discussion(article, size)

        with django_assert_num_queries(ARTICLE_PAGE_QUERIES):
            page = get_page(client, article.get_absolute_url())

        assert heading(page) == f"{size} comments"
        assert len(comment_items(page)) == size
        assert sum(bool(elements(item, "ol")) for item in comment_items(page)) == 3 * size // 5
        assert len(page.find_all("label", class_="spoiler")) == size

    @pytest.mark.parametrize("size", [5, 500])
    def test_later_pages_and_the_picked_filter_cost_no_more(self, client, article, size, django_assert_max_num_queries):
        threaded_discussion(article, size)
        picked = article.featured_tracks.first()

        for query in ("?comments=2", f"?picked={picked.pk}"):
            with django_assert_max_num_queries(ARTICLE_PAGE_QUERIES):
                get_page(client, article.get_absolute_url() + query)

    @pytest.mark.parametrize("size", [5, 500])
    def test_a_reader_with_own_comments_in_the_session_costs_the_same(
        self, client, article, settings, size, django_assert_num_queries
    ):
        settings.COMMENTS_THREADS_PER_PAGE = 1000
        threaded_discussion(article, size)
        a_thread = Comment.objects.filter(article=article, depth=0).first()
        own = [
            CommentFactory(article=article, status=PENDING, body="My pending thought."),
            CommentFactory(parent=a_thread, status=PENDING, body="My pending reply."),
            CommentFactory(article=article, body="My approved comment."),
        ]
        remember_as_own(client, *own)

        with django_assert_num_queries(ARTICLE_PAGE_QUERIES):
            page = get_page(client, article.get_absolute_url())

        assert len(comment_items(page)) == size + 3
        assert len(page.find_all("li", class_="comment-pending")) == 2
        assert len(page.find_all("a", href=own[2].edit_url())) == 1
