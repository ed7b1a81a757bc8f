"""What the database does with a query (PostgreSQL), and a database that refuses writes as one going down does."""

from contextlib import contextmanager

from django.db import connection


def plan(queryset) -> str:
    """The plan of a query, with sequential scans off: a table this small would otherwise be read whole."""
    return sql_plan(*queryset.query.sql_with_params())


def sql_plan(sql: str, params=None) -> str:
    """``plan()`` of a query's SQL: one written by hand, or one captured as it ran (its values already in it)."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


@contextmanager
def writes_refused_to(table: str):
    """Until the block ends, writes to ``table`` fail as writes to a database that went down do (on SQLite, writes
    to any table)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "CREATE FUNCTION refuse_as_if_down() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION "
                "'terminating connection due to administrator command' USING ERRCODE = 'admin_shutdown'; END $$"
            )
            cursor.execute(
                f"CREATE TRIGGER refuse_as_if_down BEFORE INSERT OR UPDATE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION refuse_as_if_down()"
            )
    else:
        connection.cursor().execute("PRAGMA query_only = ON")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(f"DROP TRIGGER refuse_as_if_down ON {table}")
                cursor.execute("DROP FUNCTION refuse_as_if_down()")
            else:
                cursor.execute("PRAGMA query_only = OFF")
