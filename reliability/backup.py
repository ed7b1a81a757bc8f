"""The backup drill of docs/BACKUPS.md: dump a populated database, restore it into an empty one, compare.

Every table in ``public`` is compared by row count and by a checksum of all its rows (each row as text, sorted),
and every sequence by its last value, so a restore that drops, adds or alters a single row shows up. The restored
database must also be fully migrated (``manage.py migrate --check``).
"""

import time
from pathlib import Path

from psycopg import sql

from .servers import PostgresCluster, app_environment, manage

# The bench generator at a tiny scale: a few articles with threads, pending comments and a "hot" article.
TINY_BENCH_DATA = ["--articles", "12", "--works", "4", "--composers", "4", "--tags", "4", "--comments", "300",
                   "--pending", "20", "--hot-comments", "50"]  # fmt: skip


def fingerprint(cluster: PostgresCluster, database: str) -> dict:
    """Row count and checksum of every table, last value of every sequence."""
    with cluster.connect(database) as connection:
        tables = connection.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
        ).fetchall()
        checksum = "SELECT count(*), md5(coalesce(string_agg(t::text, ',' ORDER BY t::text), '')) FROM {} AS t"
        result = {
            "tables": {
                name: list(connection.execute(sql.SQL(checksum).format(sql.Identifier(name))).fetchone())
                for (name,) in tables
            },
            "sequences": dict(
                connection.execute(
                    "SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = 'public'"
                ).fetchall()
            ),
        }
    return result


def run(cluster: PostgresCluster, workdir: Path) -> dict:
    """Populate, dump, restore, compare; the figures, with ``passed``."""
    env = app_environment(
        database_url=cluster.create_database("reliability_backup_source"),
        redis_url="",
        secret_key="backup-drill-only-" + "x" * 40,
        BENCH_ENABLED="1",
    )
    manage(env, "migrate", "--no-input")
    manage(env, "generate_bench_data", *TINY_BENCH_DATA)
    manage(env, "load_demo_content")
    manage(env, "load_demo_discussion")
    source = fingerprint(cluster, "reliability_backup_source")

    dump = cluster.dir / "drill.dump"  # the cluster's folder: the PostgreSQL user writes and reads it
    started = time.monotonic()
    cluster.run("pg_dump", "--format=custom", "--no-owner", f"--file={dump}", env["DATABASE_URL"])
    dumped = time.monotonic()
    restored_url = cluster.create_database("reliability_backup_restored")
    cluster.run("pg_restore", "--no-owner", "--exit-on-error", f"--dbname={restored_url}", str(dump))
    restore_seconds = time.monotonic() - dumped
    restored = fingerprint(cluster, "reliability_backup_restored")
    try:
        manage(env | {"DATABASE_URL": restored_url}, "migrate", "--check")
        migrate_check = ""
    except RuntimeError as error:
        migrate_check = str(error)[-2000:]
    migrations_complete = not migrate_check

    mismatched = sorted(
        name
        for name in source["tables"].keys() | restored["tables"].keys()
        if source["tables"].get(name) != restored["tables"].get(name)
    )
    figures = {
        "scenario": "backup drill (pg_dump -Fc, pg_restore, compare)",
        "tables": len(source["tables"]),
        "rows": sum(count for count, _checksum in source["tables"].values()),
        "rows_restored": sum(count for count, _checksum in restored["tables"].values()),
        "tables_with_rows": sum(1 for count, _checksum in source["tables"].values() if count),
        "mismatched_tables": mismatched,
        "sequences": len(source["sequences"]),
        "sequences_match": source["sequences"] == restored["sequences"],
        "dump_bytes": dump.stat().st_size,
        "dump_seconds": round(dumped - started, 2),
        "restore_seconds": round(restore_seconds, 2),
        "restored_migrate_check_passed": migrations_complete,
        "migrate_check_output": migrate_check,
        "per_table": {
            name: {"rows": count, "md5": checksum, "restored_md5": restored["tables"].get(name, [None, None])[1]}
            for name, (count, checksum) in source["tables"].items()
        },
    }
    figures["passed"] = (
        not mismatched and figures["sequences_match"] and migrations_complete and figures["tables_with_rows"] > 10
    )
    return figures
