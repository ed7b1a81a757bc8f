"""The discussion's rate limits: comments per client address and per email, reports per client address."""

import logging

from django.conf import settings

from throttling import ratelimit
from throttling.clients import Client, client_network

from .exceptions import CommentRefused

logger = logging.getLogger(__name__)


def check_comment_limits(*, client: Client, email: str) -> None:
    limit, window = settings.COMMENTS_RATE_LIMIT, settings.COMMENTS_RATE_LIMIT_WINDOW_SECONDS
    try:
        within_ip, within_email = ratelimit.hit_each(
            [("comment-ip", client_network(client.ip_address)), ("comment-email", email)], limit=limit, window=window
        )
    except ratelimit.RateLimitUnavailable:
        logger.warning(
            "Comment rate limits unavailable; failing %s.",
            "open" if settings.COMMENTS_RATE_LIMIT_FAIL_OPEN else "closed",
        )
        if settings.COMMENTS_RATE_LIMIT_FAIL_OPEN:
            return
        raise CommentRefused(
            "Comments are paused for a moment while we fix a problem. Please post again in a few minutes; "
            "your text is kept below.",
            code="unavailable",
        ) from None
    if not (within_ip and within_email):
        raise CommentRefused(
            f"You are commenting too quickly: at most {limit} comments every {window} seconds. "
            "Please wait a moment and post again; your text is kept below.",
            code="rate_limited",
        )


def check_report_limit(network: str) -> None:
    limit, window = settings.COMMENTS_REPORT_RATE_LIMIT, settings.COMMENTS_REPORT_RATE_LIMIT_WINDOW_SECONDS
    try:
        within = ratelimit.hit("report-address", network, limit=limit, window=window)
    except ratelimit.RateLimitUnavailable:
        logger.warning("Report rate limits unavailable; refusing reports until they are back.")
        raise CommentRefused(
            "Reports are paused for a moment while we fix a problem. Please try again in a few minutes.",
            code="unavailable",
        ) from None
    if not within:
        raise CommentRefused(
            f"You have sent many reports recently: at most {limit} every {window // 60} minutes. "
            "Please try again later.",
            code="rate_limited",
        )
