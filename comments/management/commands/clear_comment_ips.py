from django.conf import settings
from django.core.management.base import BaseCommand

from comments.personal_data import clear_old_ip_addresses


class Command(BaseCommand):
    help = (
        "Forget the IP addresses of comments and readers' reports older than COMMENTS_IP_RETENTION_DAYS. Run it "
        "daily (docs/DEPLOYMENT.md); running it again changes nothing more."
    )

    def handle(self, *args, **options):
        comments, reports = clear_old_ip_addresses()
        days = settings.COMMENTS_IP_RETENTION_DAYS
        self.stdout.write(
            f"Cleared the IP addresses of {comments} comments and {reports} reports older than {days} days."
        )
