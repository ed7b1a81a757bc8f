"""The bench database and Redis: created when missing, migrated, and filled with the generated site once per scale."""

import json
import os
import sys
import time
import urllib.parse

from .common import ROOT, STATE, log


def ensure_database(database_url: str, redis_url: str) -> None:
    """Create the database when it is missing; empty the bench's Redis database."""
    import psycopg

    url = urllib.parse.urlsplit(database_url)
    name = url.path.lstrip("/")
    maintenance = url._replace(path="/postgres").geturl()
    with psycopg.connect(maintenance, autocommit=True) as connection:
        if not connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            log(f"Creating the database {name}")
            connection.execute(f'CREATE DATABASE "{name}"')
    import redis

    redis.Redis.from_url(redis_url).flushdb()


def setup_django(environment: dict[str, str]) -> None:
    os.environ.update(environment)
    sys.path.insert(0, str(ROOT))
    os.chdir(ROOT)
    import django

    django.setup()


def prepare_data(*, quick: bool, database_url: str, regenerate: bool) -> tuple[dict, float | None]:
    """Migrate, then generate the data unless this scale is already there; the scale and the seconds it took."""
    from django.core.management import call_command

    from articles.models import Article
    from bench.generate import FULL, QUICK

    log("Migrating the bench database…")
    call_command("migrate", "--no-input", verbosity=0)
    call_command("collectstatic", "--no-input", verbosity=0)
    scale = (QUICK if quick else FULL).as_dict()
    db_name = urllib.parse.urlsplit(database_url).path.strip("/")
    marker = STATE / f"{db_name}.json"
    if (
        not regenerate
        and marker.exists()
        and json.loads(marker.read_text()) == scale
        and Article.objects.count() == scale["articles"]
    ):
        log(f"Bench data already generated with these parameters ({marker}); kept.")
        # Earlier runs posted thousands of comments and sessions: tidy up as autovacuum would have by now,
        # so a run measures the site and not how many runs came before it.
        log("VACUUM ANALYZE…")
        vacuum_analyze()
        return scale, None
    log(f"Generating the bench data: {scale}")
    marker.unlink(missing_ok=True)
    started = time.monotonic()
    call_command("generate_bench_data", quick=quick, reset=True)
    generated_seconds = round(time.monotonic() - started, 1)
    STATE.mkdir(parents=True, exist_ok=True)
    marker.write_text(json.dumps(scale))
    log("VACUUM ANALYZE…")
    vacuum_analyze()
    return scale, generated_seconds


def vacuum_analyze() -> None:
    from django.db import connection

    with connection.cursor() as cursor:  # autocommit: VACUUM cannot run inside a transaction
        cursor.execute("VACUUM ANALYZE")
