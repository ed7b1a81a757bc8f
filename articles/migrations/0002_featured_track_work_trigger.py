"""A featured track must come from the article's own work: enforced by the database, not just the forms.

PostgreSQL gets its trigger here; SQLite's is kept by articles/triggers.py around each migrate.
"""

from django.db import migrations

MESSAGE = "featured track is not from the article's work"

POSTGRESQL = [
    f"""
    CREATE FUNCTION articles_featuredtrack_same_work() RETURNS trigger AS $$
    BEGIN
        IF (SELECT work_id FROM articles_track WHERE id = NEW.track_id)
           IS DISTINCT FROM (SELECT work_id FROM articles_article WHERE id = NEW.article_id) THEN
            RAISE EXCEPTION '{MESSAGE.replace("'", "''")}' USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        RETURN NEW;
    END;
    $$ LANGUAGE plpgsql;
    """,
    """
    CREATE TRIGGER articles_featuredtrack_same_work
    BEFORE INSERT OR UPDATE OF track_id, article_id ON articles_featuredtrack
    FOR EACH ROW EXECUTE FUNCTION articles_featuredtrack_same_work();
    """,
]
POSTGRESQL_REVERSE = [
    "DROP TRIGGER IF EXISTS articles_featuredtrack_same_work ON articles_featuredtrack;",
    "DROP FUNCTION IF EXISTS articles_featuredtrack_same_work();",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("articles", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"postgresql": POSTGRESQL}),
            _run({"postgresql": POSTGRESQL_REVERSE}),
        ),
    ]
