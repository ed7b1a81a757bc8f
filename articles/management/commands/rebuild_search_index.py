from django.core.management.base import BaseCommand
from django.db import DEFAULT_DB_ALIAS

from articles.indexing import rebuild_search_index
from articles.search.postgres import is_indexed


class Command(BaseCommand):
    help = "Recompute every article's stored search text and vector (PostgreSQL), e.g. after a bulk import."

    def add_arguments(self, parser):
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS, help="The database to rebuild the index in.")

    def handle(self, *args, database=DEFAULT_DB_ALIAS, **options):
        if not is_indexed(database):
            self.stdout.write(
                "Nothing to rebuild: only PostgreSQL keeps a search index; other databases search the tables."
            )
            return
        count = rebuild_search_index(using=database)
        articles = "article" if count == 1 else "articles"
        self.stdout.write(self.style.SUCCESS(f"Rebuilt the search index of {count} {articles}."))
