"""Indexes for search at scale: trigram indexes for close matches (PostgreSQL only) and the newest-first order.

The trigram indexes serve the word-similarity operator (``%>``) on the titles and names that a misspelt query is
matched against; the b-tree serves lists and the full-text search, which read the newest articles first.
"""

from django.db import migrations, models

TRIGRAM_INDEXES = [
    ("article_title_trgm", "articles_article", "title"),
    ("work_title_trgm", "articles_work", "title"),
    ("composer_name_trgm", "articles_composer", "name"),
]


def create_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name, table, column in TRIGRAM_INDEXES:
            schema_editor.execute(f"CREATE INDEX {name} ON {table} USING gin ({column} gin_trgm_ops);")


def drop_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name, _table, _column in TRIGRAM_INDEXES:
            schema_editor.execute(f"DROP INDEX IF EXISTS {name};")


class Migration(migrations.Migration):
    dependencies = [("articles", "0008_cover_images")]

    operations = [
        migrations.AddIndex(
            model_name="article",
            index=models.Index(fields=["-publish_at", "-id"], name="article_newest_first"),
        ),
        migrations.RunPython(create_trigram_indexes, drop_trigram_indexes),
    ]
