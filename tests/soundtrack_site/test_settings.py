"""Configuration comes from the environment; production refuses to start half-configured."""

import os
import re
import subprocess
from pathlib import Path

import pytest
from django.db import connection

from tests.utils.processes import ROOT, copy_project, outside_the_test_suite, run_django


def test_production_without_a_secret_key_refuses_to_start_with_a_clear_message():
    result = run_django("print('started')", DJANGO_DEBUG="0")

    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr
    assert "started" not in result.stdout


def test_development_has_a_safe_default_secret_key():
    result = run_django("print(settings.DEBUG, settings.SECRET_KEY.startswith('django-insecure'))", DJANGO_DEBUG="1")

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "True"]


def test_debug_is_off_unless_asked_for():
    result = run_django("print(settings.DEBUG, settings.ALLOWED_HOSTS)", DJANGO_SECRET_KEY="x" * 50)

    assert result.stdout.split() == ["False", "[]"]


def test_database_url_cache_hosts_and_email_come_from_the_environment():
    result = run_django(
        "db = settings.DATABASES['default']; mail = settings.MAILERS['default'];"
        "print(db['ENGINE'], db['NAME'], db['HOST'], db['PORT'], settings.CACHES['default']['BACKEND'],"
        " settings.ALLOWED_HOSTS, mail['BACKEND'], mail['OPTIONS']['host'], mail['OPTIONS']['use_tls'])",
        DJANGO_SECRET_KEY="x" * 50,
        DATABASE_URL="postgres://someone:secret@db.internal:6543/soundtrack",
        REDIS_URL="redis://cache.internal:6379/1",
        DJANGO_ALLOWED_HOSTS="soundtrack.example,www.soundtrack.example",
        EMAIL_URL="smtp+tls://mailer:pw@smtp.example:587",
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "django.db.backends.postgresql",
        "soundtrack",
        "db.internal",
        "6543",
        "soundtrack_site.cache.ResilientRedisCache",
        "['soundtrack.example',",
        "'www.soundtrack.example']",
        "django.core.mail.backends.smtp.EmailBackend",
        "smtp.example",
        "True",
    ]


def test_with_an_edge_in_front_the_app_keeps_a_page_as_long_as_the_edge_does():
    """The readers the edge passes on (signed in, or with a session) get the shared copy of any page it holds."""
    shown = "print(settings.PAGE_CACHE_SECONDS, settings.PAGE_CACHE_SHARED_MAX_AGE)"
    edge = {"DJANGO_DEBUG": "1", "EDGE_CACHE_BACKEND": "varnish", "EDGE_CACHE_PURGE_URLS": "http://127.0.0.1:6081/"}

    assert run_django(shown, **edge).stdout.split() == ["3600", "3600"]
    assert run_django(shown, **edge, PAGE_CACHE_SHARED_MAX_AGE="600").stdout.split() == ["600", "600"]
    assert run_django(shown, **edge, PAGE_CACHE_SECONDS="120").stdout.split() == ["120", "3600"]
    assert run_django(shown, DJANGO_DEBUG="1").stdout.split() == ["300", "60"]  # no edge: five minutes


def test_the_default_database_is_an_sqlite_file_under_var():
    result = run_django("print(settings.DATABASES['default']['NAME'])", DJANGO_DEBUG="1")

    assert Path(result.stdout.strip()) == ROOT / "var" / "db.sqlite3"


@pytest.mark.django_db
def test_the_suite_runs_on_the_database_that_database_url_names():
    expected = "postgresql" if os.environ.get("DATABASE_URL", "").startswith(("postgres", "pgsql")) else "sqlite"

    assert connection.vendor == expected
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        assert cursor.fetchone() == (1,)


def test_no_environment_file_database_or_private_key_is_committed():
    tracked = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True).stdout.split()
    assert not [name for name in tracked if name.endswith((".env", ".sqlite3", ".pem", ".key"))]


def test_make_run_writes_a_development_env_file_with_a_secret_key_of_its_own(project_after_make_run):
    lines = (project_after_make_run / ".env").read_text().splitlines()
    settings = dict(line.split("=", 1) for line in lines if line and not line.startswith("#"))

    assert settings.keys() == {"DJANGO_DEBUG", "DJANGO_SECRET_KEY"}
    assert settings["DJANGO_DEBUG"] == "1"
    assert len(settings["DJANGO_SECRET_KEY"]) >= 50
    assert (project_after_make_run / ".env").stat().st_mode & 0o077 == 0  # readable by its owner only


def test_commands_typed_after_make_run_read_its_env_file(project_after_make_run):
    secret_key = (project_after_make_run / ".env").read_text().split("DJANGO_SECRET_KEY=")[1].strip()

    result = run_django(
        "print(settings.BASE_DIR, settings.DEBUG, settings.SECRET_KEY)",
        cwd=project_after_make_run,
        environment=outside_the_test_suite(),
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [str(project_after_make_run), "True", secret_key]


def test_the_environment_wins_over_the_env_file(project_after_make_run):
    result = run_django(
        "print(settings.DEBUG, settings.SECRET_KEY)",
        cwd=project_after_make_run,
        environment=outside_the_test_suite(DJANGO_DEBUG="0", DJANGO_SECRET_KEY="y" * 50),
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "y" * 50]


def test_the_test_suite_never_reads_a_developers_env_file(project_after_make_run):
    """Tests configure themselves: a developer's .env (debug on, another database) must not change what they see,
    nor what the processes they start see."""
    result = run_django("print('started', settings.DEBUG)", cwd=project_after_make_run)

    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr


def test_without_an_env_file_production_still_refuses_to_start(tmp_path):
    project = copy_project(tmp_path)

    result = run_django("print('started')", cwd=project, environment=outside_the_test_suite())

    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr
    assert "started" not in result.stdout


def test_env_example_and_the_configuration_reference_name_every_variable_the_settings_read():
    source = (ROOT / "soundtrack_site" / "settings.py").read_text()
    read = set(re.findall(r'(?:env(?:\.\w+)?|email_addresses)\(\s*"([A-Z][A-Z0-9_]+)"', source))
    example = set(re.findall(r"^(?:# )?([A-Z][A-Z0-9_]+)=", (ROOT / ".env.example").read_text(), re.MULTILINE))
    reference = set(re.findall(r"`([A-Z][A-Z0-9_]+)`", (ROOT / "docs" / "CONFIGURATION.md").read_text()))

    assert {"DJANGO_SECRET_KEY", "DJANGO_ADMINS", "SENTRY_DSN"} <= read
    assert sorted(read - example) == []
    assert sorted(read - reference) == []
