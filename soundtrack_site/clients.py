"""Who is asking: the client's IP address, also behind reverse proxies that the settings say to trust."""

import ipaddress

from django.conf import settings


def client_ip(request) -> str | None:
    """The address the nearest untrusted hop connected from.

    With TRUSTED_PROXY_COUNT proxies in front of the app, each appending to X-Forwarded-For, the client is the
    address that many entries from the right; anything further left is whatever the client chose to send. A value
    that is not an IP address (a misconfigured proxy count lets the client write it) falls back to REMOTE_ADDR.
    """
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= proxies and _is_ip_address(forwarded[-proxies]):
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR") or None


def _is_ip_address(value: str) -> bool:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True
