"""Who is asking: the client's IP address, also behind reverse proxies that the settings say to trust."""

import ipaddress
from dataclasses import dataclass

from django.conf import settings


@dataclass(frozen=True)
class Client:
    """Where a submission came from, for rate limits and moderation."""

    ip_address: str | None = None
    user_agent: str = ""


UNKNOWN_CLIENT = Client()


def client_of(request) -> Client:
    return Client(
        ip_address=client_ip(request),
        # PostgreSQL refuses NUL in text; a WSGI server may pass one on in a header.
        user_agent=request.headers.get("user-agent", "").replace("\x00", ""),
    )


def client_ip(request) -> str | None:
    """The address the nearest untrusted hop connected from.

    With TRUSTED_PROXY_COUNT proxies in front of the app, each appending to X-Forwarded-For, the client is the
    address that many entries from the right; anything further left is whatever the client chose to send. A value
    that is not an IP address (a misconfigured proxy count lets the client write it) falls back to REMOTE_ADDR.
    """
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies:
        forwarded = [part.strip() for part in request.headers.get("x-forwarded-for", "").split(",") if part.strip()]
        if len(forwarded) >= proxies and _is_ip_address(forwarded[-proxies]):
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR") or None


def _is_ip_address(value: str) -> bool:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True


# One IPv6 customer is usually given a whole /64 and can pick any address in it: counting addresses one by one
# would let one machine pass for billions of clients.
IPV6_CLIENT_PREFIX = 64


def client_network(ip: str | None) -> str:
    """What counts as one client when counting clients: an IPv4 address, or the /64 network of an IPv6 one;
    "unknown" when there is no address (every such client is then counted as the same one)."""
    if not ip:
        return "unknown"
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return "unknown"
    if address.version == 6 and address.ipv4_mapped:
        return str(address.ipv4_mapped)
    if address.version == 6:
        return str(ipaddress.ip_network(f"{address}/{IPV6_CLIENT_PREFIX}", strict=False))
    return str(address)
