"""Production hardening: deploy checks, security headers, CSP-clean templates, health checks, sign-in throttling."""

import os
import subprocess
import sys

import pytest
from django.test import Client

from comments.models import Comment
from tests.utils.factories import (
    ArticleFactory,
    CommentFactory,
    ComposerFactory,
    FeaturedTrackFactory,
    SectionFactory,
    UserFactory,
)
from tests.utils.html import Node, parse
from tests.utils.processes import ROOT

PRODUCTION_ENV = {
    "DJANGO_DEBUG": "0",
    "DJANGO_HTTPS": "1",
    "DJANGO_SECRET_KEY": "kq3$-production-like-secret-for-the-deploy-check-0123456789-abcdefghij",
    "DJANGO_ALLOWED_HOSTS": "soundtrack.example",
    "DJANGO_STATIC_MANIFEST": "1",
    "SITE_URL": "https://soundtrack.example",
    "TASKS_BACKEND": "database",
}


def run_manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "REDIS_", "EMAIL_"))}
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=base | env, capture_output=True, text=True, timeout=120
    )


def test_the_deploy_check_is_clean_with_production_settings():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION_ENV)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_the_deploy_check_warns_of_mail_links_without_https_and_of_mail_sent_inside_requests():
    env = PRODUCTION_ENV | {"SITE_URL": "http://soundtrack.example", "TASKS_BACKEND": "immediate"}

    result = run_manage("check", "--deploy", "--fail-level", "WARNING", **env)

    assert result.returncode == 1
    assert "(mailing.W001) SITE_URL (http://soundtrack.example) is not an https:// address" in result.stderr
    assert "(mailing.W002) TASKS_BACKEND is immediate" in result.stderr


@pytest.mark.django_db
def test_security_headers_are_sent(client):
    response = client.get("/")

    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    policy = dict(part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";"))
    assert policy["default-src"] == "'self'"
    assert policy["script-src"] == "'self'" and policy["style-src"] == "'self'"
    assert policy["object-src"] == "'none'" and policy["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in response["Content-Security-Policy"]


@pytest.mark.django_db
def test_https_requests_get_hsts(client, settings):
    settings.SECURE_HSTS_SECONDS = 31536000

    response = client.get("/", secure=True)

    assert response["Strict-Transport-Security"].startswith("max-age=31536000")


def inline_code(page: Node) -> list[str]:
    """What a strict CSP would block: inline scripts, <style> blocks, style attributes and event handlers."""
    blocked = []
    for node in page.descendants():
        tag, attributes = node.tag, node.attrs
        if tag == "script" and "src" not in attributes and attributes.get("type") != "application/ld+json":
            blocked.append("inline <script>")
        if tag == "style":
            blocked.append("<style>")
        if "style" in attributes:
            blocked.append(f"style attribute on <{tag}>")
        blocked += [f"{name} handler on <{tag}>" for name in attributes if name.startswith("on")]
    return blocked


@pytest.mark.django_db
def test_public_pages_have_no_inline_script_or_style(client):
    article = ArticleFactory()
    SectionFactory(article=article)
    featured = FeaturedTrackFactory(article=article, listening_url="https://open.spotify.com/track/1")
    composer = ComposerFactory()
    article.composers.add(composer)
    article.tags.add("FilmMusic")
    CommentFactory(article=article, body="||spoiler|| and *more*", favourite_track=featured)
    pages = ["/", article.get_absolute_url(), "/tags/filmmusic/", composer.get_absolute_url()]
    pages += [article.work.get_absolute_url(), "/search/?q=score", "/no-such-page/"]

    for url in pages:
        assert inline_code(parse(client.get(url))) == [], url


@pytest.mark.django_db
class TestAnonymousCommentingWithoutACsrfCookie:
    def test_an_anonymous_reader_posts_without_a_csrf_token(self, settings):
        settings.COMMENTS_MIN_SECONDS_TO_POST = 0
        article = ArticleFactory()
        reader = Client(enforce_csrf_checks=True)
        page = reader.get(article.get_absolute_url()).content.decode()
        token = page.split('name="form_token" value="')[1].split('"')[0]

        response = reader.post(
            f"{article.get_absolute_url()}comments/",
            {"author_name": "Ada", "author_email": "ada@example.com", "body": "Lovely score.", "form_token": token},
        )

        assert response.status_code == 302
        assert "csrfmiddlewaretoken" not in page

    def test_a_signed_in_users_post_without_a_csrf_token_posts_nothing_and_a_wrong_one_is_refused(self, settings):
        settings.COMMENTS_MIN_SECONDS_TO_POST = 0
        article = ArticleFactory()
        member = Client(enforce_csrf_checks=True)
        member.force_login(UserFactory())
        page = member.get(article.get_absolute_url()).content.decode()
        token = page.split('name="form_token" value="')[1].split('"')[0]
        form = {"author_name": "Ada", "author_email": "ada@example.com", "body": "Lovely score.", "form_token": token}

        without = member.post(f"{article.get_absolute_url()}comments/", form)
        wrong = member.post(f"{article.get_absolute_url()}comments/", form | {"csrfmiddlewaretoken": "x" * 64})

        assert (without.status_code, wrong.status_code) == (400, 403)  # the form back to post again; refused
        assert "csrfmiddlewaretoken" in page and not Comment.objects.exists()


class TestHealthCheck:
    @pytest.mark.django_db
    def test_healthz_answers_200_when_the_database_answers(self, client):
        response = client.get("/healthz")

        assert response.status_code == 200
        assert response.json()["database"] == "ok"
        assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]

    def probe(self, **env: str) -> tuple[int, str]:
        code = "from django.test import Client; r = Client().get('/healthz'); print(r.status_code, r.content.decode())"
        result = run_manage(
            "shell", "--verbosity", "0", "-c", code, DJANGO_DEBUG="1", DJANGO_ALLOWED_HOSTS="testserver", **env
        )
        status, body = result.stdout.strip().split(" ", 1)
        return int(status), body

    def test_healthz_answers_503_when_the_database_is_unreachable(self):
        status, body = self.probe(DATABASE_URL="postgres://postgres@127.0.0.1:9/nowhere")

        assert status == 503 and '"database": "error' in body

    def test_healthz_answers_503_when_the_configured_cache_is_unreachable(self, tmp_path):
        reachable_database = f"sqlite:///{tmp_path / 'health.sqlite3'}"

        status, body = self.probe(REDIS_URL="redis://127.0.0.1:9/0", DATABASE_URL=reachable_database)

        assert status == 503 and '"cache": "error' in body and '"database": "ok"' in body


@pytest.mark.django_db
def test_admin_sign_in_is_locked_after_the_configured_number_of_failures(client, settings):
    UserFactory(username="editor", is_staff=True)
    attempts = []
    for _ in range(settings.AXES_FAILURE_LIMIT + 2):
        response = client.post("/admin/login/?next=/admin/", {"username": "editor", "password": "wrong"})
        attempts.append(response.status_code)

    assert attempts[: settings.AXES_FAILURE_LIMIT - 1] == [200] * (settings.AXES_FAILURE_LIMIT - 1)
    assert attempts[settings.AXES_FAILURE_LIMIT - 1 :] == [429] * 3
    right_password = client.post(
        "/admin/login/?next=/admin/", {"username": "editor", "password": "correct horse battery staple"}
    )
    assert right_password.status_code == 429, "a locked-out address cannot sign in even with the right password"
    assert "Too many failed sign-in attempts" in right_password.content.decode()


class TestOutages:
    def get_home(self, **env: str) -> tuple[int, str]:
        code = (
            "from django.test import Client; r = Client(raise_request_exception=False).get('/');"
            "print(r.status_code, r.get('Retry-After'), r.content.decode().replace(chr(10), ' '))"
        )
        result = run_manage(
            "shell", "--verbosity", "0", "-c", code, DJANGO_SECRET_KEY="outage-test-secret", DJANGO_HTTPS="0",
            DJANGO_ALLOWED_HOSTS="testserver", DJANGO_STATIC_MANIFEST="0", **env,
        )  # fmt: skip
        status, retry_after, body = result.stdout.strip().split(" ", 2)
        return int(status), retry_after, body

    def test_an_unreachable_database_gets_a_clear_503_page_not_a_traceback(self):
        status, retry_after, body = self.get_home(DATABASE_URL="postgres://postgres@127.0.0.1:9/nowhere")

        assert (status, retry_after) == (503, "30")
        assert "Back in a moment" in body and "Traceback" not in body

    def test_pages_are_served_from_the_database_when_redis_is_down(self, tmp_path):
        database = {"DATABASE_URL": f"sqlite:///{tmp_path / 'outage.sqlite3'}", "DJANGO_SECRET_KEY": "x"}
        assert run_manage("migrate", "--no-input", DJANGO_DEBUG="1", **database).returncode == 0

        status, _, body = self.get_home(REDIS_URL="redis://127.0.0.1:9/0", DATABASE_URL=database["DATABASE_URL"])

        assert status == 200 and "Latest articles" in body


@pytest.mark.django_db
class TestRateLimitsWithoutTheirStore:
    @pytest.fixture
    def unreachable_counters(self, settings):
        settings.CACHES = settings.CACHES | {
            "ratelimit": {
                "BACKEND": "soundtrack_site.cache.SharedClientRedisCache",
                "LOCATION": "redis://127.0.0.1:9/0",
            }
        }
        settings.COMMENTS_MIN_SECONDS_TO_POST = 0

    def post(self, client):
        article = ArticleFactory()
        page = client.get(article.get_absolute_url()).content.decode()
        token = page.split('name="form_token" value="')[1].split('"')[0]
        form = {"author_name": "Ada", "author_email": "ada@example.com", "body": "Still here?", "form_token": token}
        return client.post(f"{article.get_absolute_url()}comments/", form)

    def test_they_fail_open_by_default(self, client, unreachable_counters):
        assert self.post(client).status_code == 302

    def test_they_fail_closed_when_configured(self, client, unreachable_counters, settings):
        settings.COMMENTS_RATE_LIMIT_FAIL_OPEN = False

        response = self.post(client)

        assert response.status_code == 503
        assert "Comments are paused for a moment" in response.content.decode()
        assert "Still here?" in response.content.decode()
