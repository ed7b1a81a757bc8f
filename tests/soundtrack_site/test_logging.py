"""Logging: one line per record with its time, level and logger; errors mailed to ADMINS and sent to Sentry."""

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import include, path

from tests.utils.processes import run_django

LINE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} (?P<level>[A-Z]+) (?P<logger>[\w.]+): (?P<message>.*)$")

LOG_SOME_RECORDS = """
import logging
from django.core.exceptions import DisallowedHost
logging.getLogger("articles").info("An app's record")
logging.getLogger("django.request").info("Below WARNING: not shown")
logging.getLogger("django.request").warning("Not Found: /nowhere/")
logging.getLogger("django.server").info('"GET / HTTP/1.1" 200 5120')
try:
    raise DisallowedHost("Invalid HTTP_HOST header: 'evil.example'.")
except DisallowedHost:
    logging.getLogger("django.security.DisallowedHost").exception("Invalid HTTP_HOST header: 'evil.example'.")
"""


@pytest.mark.parametrize("debug", ["0", "1"])
def test_every_console_line_has_the_time_level_and_logger(debug):
    result = run_django(LOG_SOME_RECORDS, DJANGO_DEBUG=debug, DJANGO_SECRET_KEY="x" * 50)

    assert result.returncode == 0, result.stderr
    lines = result.stderr.splitlines()
    assert [LINE.match(line) is not None for line in lines] == [True] * len(lines), result.stderr
    assert [(match["level"], match["logger"], match["message"]) for match in map(LINE.match, lines)] == [
        ("INFO", "articles", "An app's record"),
        ("WARNING", "django.request", "Not Found: /nowhere/"),
        ("INFO", "django.server", '"GET / HTTP/1.1" 200 5120'),
        ("ERROR", "django.security.DisallowedHost", "Invalid HTTP_HOST header: 'evil.example'."),
    ]


def test_requests_and_security_records_are_shown_at_warning_whatever_the_log_level():
    result = run_django(LOG_SOME_RECORDS, DJANGO_SECRET_KEY="x" * 50, DJANGO_LOG_LEVEL="ERROR")

    assert result.returncode == 0, result.stderr
    assert [LINE.match(line)["logger"] for line in result.stderr.splitlines()] == [
        "django.request",
        "django.security.DisallowedHost",
    ]


def test_admins_are_read_from_the_environment():
    result = run_django(
        "print(settings.ADMINS)",
        DJANGO_SECRET_KEY="x" * 50,
        DJANGO_ADMINS='Ana Lima <ana@example.org>, "Ng, Mary" <mary@example.org>,ops@example.org',
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(
        ["Ana Lima <ana@example.org>", '"Ng, Mary" <mary@example.org>', "ops@example.org"]
    )


def test_no_admins_unless_named():
    result = run_django("print(settings.ADMINS)", DJANGO_SECRET_KEY="x" * 50)

    assert result.stdout.strip() == "[]"


def test_an_admin_that_is_not_an_email_address_stops_the_start():
    result = run_django("print('started')", DJANGO_SECRET_KEY="x" * 50, DJANGO_ADMINS="Ana Lima, ops@example.org, x@")

    assert result.returncode != 0
    assert "DJANGO_ADMINS: not an email address: Ana Lima, x@" in result.stderr


def server_error(request):
    raise RuntimeError("Something broke")


# The site's pages (the error page links to them) and one that fails.
urlpatterns = [path("broken/", server_error), path("", include("soundtrack_site.urls"))]
handler500 = "soundtrack_site.views.server_error"


@pytest.mark.urls(__name__)
@pytest.mark.django_db
def test_a_server_error_is_mailed_to_the_admins(settings):
    settings.ADMINS = ["Ana Lima <ana@example.org>"]

    response = Client(raise_request_exception=False).get("/broken/")

    assert response.status_code == 500
    assert [(message.to, message.subject) for message in mail.outbox] == [
        (["Ana Lima <ana@example.org>"], "[Django] ERROR (EXTERNAL IP): Internal Server Error: /broken/")
    ]
    assert "RuntimeError at /broken/\nSomething broke" in mail.outbox[0].body


@pytest.mark.urls(__name__)
@pytest.mark.django_db
def test_no_error_mail_in_development(settings):
    settings.ADMINS = ["Ana Lima <ana@example.org>"]
    settings.DEBUG = True

    Client(raise_request_exception=False).get("/broken/")

    assert mail.outbox == []


@pytest.mark.django_db
def test_forged_host_headers_are_not_mailed(settings, client):
    settings.ADMINS = ["Ana Lima <ana@example.org>"]

    assert client.get("/", headers={"host": "evil.example"}).status_code == 400
    assert mail.outbox == []


SENTRY_STATE = (
    "import sentry_sdk; client = sentry_sdk.get_client(); print(client.is_active(), client.options['environment'])"
)


def test_errors_go_to_sentry_when_sentry_dsn_is_set():
    result = run_django(
        SENTRY_STATE,
        DJANGO_SECRET_KEY="x" * 50,
        SENTRY_DSN="http://public-key@127.0.0.1:9/1",  # nothing listens there: no event is sent in this test
        SENTRY_ENVIRONMENT="staging",
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "staging"]


def test_nothing_goes_to_sentry_without_sentry_dsn():
    result = run_django(SENTRY_STATE, DJANGO_SECRET_KEY="x" * 50)

    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[0] == "False"
