from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from articles.portability import ImportFailed, import_article_file


class Command(BaseCommand):
    help = (
        "Create or update articles (by slug) from Markdown files with front matter, as export_articles writes "
        "them. Each file is imported whole or not at all; errors are listed as file:line: message."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", type=Path, help="Files, or folders whose *.md files to import.")

    def handle(self, *args, paths, **options):
        files = []
        for path in paths:
            if path.is_dir():
                files += sorted(path.glob("*.md"))
            elif path.is_file():
                files.append(path)
            else:
                raise CommandError(f"{path}: no such file or folder. Nothing was imported.")
        failed = 0
        for path in files:
            try:
                imported = import_article_file(path)
            except ImportFailed as error:
                failed += 1
                for problem in error.problems:
                    self.stderr.write(f"{path}:{problem.line}: {problem.message}")
                continue
            verb = "created" if imported.created else "updated"
            self.stdout.write(f"{path}: {verb} “{imported.article.title}” ({imported.article.slug})")
        if failed:
            raise CommandError(f"{failed} of {len(files)} files not imported (nothing was taken from them).")
        noun = "file" if len(files) == 1 else "files"
        self.stdout.write(self.style.SUCCESS(f"Imported {len(files)} {noun}."))
