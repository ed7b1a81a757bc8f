"""The comment form on a page Varnish keeps for every reader, signed in or not: the page holds no token, and the form's
script (static/js/comment-form.js) fetches one when the reader starts on the form, or before sending a form filled in
with no typing at all, with a signed-in reader's name, email and CSRF token; staff's admin link comes by script too
(static/js/staff-links.js)."""

from urllib.parse import urlsplit

import pytest
from django.core import signing
from playwright.sync_api import expect

from comments.forms import FORM_TOKEN_SALT
from comments.models import Comment
from reliability.servers import ToolMissing
from reliability.varnish import Varnish
from tests.utils.browser import log_in
from tests.utils.factories import ArticleFactory, UserFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.page_cache]


@pytest.fixture
def varnish(live_server, settings):
    settings.EDGE_CACHE_BACKEND = "varnish"
    settings.PAGE_CACHE_SHARED_MAX_AGE = 3600
    settings.ALLOWED_HOSTS = ["127.0.0.1"]
    settings.COMMENTS_MIN_SECONDS_TO_POST = 0  # a robot-fast browser is the point of these tests
    try:
        started = Varnish(backend_port=urlsplit(live_server.url).port).start()
    except ToolMissing as missing:
        pytest.fail(str(missing))
    settings.EDGE_CACHE_PURGE_URLS = [started.url]
    yield started
    started.stop()


def open_kept_page(new_page, varnish, article):
    url = varnish.url + article.get_absolute_url()
    new_page().goto(url)  # the first view: Varnish fetches the page and keeps it
    reader = new_page()
    response = reader.goto(url)
    assert response.headers["x-cache"] == "hit"
    return reader


def test_a_reader_who_types_gets_a_token_from_the_script_and_the_comment_is_posted(new_page, varnish):
    article = ArticleFactory()
    reader = open_kept_page(new_page, varnish, article)
    token = reader.locator("input[name=form_token]")
    assert token.input_value() == ""

    reader.get_by_label("Name").fill("Ada Reader")
    reader.get_by_label("Email", exact=True).fill("ada@example.com")
    reader.get_by_label("Comment", exact=True).fill("Heard from the shared copy.")
    # A locator's wait, not a polled script: the page's policy forbids the eval a string predicate needs.
    expect(token).not_to_have_value("")
    assert signing.loads(token.input_value(), salt=FORM_TOKEN_SALT)["t"]
    reader.get_by_role("button", name="Post comment").click()

    reader.wait_for_url(f"**{article.get_absolute_url()}#comment-*")
    assert "awaiting moderation" in reader.locator(".messages").inner_text()
    assert Comment.objects.get().body == "Heard from the shared copy."


def test_a_form_filled_in_without_typing_is_sent_once_its_token_has_come(new_page, varnish):
    article = ArticleFactory()
    reader = open_kept_page(new_page, varnish, article)
    # As a browser's autofill does it: values, no keystrokes, no focus.
    reader.evaluate(
        """() => {
          const form = document.querySelector("#comment-form form");
          form.elements.author_name.value = "Bea Autofill";
          form.elements.author_email.value = "bea@example.com";
          form.elements.body.value = "Filled in at once.";
          form.requestSubmit();
        }"""
    )

    reader.wait_for_url(f"**{article.get_absolute_url()}#comment-*")
    assert "awaiting moderation" in reader.locator(".messages").inner_text()
    assert Comment.objects.get().author_name == "Bea Autofill"


def test_without_the_script_the_reader_posts_again_and_nothing_they_wrote_is_lost(browser, varnish):
    article = ArticleFactory()
    context = browser.new_context(java_script_enabled=False)
    try:
        reader = context.new_page()
        reader.goto(varnish.url + article.get_absolute_url())
        reader.get_by_label("Name").fill("Cy Noscript")
        reader.get_by_label("Email", exact=True).fill("cy@example.com")
        reader.get_by_label("Comment", exact=True).fill("No scripts here.")
        reader.get_by_role("button", name="Post comment").click()

        assert "this page’s script did not run" in reader.locator(".form-errors").inner_text()
        assert reader.get_by_label("Comment", exact=True).input_value() == "No scripts here."
        assert not Comment.objects.exists()
        reader.get_by_role("button", name="Post comment").click()
        reader.wait_for_url(f"**{article.get_absolute_url()}#comment-*")
        assert Comment.objects.get().body == "No scripts here."
    finally:
        context.close()


@pytest.fixture
def editor(data_from_migrations):
    return UserFactory(is_staff=True, first_name="Ada", last_name="Byron", email="ada@example.com")


@pytest.fixture
def editors_page(browser, varnish, editor):
    """A browser the editor signed in with (through Varnish, as people do), on an article Varnish keeps: a hit."""
    article = ArticleFactory()
    context = browser.new_context()
    page = context.new_page()
    page.set_default_timeout(15_000)
    assert page.goto(varnish.url + article.get_absolute_url()).headers["x-cache"] == "miss"
    log_in(page, varnish.url + "/admin/", editor.username)
    expect(page.get_by_role("heading", name="Site administration")).to_be_visible()
    assert page.goto(varnish.url + article.get_absolute_url()).headers["x-cache"] == "hit"
    yield page
    context.close()


def test_staff_signed_in_share_the_kept_page_with_their_link_and_their_own_form(editors_page, editor):
    page = editors_page
    expect(page.get_by_role("link", name="Admin")).to_be_visible()
    form = page.locator("#comment-form")
    form.get_by_label("Comment", exact=True).fill("Written while signed in, from the shared copy.")
    expect(form.get_by_label("Name")).to_have_value("Ada Byron")
    expect(form.get_by_label("Email", exact=True)).to_have_value("ada@example.com")
    expect(form.get_by_role("checkbox", name="Remember me in this browser")).to_have_count(0)
    form.get_by_role("button", name="Post comment").click()
    page.wait_for_url("**#comment-*")

    comment = Comment.objects.get()
    assert (comment.user, comment.author_name) == (editor, "Ada Byron")


def test_a_name_a_signed_in_reader_typed_before_their_values_came_is_kept(editors_page):
    form = editors_page.locator("#comment-form")
    form.get_by_label("Name").press_sequentially("A. B.")  # the first keystroke asks for the values
    expect(form.locator("input[name=csrfmiddlewaretoken]")).to_have_count(1)  # they came

    expect(form.get_by_label("Name")).to_have_value("A. B.")
    expect(form.get_by_label("Email", exact=True)).to_have_value("ada@example.com")


def test_the_field_a_signed_in_reader_is_in_when_their_values_come_is_left_for_them(editors_page):
    form = editors_page.locator("#comment-form")
    form.get_by_label("Name").focus()  # asks for the values; they come before the first keystroke
    expect(form.locator("input[name=csrfmiddlewaretoken]")).to_have_count(1)
    form.get_by_label("Name").press_sequentially("A. B.")

    expect(form.get_by_label("Name")).to_have_value("A. B.")
    expect(form.get_by_label("Email", exact=True)).to_have_value("ada@example.com")
