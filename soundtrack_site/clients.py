"""Who is asking: the client's IP address, also behind reverse proxies that the settings say to trust."""

from django.conf import settings


def client_ip(request) -> str | None:
    """The address the nearest untrusted hop connected from.

    With TRUSTED_PROXY_COUNT proxies in front of the app, each appending to X-Forwarded-For, the client is the
    address that many entries from the right; anything further left is whatever the client chose to send.
    """
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR") or None
