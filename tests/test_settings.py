"""Configuration comes from the environment; production refuses to start half-configured."""

import os
import subprocess
from pathlib import Path

import pytest
from django.db import connection

from tests.processes import ROOT, run_django


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
