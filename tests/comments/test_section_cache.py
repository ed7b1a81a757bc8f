"""The comment section is rendered once per content version and shared: each view still gets its own form token,
CSRF token and (signed in) its own name and email, and nothing of one reader's reaches another."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core import signing
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from comments import services
from comments.forms import FORM_TOKEN_SALT
from comments.models import Comment
from pagecache.slots import slot
from tests.utils.discussion import bodies, comment_form, field_value, heading, post_url
from tests.utils.factories import ArticleFactory, CommentFactory, FeaturedTrackFactory, TrackFactory, moderator
from tests.utils.html import get_page, parse

pytestmark = pytest.mark.django_db

PER_VIEW = ("form_token", "author_name", "author_email", "csrf_token")


@pytest.fixture
def article():
    article = ArticleFactory()
    CommentFactory(article=article, body="A first thought.")
    return article


def reader(first_name: str, email: str, *, csrf_checks: bool = False) -> Client:
    user = get_user_model().objects.create_user(
        username=email.split("@")[0], first_name=first_name, email=email, password="x"
    )
    client = Client(enforce_csrf_checks=csrf_checks)
    client.force_login(user)
    return client


def form_of(client: Client, url: str):
    return comment_form(get_page(client, url))


def queried_tables(client: Client, url: str) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return sorted(query["sql"].split(" FROM ")[1].split()[0].strip('"') for query in queries.captured_queries)


def test_a_second_view_reads_only_the_reader_and_the_article(article):
    client = reader("Ana", "ana@example.com")
    get_page(client, article.get_absolute_url())

    assert queried_tables(client, article.get_absolute_url()) == ["articles_article", "auth_user"]
    assert bodies(get_page(client, article.get_absolute_url())) == ["A first thought."]


def test_each_signed_in_reader_sees_their_own_name_and_email_never_anothers(article):
    url = article.get_absolute_url()
    first = form_of(reader("Ana", "ana@example.com"), url)
    second = form_of(reader('Zoë "Z" <Smith>', "zoe@example.com"), url)
    anonymous = form_of(Client(), url + "?reply_to=")  # another address: a page cache miss, a section cache hit

    assert (field_value(first, "author_name"), field_value(first, "author_email")) == ("Ana", "ana@example.com")
    assert (field_value(second, "author_name"), field_value(second, "author_email")) == (
        'Zoë "Z" <Smith>',
        "zoe@example.com",
    )
    assert (field_value(anonymous, "author_name"), field_value(anonymous, "author_email")) == ("", "")


def test_every_view_gets_a_fresh_form_token_and_a_csrf_token_that_posts(article, settings):
    settings.COMMENTS_MIN_SECONDS_TO_POST = 0
    client = reader("Ana", "ana@example.com", csrf_checks=True)
    url = article.get_absolute_url()
    tokens = [field_value(form_of(client, url), "form_token") for _ in range(2)]
    form = form_of(client, url)

    assert len({*tokens, field_value(form, "form_token")}) == 3
    assert all(signing.loads(token, salt=FORM_TOKEN_SALT)["id"] for token in tokens)
    response = client.post(
        post_url(article),
        {
            "csrfmiddlewaretoken": field_value(form, "csrfmiddlewaretoken"),
            "form_token": field_value(form, "form_token"),
            "author_name": "Ana",
            "author_email": "ana@example.com",
            "body": "Posted through the shared form.",
        },
    )

    assert response.status_code == 302
    assert Comment.objects.filter(body="Posted through the shared form.").exists()


@pytest.mark.parametrize("signed_in", [False, True], ids=["anonymous", "signed in"])
def test_no_placeholder_is_left_in_the_page(article, signed_in):
    client = reader("Ana", "ana@example.com") if signed_in else Client()
    for _ in range(2):  # rendered, then from the cache
        content = client.get(article.get_absolute_url() + "?comments=1").content.decode()
        assert not [name for name in PER_VIEW if slot(name) in content]


def test_replying_to_each_comment_shows_its_own_reply_form(article):
    other = CommentFactory(article=article, author_name="Bea", body="Another.")
    client = reader("Ana", "ana@example.com")
    url = article.get_absolute_url()
    first = Comment.objects.exclude(pk=other.pk).get()

    assert get_page(client, f"{url}?reply_to={first.pk}").find("h3", id="comment-form-heading").text == (
        f"Reply to {first.author_name}"
    )
    assert get_page(client, f"{url}?reply_to={other.pk}").find("h3", id="comment-form-heading").text == "Reply to Bea"
    assert get_page(client, url).find("h3", id="comment-form-heading").text == "Share your thoughts"


def test_each_page_of_comments_is_its_own(article, settings):
    settings.COMMENTS_THREADS_PER_PAGE = 1
    CommentFactory(article=article, body="On the second page.")
    client = reader("Ana", "ana@example.com")
    url = article.get_absolute_url()

    assert bodies(get_page(client, url)) == ["A first thought."]
    assert bodies(get_page(client, url + "?comments=2")) == ["On the second page."]
    assert bodies(get_page(client, url + "?comments=1")) == ["A first thought."]


def test_comments_closing_by_the_clock_close_the_shared_form(article, settings, time_machine):
    settings.COMMENTS_CLOSE_AFTER_DAYS = 7
    closing = article.publish_at + timedelta(days=7)  # a minute either side: well within the cache's timeout
    time_machine.move_to(closing - timedelta(minutes=1), tick=False)
    client = reader("Ana", "ana@example.com")
    assert get_page(client, article.get_absolute_url()).find_all("section", id="comment-form") != []

    time_machine.move_to(closing + timedelta(minutes=1), tick=False)

    page = get_page(client, article.get_absolute_url())
    assert page.find_all("section", id="comment-form") == []
    assert page.find("p", class_="comments-closed").text == "Comments are closed on this article."


def test_a_new_comment_moves_the_shared_section_on(article):
    client = reader("Ana", "ana@example.com")
    assert heading(get_page(client, article.get_absolute_url())) == "1 comment"

    CommentFactory(article=article, body="A second thought.", created_at=timezone.now())

    page = get_page(client, article.get_absolute_url())
    assert heading(page) == "2 comments"
    assert bodies(page) == ["A first thought.", "A second thought."]


def test_a_reader_with_their_own_comment_gets_the_section_rendered_for_them(article, own_client):
    mine = CommentFactory(article=article, body="Mine, waiting.", status=Comment.Status.PENDING)
    shared = reader("Ana", "ana@example.com")
    assert bodies(get_page(shared, article.get_absolute_url())) == ["A first thought."]

    page = parse(own_client(mine).get(article.get_absolute_url()))

    assert bodies(page) == ["A first thought.", "Mine, waiting."]
    assert bodies(get_page(shared, article.get_absolute_url())) == ["A first thought."]


@pytest.mark.parametrize("how", ["posted approved", "approved by a moderator"])
def test_a_comment_on_one_article_leaves_the_other_articles_fragments_cached(article, how):
    other = ArticleFactory()
    client = reader("Ana", "ana@example.com")
    for page in (article, other):
        get_page(client, page.get_absolute_url())

    if how == "posted approved":
        CommentFactory(article=article, body="A second thought.", created_at=timezone.now())
    else:
        pending = CommentFactory(article=article, body="A second thought.", status=Comment.Status.PENDING)
        services.moderate(Comment.objects.filter(pk=pending.pk), to_status=Comment.Status.APPROVED, actor=moderator())

    # The other article's parts and comment section still come from the cache: the reader and the article only.
    assert queried_tables(client, other.get_absolute_url()) == ["articles_article", "auth_user"]
    assert bodies(get_page(client, article.get_absolute_url())) == ["A first thought.", "A second thought."]


def test_a_catalogue_change_reaches_every_articles_comment_section(article):
    client = reader("Ana", "ana@example.com")

    def intro() -> str:
        return get_page(client, article.get_absolute_url()).find("section", id="comment-form").text

    assert f"Have you listened to {article.work.title}’s soundtrack?" in intro()
    article.work.title = "Tidewater"
    article.work.save()

    assert "Have you listened to Tidewater’s soundtrack?" in intro()


def test_a_new_comment_renders_the_section_again_but_not_its_form_and_a_renamed_track_does(article, client):
    """The form is the same whatever the discussion: kept apart from the section, which every comment changes."""
    featured = FeaturedTrackFactory(article=article, track=TrackFactory(work=article.work, title="First light"))

    def rendered() -> list[str]:
        return [template.name for template in client.get(article.get_absolute_url()).templates]

    assert {"comments/section.html", "comments/form.html"} <= set(rendered())
    CommentFactory(article=article, body="A second thought.")
    after_comment = rendered()
    featured.track.title = "Renamed in the catalogue"
    featured.track.save()
    after_rename = rendered()

    assert "comments/section.html" in after_comment and "comments/form.html" not in after_comment
    assert "comments/form.html" in after_rename
    assert "Renamed in the catalogue" in comment_form(get_page(client, article.get_absolute_url())).text
