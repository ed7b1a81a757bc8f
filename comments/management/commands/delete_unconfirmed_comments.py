from django.conf import settings
from django.core.management.base import BaseCommand

from comments.email_confirmation import delete_unconfirmed


class Command(BaseCommand):
    help = (
        "Delete the comments whose writers did not confirm their email address within COMMENTS_UNCONFIRMED_DAYS. "
        "Run it daily (docs/DEPLOYMENT.md); running it again deletes nothing more."
    )

    def handle(self, *args, **options):
        deleted = delete_unconfirmed()
        days = settings.COMMENTS_UNCONFIRMED_DAYS
        self.stdout.write(f"Deleted {deleted} comment{'s' if deleted != 1 else ''} unconfirmed after {days} days.")
