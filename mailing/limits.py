"""Rate limits for every page that sends mail or changes what is sent: by client network and by address.

The limit is counted before anything is looked up, so a known and an unknown address get the same answer.
Without the counters (Redis down) it fails closed: mail can wait, an open door to send it cannot.
"""

from django.conf import settings

from throttling import ratelimit
from throttling.clients import Client, client_network


def within_mail_limits(scope: str, *, client: Client | None, email: str = "") -> bool:
    """Count one request; False past either limit. ``client`` None: counted by address alone."""
    window = settings.MAIL_RATE_LIMIT_WINDOW_SECONDS
    try:
        by_client = client is None or ratelimit.hit(
            f"mail-{scope}-ip",
            client_network(client.ip_address),
            limit=settings.MAIL_RATE_LIMIT_PER_CLIENT,
            window=window,
        )
        by_address = not email or ratelimit.hit(
            f"mail-{scope}-email", email, limit=settings.MAIL_RATE_LIMIT_PER_ADDRESS, window=window
        )
    except ratelimit.RateLimitUnavailable:
        return False
    return by_client and by_address


# Unsubscribing sends nothing: it is counted only against a flood of requests, generously (a reader leaving many
# threads, a provider retrying its one-click POST), and let through when the counters cannot be reached.
UNSUBSCRIBES_PER_ADDRESS_FACTOR = 10


def within_unsubscribe_limit(email: str) -> bool:
    limit = settings.MAIL_RATE_LIMIT_PER_ADDRESS * UNSUBSCRIBES_PER_ADDRESS_FACTOR
    try:
        return ratelimit.hit("mail-unsubscribe", email, limit=limit, window=settings.MAIL_RATE_LIMIT_WINDOW_SECONDS)
    except ratelimit.RateLimitUnavailable:
        return True


def too_many_message() -> str:
    minutes = max(1, settings.MAIL_RATE_LIMIT_WINDOW_SECONDS // 60)
    return f"Too many requests. Please try again in {minutes} minutes."
