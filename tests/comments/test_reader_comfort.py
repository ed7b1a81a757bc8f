"""The comment form's comforts, through the test client: a quick post asked again (never spam), the address of the
form leading to the article, a reply form that quotes its comment without asking for a track, the thanks shown
beside the new comment, the browser's memory of a name and email offered to anonymous readers only, and a report
form that picks no reason for the reader. The script's side is in tests/browser/test_reader_comfort.py."""

import json
from datetime import timedelta

import pytest
from django.core import signing
from django.test import Client
from django.urls import reverse

from comments.forms import FORM_TOKEN_SALT, TOO_FAST, CommentForm
from comments.models import Comment, CommentReport, ModerationEvent
from tests.utils.clock import ago
from tests.utils.discussion import (
    POSTER,
    TRACKS,
    comment_form,
    comment_form_data,
    comment_item,
    field_value,
    form_alert,
    known_commenter,
    messages_on,
    post_comment,
    post_url,
)
from tests.utils.factories import ArticleFactory, CommentFactory, FeaturedTrackFactory, TrackFactory, UserFactory
from tests.utils.html import get_page, parse

pytestmark = pytest.mark.django_db

APPROVED, PENDING, SPAM = Comment.Status.APPROVED, Comment.Status.PENDING, Comment.Status.SPAM


@pytest.fixture
def article(clock):
    article = ArticleFactory(title="Why Arrival’s soundtrack deserves more recognition")
    for title in TRACKS:
        FeaturedTrackFactory(article=article, track=TrackFactory(work=article.work, title=title))
    return article


def top_messages(page) -> list[str]:
    """The messages above the page's content (the main element holds those shown in place)."""
    return [item.text for item in page.find("body").find_all("li", class_="message") if not inside(item, "main")]


def inside(node, tag: str) -> bool:
    while node.parent is not None:
        node = node.parent
        if node.tag == tag:
            return True
    return False


class TestAQuickPost:
    """A post sooner than COMMENTS_MIN_SECONDS_TO_POST after its form was shown: a paste, the browser's autofill."""

    def test_comes_back_with_every_word_creates_nothing_and_asks_to_post_again(self, client, clock, article):
        parent = CommentFactory(article=article, author_name="Tomás Reyes")
        typed = POSTER | {"favourite_track": str(article.featured_tracks.first().pk)}
        data = comment_form_data(get_page(client, f"{article.get_absolute_url()}?reply_to={parent.pk}")) | typed
        clock.shift(2)

        response = client.post(post_url(article), data)

        assert response.status_code == 400
        assert Comment.objects.count() == 1  # only the parent
        assert not ModerationEvent.objects.exists()
        page = parse(response)
        assert form_alert(page) == TOO_FAST
        again = comment_form_data(page)
        assert {name: again[name] for name in typed} == typed
        assert again["parent"] == str(parent.pk)
        assert again["form_token"] != data["form_token"]
        assert signing.loads(again["form_token"], salt=FORM_TOKEN_SALT)["again"] == 1

    def test_posted_again_at_once_it_goes_through_and_is_not_spam(self, client, clock, article):
        known_commenter(article)
        data = comment_form_data(get_page(client, article.get_absolute_url())) | POSTER
        again = comment_form_data(parse(client.post(post_url(article), data)))

        response = client.post(post_url(article), again)

        assert response.status_code == 302
        comment = Comment.objects.latest("pk")
        assert (comment.body, comment.status) == (POSTER["body"], APPROVED)
        assert comment.events.get().rule == "known_commenter"

    def test_the_minimum_follows_the_setting(self, client, clock, article, settings):
        settings.COMMENTS_MIN_SECONDS_TO_POST = 10
        data = comment_form_data(get_page(client, article.get_absolute_url())) | POSTER

        clock.shift(9)
        assert client.post(post_url(article), data).status_code == 400
        clock.shift(1)
        assert client.post(post_url(article), data).status_code == 302

    def test_a_form_shown_again_for_another_reason_may_be_posted_at_once_too(self, client, clock, article):
        """A form token replaced because it had expired: the reader presses Post again straight away."""
        data = comment_form_data(get_page(client, article.get_absolute_url())) | POSTER
        clock.shift(timedelta(days=2))
        refused = parse(client.post(post_url(article), data))
        assert form_alert(refused).startswith("This form was opened too long ago")

        assert client.post(post_url(article), comment_form_data(refused)).status_code == 302
        assert Comment.objects.get().status == PENDING

    def test_robots_are_still_caught_by_the_honeypot(self, client, clock, article):
        data = (
            comment_form_data(get_page(client, article.get_absolute_url()))
            | POSTER
            | {"website": "https://pills.example"}
        )
        again = comment_form_data(parse(client.post(post_url(article), data)))

        assert client.post(post_url(article), again).status_code == 302
        comment = Comment.objects.get()
        assert (comment.status, comment.events.get().rule) == (SPAM, "honeypot")

    def test_only_the_site_can_sign_a_form_as_shown_again(self, article):
        shown = CommentForm(article=article).initial["form_token"]
        note = signing.loads(shown, salt=FORM_TOKEN_SALT) | {"again": 1}
        signature = shown.rsplit(":", 1)[1]
        forged = signing.b64_encode(json.dumps(note, separators=(",", ":")).encode()).decode() + ":" + signature
        data = {"author_name": "Ada", "author_email": "ada@example.com", "body": "Hi there!", "form_token": forged}

        form = CommentForm(data, article=article)

        assert not form.is_valid()
        assert form.errors["form_token"][0].startswith("This form could not be verified")


class TestTheFormsAddress:
    def test_opened_it_leads_to_the_article(self, client, article):
        for method in (client.get, client.head):
            response = method(post_url(article))
            assert (response.status_code, response["Location"]) == (302, article.get_absolute_url())

    def test_a_refused_post_lands_on_the_form(self, client, article):
        form = comment_form(get_page(client, article.get_absolute_url()))
        assert form.attrs["action"] == f"{post_url(article)}#comment-form"


class TestTheReplyFormWithoutAScript:
    def test_quotes_the_comment_it_answers_and_asks_for_no_track(self, client, article):
        parent = CommentFactory(article=article, author_name="Tomás Reyes", body="The *choir* entrance!")

        page = get_page(client, f"{article.get_absolute_url()}?reply_to={parent.pk}")

        section = page.find("section", id="comment-form")
        context = section.find("div", class_="reply-context")
        assert context.find("a", href=f"#{parent.anchor}").text == "Tomás Reyes’s comment"
        assert context.find("blockquote").find("em").text == "choir"
        assert "hidden" in section.find("div", class_="field-track").attrs
        assert "hidden" in section.find("p", class_="comment-form-intro").attrs

    def test_a_new_comment_asks_which_track_stood_out(self, client, article):
        section = get_page(client, article.get_absolute_url()).find("section", id="comment-form")

        assert "hidden" not in section.find("div", class_="field-track").attrs
        assert section.find_all("div", class_="reply-context") == []

    def test_editing_a_reply_does_not_ask_for_a_track_and_keeps_its_pick(self, client, clock, article):
        known_commenter(article)
        parent = CommentFactory(article=article)
        post_comment(client, clock, article, page=f"?reply_to={parent.pk}")
        reply = Comment.objects.latest("pk")
        picked = article.featured_tracks.first()
        Comment.objects.filter(pk=reply.pk).update(favourite_track=picked)

        form = get_page(client, reply.edit_url()).find("main").find("form")
        assert form.find_all("select", name="favourite_track") == []
        assert client.post(reply.edit_url(), {"body": "Edited reply."}).status_code == 302
        reply.refresh_from_db()
        assert (reply.body, reply.favourite_track) == ("Edited reply.", picked)


class TestTheThanksBesideTheComment:
    def test_a_pending_comment_is_thanked_in_its_place_not_at_the_top(self, client, clock, article):
        response = post_comment(client, clock, article, follow=True)

        comment = Comment.objects.get()
        page = parse(response)
        item = comment_item(page, comment)
        confirmation = item.find("div", class_="comment-confirmation")
        assert confirmation.attrs["role"] == "status"
        assert confirmation.text == "Thank you: your comment is awaiting moderation. Only you can see it now."
        assert [child.tag for child in item.children if not isinstance(child, str)][:2] == ["div", "article"]
        assert top_messages(page) == []
        assert messages_on(get_page(client, article.get_absolute_url())) == []  # shown once

    def test_a_reply_on_a_later_page_lands_on_that_page(self, client, clock, article, settings):
        settings.COMMENTS_THREADS_PER_PAGE = 2
        known_commenter(article)  # the first thread
        threads = [CommentFactory(article=article, created_at=ago(hours=10 - n)) for n in range(3)]

        response = post_comment(client, clock, article, page=f"?comments=2&reply_to={threads[1].pk}")

        reply = Comment.objects.latest("pk")
        assert reply.parent == threads[1]
        assert response["Location"] == f"{article.get_absolute_url()}?comments=2#{reply.anchor}"
        item = comment_item(get_page(client, response["Location"]), reply)
        assert item.find("div", class_="comment-confirmation").text == "Thank you: your comment is published."

    def test_a_new_thread_lands_on_the_last_page(self, client, clock, article, settings):
        settings.COMMENTS_THREADS_PER_PAGE = 2
        for n in range(4):
            CommentFactory(article=article, created_at=ago(hours=10 - n))

        response = post_comment(client, clock, article)

        comment = Comment.objects.latest("pk")
        assert comment.status == PENDING
        assert response["Location"] == f"{article.get_absolute_url()}?comments=2#{comment.anchor}"

    def test_a_comment_held_as_spam_is_answered_at_the_form(self, client, clock, article):
        response = post_comment(client, clock, article, website="https://pills.example")

        assert response["Location"] == f"{article.get_absolute_url()}#comment-form"
        page = get_page(client, response["Location"])
        confirmation = page.find("section", id="comment-form").find("div", class_="comment-confirmation")
        assert confirmation.text == "Your comment was held by our spam filter; a moderator may release it."
        assert top_messages(page) == []

    def test_other_messages_stay_at_the_top(self, client, clock, article):
        post_comment(client, clock, article)
        comment = Comment.objects.get()
        get_page(client, article.get_absolute_url())

        response = client.post(reverse("comments:delete", args=[comment.pk]), follow=True)

        assert top_messages(parse(response)) == ["Your comment is deleted."]


class TestRememberingTheName:
    def test_anonymous_readers_are_offered_the_browsers_memory_outside_the_form(self, client, article):
        section = get_page(client, article.get_absolute_url()).find("section", id="comment-form")

        template = section.find("template", id="comment-memory-template")
        assert template.find("label").text == "Remember me in this browser for my next comment"
        assert not inside(template, "form")  # a control of its own, never posted: nothing reaches the server

    def test_signed_in_readers_get_their_name_from_their_account_instead(self, client, article):
        client.force_login(UserFactory(first_name="Ana"))

        form = comment_form(get_page(client, article.get_absolute_url()))

        assert field_value(form, "author_name") == "Ana"
        # What tells the script to offer no memory (the same section, shared, serves readers who are not signed in).
        assert field_value(form, "csrfmiddlewaretoken")

    def test_the_page_loads_the_script_and_sets_no_cookie(self, article):
        response = Client().get(article.get_absolute_url())

        assert not response.cookies
        page = parse(response)
        assert page.find("script", src="/static/js/comment-form.js").attrs["defer"] is None


class TestTheReportForm:
    def test_picks_no_reason_and_asks_for_one_keeping_the_note(self, client, article):
        comment = CommentFactory(article=article)
        url = reverse("comments:report", args=[comment.pk])

        form = get_page(client, url).find("main").find("form")
        radios = form.find_all("input", name="reason")
        assert [radio.attrs["type"] for radio in radios] == ["radio"] * len(CommentReport.Reason.choices)
        assert [radio for radio in radios if "checked" in radio.attrs] == []
        assert form.find("fieldset").find("legend").text == "What is wrong with it?"

        response = client.post(url, {"note": "It gives away the twist."})

        assert response.status_code == 400
        form = parse(response).find("main").find("form")
        assert form.find("ul", id="id_reason_error").text == "Choose what is wrong with the comment."
        assert form.find("textarea", name="note").text == "It gives away the twist."
        assert not CommentReport.objects.exists()
