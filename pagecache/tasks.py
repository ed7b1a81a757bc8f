"""Work the page cache hands to the task worker: purging the edge."""

import logging

from django.conf import settings
from django.tasks import task

from taskqueue.retries import retry_later

from .edge_backends import PurgeFailed, edge_cache

logger = logging.getLogger(__name__)


@task
def purge_surrogate_keys(keys: list[str], attempt: int = 1) -> None:
    """Purge the pages carrying ``keys`` from the edge; on failure, try again later (taskqueue/retries.py) or log
    that the edge may show these pages stale until their max age. Never raises: a failed purge is no editor's or
    reader's error."""
    if (edge := edge_cache()) is None:
        return
    try:
        edge.purge(keys)
    except PurgeFailed as error:
        attempts = settings.EDGE_CACHE_PURGE_ATTEMPTS
        if retry_later(purge_surrogate_keys, attempt=attempt, args=(keys,), max_attempts=attempts):
            logger.warning("Purging %s failed (attempt %d of %d), retrying later: %s", keys, attempt, attempts, error)
        else:
            logger.error("Purging %s failed (attempt %d of %d), given up: %s", keys, attempt, attempts, error)
