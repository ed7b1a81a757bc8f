"""Trigram indexes (PostgreSQL only) on the upper-cased composer names and work titles that search lists when a
query names them (``name_matches()`` in articles/search/query.py): its case-insensitive "contains" reads the index
instead of upper-casing and testing every name and title on each search.
"""

from django.db import migrations

NAME_INDEXES = [
    ("composer_name_upper_trgm", "articles_composer", "name"),
    ("work_title_upper_trgm", "articles_work", "title"),
]


def create_name_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name, table, column in NAME_INDEXES:
            schema_editor.execute(f"CREATE INDEX {name} ON {table} USING gin ((UPPER({column}::text)) gin_trgm_ops);")


def drop_name_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name, _table, _column in NAME_INDEXES:
            schema_editor.execute(f"DROP INDEX IF EXISTS {name};")


class Migration(migrations.Migration):
    dependencies = [("articles", "0015_musicbrainz_track_lists")]

    operations = [migrations.RunPython(create_name_indexes, drop_name_indexes)]
