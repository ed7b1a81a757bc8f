"""The databases' settings from the environment: read replicas, the connection pool, PgBouncer."""

import json

import pytest
from django.db import connection

from tests.utils.processes import run_django

POSTGRES = "postgres://someone:secret@db.internal:6543/soundtrack"
SHOW = (
    "import json; print(json.dumps({'replicas': settings.DATABASE_REPLICAS,"
    " 'databases': {alias: {k: db[k] for k in ('HOST', 'PORT', 'CONN_MAX_AGE', 'OPTIONS', 'TEST')}"
    " | {'no_server_side_cursors': db.get('DISABLE_SERVER_SIDE_CURSORS', False)}"
    " for alias, db in settings.DATABASES.items()}}, default=str))"
)


def databases(**env: str) -> dict:
    result = run_django(SHOW, DJANGO_SECRET_KEY="x" * 50, DATABASE_URL=POSTGRES, **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_each_replica_url_is_a_database_of_every_process_and_a_mirror_in_tests():
    found = databases(DATABASE_REPLICA_URLS="postgres://r@replica-a:5432/soundtrack,postgres://r@replica-b/soundtrack")

    assert found["replicas"] == ["replica_1", "replica_2"]
    assert [db["HOST"] for db in found["databases"].values()] == ["db.internal", "replica-a", "replica-b"]
    assert found["databases"]["replica_1"]["TEST"]["MIRROR"] == "default"


def test_without_replica_urls_there_is_only_the_primary():
    found = databases()

    assert found["replicas"] == []
    assert list(found["databases"]) == ["default"]


def test_replicas_and_pools_need_postgresql():
    for variable in ("DATABASE_REPLICA_URLS", "DATABASE_POOL", "DATABASE_PGBOUNCER"):
        value = "postgres://r@replica/soundtrack" if variable == "DATABASE_REPLICA_URLS" else "1"
        result = run_django("print(settings.DATABASES)", DJANGO_SECRET_KEY="x" * 50, **{variable: value})

        assert result.returncode != 0
        assert "need" in result.stderr and "PostgreSQL as DATABASE_URL" in result.stderr, variable


def test_the_pool_replaces_persistent_connections_on_the_primary_and_the_replicas():
    found = databases(
        DATABASE_POOL="1",
        DATABASE_POOL_MAX_SIZE="2",
        DATABASE_CONN_MAX_AGE="600",
        DATABASE_REPLICA_URLS="postgres://r@replica/soundtrack",
    )

    for db in found["databases"].values():
        assert db["CONN_MAX_AGE"] == 0
        assert db["OPTIONS"]["pool"] == {"min_size": 1, "max_size": 2, "timeout": 10.0}


def test_behind_pgbouncer_there_are_no_server_side_cursors_or_prepared_statements():
    db = databases(DATABASE_PGBOUNCER="1")["databases"]["default"]

    assert db["no_server_side_cursors"] is True
    assert db["OPTIONS"]["prepare_threshold"] is None
    assert "options" not in db["OPTIONS"]  # PgBouncer refuses startup options: JIT is turned off on the database


@pytest.mark.django_db
@pytest.mark.postgresql("JIT compiling is PostgreSQL's")
def test_the_sites_connections_never_jit_compile_a_query():
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone() == ("off",)
    replica = databases(DATABASE_REPLICA_URLS=POSTGRES)["databases"]["replica_1"]
    assert replica["OPTIONS"]["options"] == "-c jit=off"


@pytest.mark.postgresql("psycopg's pool connects to PostgreSQL")
def test_a_process_with_the_pool_reads_the_database_through_it():
    database = connection.settings_dict
    url = f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}"
    result = run_django(
        "from django.db import connection\n"
        "from django.contrib.auth.models import Group\n"
        "print(Group.objects.count() >= 0, connection.pool is not None)",
        DJANGO_SECRET_KEY="x" * 50,
        DATABASE_URL=url,
        DATABASE_POOL="1",
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "True"]
