from django.core.management.base import BaseCommand
from django.db import DEFAULT_DB_ALIAS

from articles.indexing import rebuild_index, rebuild_search_index
from articles.search.postgres import is_indexed


class Command(BaseCommand):
    help = (
        "Recompute every article's stored search text and vector (PostgreSQL) and the lexicon of words misspellings "
        "are corrected to (every database), e.g. after a bulk import."
    )

    def add_arguments(self, parser):
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS, help="The database to rebuild the index in.")
        parser.add_argument(
            "--queue", action="store_true", help="Leave the rebuild to the task worker (TASKS_BACKEND=database)."
        )

    def handle(self, *args, database=DEFAULT_DB_ALIAS, queue=False, **options):
        if queue:
            result = rebuild_index.enqueue(using=database)
            self.stdout.write(self.style.SUCCESS(f"Queued the rebuild of the search index (task {result.id})."))
            return
        count = rebuild_search_index(using=database)
        articles = "article" if count == 1 else "articles"
        if is_indexed(database):
            self.stdout.write(self.style.SUCCESS(f"Rebuilt the search index of {count} {articles}."))
        else:  # other databases search the tables; only the lexicon is kept
            self.stdout.write(self.style.SUCCESS(f"Rebuilt the spelling lexicon from {count} {articles}."))
