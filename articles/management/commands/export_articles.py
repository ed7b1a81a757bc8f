from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from articles.portability import export_articles
from articles.portability.exporting import exportable_articles


class Command(BaseCommand):
    help = (
        "Write articles as Markdown files with front matter, one <slug>.md each, that import_articles reads back. "
        "Name the articles by slug, or export --all."
    )

    def add_arguments(self, parser):
        parser.add_argument("slugs", nargs="*", metavar="slug", help="The slugs of the articles to export.")
        parser.add_argument(
            "--all", dest="export_all", action="store_true", help="Export every article, drafts included."
        )
        parser.add_argument(
            "-o", "--output-dir", type=Path, default=Path("."), help="Where to write the files (default: here)."
        )

    def handle(self, *args, slugs, export_all=False, output_dir, **options):
        if bool(slugs) == export_all:
            raise CommandError("Name the articles' slugs, or give --all (not both).")
        articles = exportable_articles()
        if slugs:
            articles = list(articles.filter(slug__in=slugs))
            if missing := sorted(set(slugs) - {article.slug for article in articles}):
                raise CommandError(f"No article has the slug: {', '.join(missing)}. Nothing was exported.")
        written = export_articles(articles, output_dir)
        for path in written:
            self.stdout.write(str(path))
        noun = "article" if len(written) == 1 else "articles"
        self.stdout.write(self.style.SUCCESS(f"Exported {len(written)} {noun} to {output_dir}."))
