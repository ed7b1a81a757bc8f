from django.core.management.base import BaseCommand

from articles.demo import load_demo_content


class Command(BaseCommand):
    help = "Load the demo article built from the seed document (safe to run again: it only adds what is missing)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Rebuild the demo article from the seed, discarding edits to it and its comments.",
        )

    def handle(self, *args, reset=False, **options):
        article, created = load_demo_content(reset=reset)
        if created:
            self.stdout.write(self.style.SUCCESS(f"Loaded the demo article “{article.title}”."))
        else:
            self.stdout.write(f"The demo article is already there ({article.get_absolute_url()}); left as it is.")
