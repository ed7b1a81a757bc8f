"""The database's own guard that a featured track comes from its article's work.

A check constraint cannot look at another table, so each backend gets a trigger. On PostgreSQL a migration
creates it once. On SQLite a trigger that names another table breaks the table rebuilds SQLite migrations do
(ALTER TABLE ... RENAME re-checks every trigger), so there it is dropped before ``migrate`` and created again after.
"""

from django.db import connections

MESSAGE = "featured track is not from the article''s work"  # quoted for SQL

SQLITE_EVENTS = ("insert", "update")


def _sqlite_create(event: str) -> str:
    return f"""
    CREATE TRIGGER IF NOT EXISTS articles_featuredtrack_same_work_{event}
    BEFORE {event.upper()} ON articles_featuredtrack
    WHEN (SELECT work_id FROM articles_track WHERE id = NEW.track_id)
         IS NOT (SELECT work_id FROM articles_article WHERE id = NEW.article_id)
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;
    """


def drop_sqlite_triggers(using: str = "default", **kwargs) -> None:
    connection = connections[using]
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            for event in SQLITE_EVENTS:
                cursor.execute(f"DROP TRIGGER IF EXISTS articles_featuredtrack_same_work_{event}")


def create_sqlite_triggers(using: str = "default", **kwargs) -> None:
    connection = connections[using]
    if connection.vendor == "sqlite" and "articles_featuredtrack" in connection.introspection.table_names():
        with connection.cursor() as cursor:
            for event in SQLITE_EVENTS:
                cursor.execute(_sqlite_create(event))
