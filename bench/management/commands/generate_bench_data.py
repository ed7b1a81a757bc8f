import time

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS

from articles.models import Article
from bench.generate import FULL, QUICK, Scale, delete_site_content, generate


class Command(BaseCommand):
    help = "Fill the database with a large, deterministic site for the benchmark (bulk inserts)."

    def add_arguments(self, parser):
        parser.add_argument("--quick", action="store_true", help="The small scale (for CI); other options override.")
        for name, default in FULL.as_dict().items():
            parser.add_argument(f"--{name.replace('_', '-')}", type=int, default=None, help=f"default {default:,}")
        parser.add_argument("--reset", action="store_true", help="Delete every article, work, tag and comment first.")
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args, quick=False, reset=False, database=DEFAULT_DB_ALIAS, **options):
        base = (QUICK if quick else FULL).as_dict()
        scale = Scale(**{name: options[name] if options[name] is not None else base[name] for name in base})
        try:
            scale.check()
        except ValueError as error:
            raise CommandError(str(error)) from None
        if Article.objects.using(database).exists():
            if not reset:
                raise CommandError("The database already has articles: pass --reset to replace them with bench data.")
            self.stdout.write("Deleting the existing content…")
            delete_site_content(using=database)
        started = time.monotonic()
        counts = generate(scale, using=database, log=self.stdout.write)
        made = ", ".join(f"{count:,} {label}" for label, count in counts.items())
        self.stdout.write(self.style.SUCCESS(f"Made {made} in {time.monotonic() - started:.0f}s."))
