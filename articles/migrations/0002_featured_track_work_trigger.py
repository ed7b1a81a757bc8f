"""A featured track must come from the article's own work: enforced by the database, not just the forms.

A check constraint cannot look at another table, so each backend gets a trigger.
"""

from django.db import migrations

MESSAGE = "featured track is not from the article's work"

SQLITE = [
    f"""
    CREATE TRIGGER articles_featuredtrack_same_work_{event.lower()}
    BEFORE {event} ON articles_featuredtrack
    WHEN (SELECT work_id FROM articles_track WHERE id = NEW.track_id)
         IS NOT (SELECT work_id FROM articles_article WHERE id = NEW.article_id)
    BEGIN SELECT RAISE(ABORT, '{MESSAGE.replace("'", "''")}'); END;
    """
    for event in ("INSERT", "UPDATE")
]
SQLITE_REVERSE = [f"DROP TRIGGER IF EXISTS articles_featuredtrack_same_work_{e};" for e in ("insert", "update")]

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
            _run({"sqlite": SQLITE, "postgresql": POSTGRESQL}),
            _run({"sqlite": SQLITE_REVERSE, "postgresql": POSTGRESQL_REVERSE}),
        ),
    ]
