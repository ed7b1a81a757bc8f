"""What the database does with a query (PostgreSQL)."""

from django.db import connection


def plan(queryset) -> str:
    """The plan of a query, with sequential scans off: a table this small would otherwise be read whole."""
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())
