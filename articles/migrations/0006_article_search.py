"""Search: each article's stored search text and vector, a GIN index on the vector and pg_trgm for typos.

The index and the extension exist on PostgreSQL only; on SQLite the vector column stays empty and search reads
the tables. Existing articles are indexed by `manage.py rebuild_search_index` (run it once after this migration).
"""

import django.contrib.postgres.search
from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations, models

INDEX_NAME = "article_search_vector_gin"


def create_gin_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"CREATE INDEX {INDEX_NAME} ON articles_article USING gin (search_vector);")


def drop_gin_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX_NAME};")


class Migration(migrations.Migration):
    dependencies = [("articles", "0005_position_limits")]

    operations = [
        migrations.AddField(
            model_name="article",
            name="search_document",
            field=models.TextField(blank=True, default="", editable=False),
        ),
        migrations.AddField(
            model_name="article",
            name="search_vector",
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
        ),
        TrigramExtension(),
        migrations.RunPython(create_gin_index, drop_gin_index),
    ]
