"""The spelling lexicon: every word of the articles' search text, with a trigram GiST index (PostgreSQL only) that
finds the closest word to a misspelt one by distance (articles/spelling.py).

It replaces the close-match search over titles, work titles and composer names (migration 0009's trigram GIN
indexes, dropped here), which scored hundreds of candidate articles for a common misspelling. The lexicon is
filled here from what the database already holds; from then on, refreshing an article's search vector adds its
words, and `manage.py rebuild_search_index` makes it again from scratch.
"""

from django.db import migrations, models


# Letters only, 3 to 64 of them: the words articles/spelling.py corrects (its WORD pattern, in PostgreSQL's terms).
FILL_LEXICON = r"""
    INSERT INTO articles_searchword (word)
    SELECT DISTINCT lower(found[1])
    FROM (
        SELECT title || ' ' || search_document AS text FROM articles_article
        UNION ALL SELECT title FROM articles_work
        UNION ALL SELECT name FROM articles_composer
        UNION ALL SELECT name FROM taggit_tag
    ) AS texts,
    regexp_matches(texts.text, '\m([[:alpha:]]{3,64})\M', 'g') AS found
    ON CONFLICT DO NOTHING
"""
OLD_TRIGRAM_INDEXES = [
    ("article_title_trgm", "articles_article", "title"),
    ("work_title_trgm", "articles_work", "title"),
    ("composer_name_trgm", "articles_composer", "name"),
]


def create_lexicon_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("CREATE INDEX searchword_trgm ON articles_searchword USING gist (word gist_trgm_ops);")
        schema_editor.execute(FILL_LEXICON)
        for name, _table, _column in OLD_TRIGRAM_INDEXES:
            schema_editor.execute(f"DROP INDEX IF EXISTS {name};")


def drop_lexicon_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name, table, column in OLD_TRIGRAM_INDEXES:
            schema_editor.execute(f"CREATE INDEX {name} ON {table} USING gin ({column} gin_trgm_ops);")
        schema_editor.execute("DROP INDEX IF EXISTS searchword_trgm;")


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0009_search_indexes"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
    ]

    operations = [
        migrations.CreateModel(
            name="SearchWord",
            fields=[("word", models.CharField(max_length=64, primary_key=True, serialize=False))],
        ),
        migrations.RunPython(create_lexicon_index, drop_lexicon_index),
    ]
