from django.core.management.base import BaseCommand

from comments.demo import load_demo_discussion


class Command(BaseCommand):
    help = "Add a small discussion under the demo article (only if it has no comments yet)."

    def handle(self, *args, **options):
        made = load_demo_discussion()
        if made:
            self.stdout.write(self.style.SUCCESS(f"Added {made} demo comments."))
        else:
            self.stdout.write("The demo discussion is already there (or there is no demo article); left as it is.")
