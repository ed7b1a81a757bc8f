from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from follows import digests
from follows.models import DigestSent, Frequency
from follows.services import clear_expired_requests

# A period's claims are needed while the period can still be sent: a week and a day; kept a little longer.
CLAIMS_KEPT = timedelta(days=35)


class Command(BaseCommand):
    help = (
        "Email each confirmed follower the articles published in the last whole day (daily digests) or week "
        "(weekly digests, Monday to Monday) about what they follow. Run it as often as you like: a period's "
        "digest goes to an address once."
    )

    def add_arguments(self, parser):
        parser.add_argument("--frequency", choices=Frequency.values, help="Only these digests (default: both).")

    def handle(self, *args, frequency=None, **options):
        failed = 0
        for each in [frequency] if frequency else Frequency.values:
            start, end = digests.last_period(each)
            sent, failures = self.send(each, start, end)
            failed += failures
            self.stdout.write(f"{Frequency(each).label} digests of {start:%Y-%m-%d} to {end:%Y-%m-%d}: {sent} sent.")
        cleared = clear_expired_requests()
        DigestSent.objects.filter(period_start__lt=timezone.now() - CLAIMS_KEPT).delete()
        if cleared:
            self.stdout.write(f"Forgot {cleared} follow request(s) nobody confirmed.")
        if failed:
            raise CommandError(f"{failed} digest(s) could not be sent; run the command again to send them.")

    def send(self, frequency, start, end) -> tuple[int, int]:
        """(sent, failed) for the period's digests; stops when the mail server cannot be reached."""
        sent = failed = 0
        for digest in digests.digests(frequency, start, end):
            try:
                sent += digests.send_digest(digest, settings.SITE_URL)
            except digests.ServerUnreachable as error:
                raise CommandError(f"The mail server cannot be reached ({error}); run the command again.") from None
            except OSError as error:
                failed += 1
                self.stderr.write(f"The digest to {digest.email} failed: {error}")
        return sent, failed
