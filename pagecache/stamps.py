"""Version stamps: a time per kind of change, kept in the shared cache. Cached things are keyed by the stamps of
what they show, so a change makes them stale at once, on every app server, with no scanning of keys.

- The catalogue stamp moves when articles, works, composers, tracks or tags change (``catalogue_changed()``): it
  keys every cached page and the fragments that show them (an article's parts, comment sections).
- Each article's discussion stamp moves when the comments it shows change (``discussion_changed()``): it keys that
  article's page and its comment section. So approving a comment on one article makes that article's page stale,
  and no other, as the edge purges only that page (pagecache/edge.py): its parts come from their cached fragments.
- The pages stamp moves on any change readers could see: when the latest change was made (the read replicas'
  freshness bar).

A page is kept with the stamps it was made under (``page_stamps()``): the catalogue's, read before it was rendered,
and the discussion stamp of each article whose comments it shows, read before they were. It is sent while they all
stand. A scheduled change (an article going public at its time) moves the pages and catalogue stamps lazily, on the
first request after it is due.
"""

import time
from collections.abc import Iterable
from datetime import datetime
from functools import cache as once

from django.conf import settings
from django.db import transaction
from django.utils.module_loading import import_string

from . import edge, tracked

PAGES_KEY = "pagecache:pages"
CATALOGUE_KEY = "pagecache:catalogue"
NEXT_SCHEDULED_KEY = "pagecache:next-scheduled"
NOTHING_SCHEDULED = 0.0


def catalogue_changed(surrogate_keys: Iterable[str] = (edge.CATALOGUE,)) -> None:
    """Call after any change to what public pages show, comments aside (``discussion_changed()``), with the
    surrogate keys of the pages that show what changed (pagecache/edge.py): every page unless told."""
    _move_on_change([PAGES_KEY, CATALOGUE_KEY], schedule_may_change=True)
    edge.purge(surrogate_keys)


def discussion_changed(article_ids) -> None:
    """Call after a change to the comments these articles show."""
    article_ids = set(article_ids)
    _move_on_change([PAGES_KEY, *(discussion_key(pk) for pk in article_ids)])
    edge.purge(edge.discussion_keys(article_ids))


def discussion_key(article_id: int) -> str:
    return f"pagecache:discussion:{article_id}"


def _move_on_change(keys: list[str], *, schedule_may_change: bool = False) -> None:
    """Safe inside a transaction: the stamps move at once (the transaction's own reads see the change) and again on
    commit (a fragment another request rendered in between, from the data before the commit, is not kept)."""

    def move():
        _move(keys, schedule_may_change=schedule_may_change)

    if transaction.get_connection().in_atomic_block:
        move()
    transaction.on_commit(move)  # outside a transaction, this runs now


def _move(keys: list[str], *, at: float | None = None, schedule_may_change: bool = False) -> dict[str, float]:
    # Always past the previous stamp, even when two changes share a clock tick (or a test freezes the clock).
    previous = tracked.get_many(keys)
    stamps = {key: max(at or time.time(), (previous.get(key) or 0.0) + 1e-6) for key in keys}
    # The next scheduled change is looked up again (None: unknown), in the same round trip.
    tracked.set_many(stamps | ({NEXT_SCHEDULED_KEY: None} if schedule_may_change else {}), timeout=None)
    return stamps


@once
def _next_scheduled_change_callable():
    return import_string(settings.PAGECACHE_NEXT_SCHEDULED_CHANGE)


def _next_scheduled_change() -> float:
    due: datetime | None = _next_scheduled_change_callable()()
    return due.timestamp() if due else NOTHING_SCHEDULED


def fragment_stamps(request, article_id: int | None = None) -> tuple[float, ...]:
    """The stamps a cached fragment is keyed by: the catalogue's, and the article's discussion's when given one.
    Read once per request (the fragments of one page are then cached under the same stamps)."""
    known = request.__dict__.setdefault("_fragment_stamps", {})
    keys = [CATALOGUE_KEY] + ([discussion_key(article_id)] if article_id is not None else [])
    if missing := [key for key in keys if key not in known]:
        found = tracked.get_many(missing)
        if absent := [key for key in missing if not found.get(key)]:
            found |= _move(absent)  # a cache that lost them (restarted, flushed): everything is stale anyway
        known.update(found)
    return tuple(known[key] for key in keys)


def page_stamps(request) -> tuple[tuple[str, float], ...]:
    """The stamps the page rendered for ``request`` was made under (a kept page is sent while they all stand): the
    catalogue's, as read before the page was rendered (``render_under()``), and the discussion stamps of the
    articles whose comments it showed."""
    fragment_stamps(request)
    return tuple(sorted(request._fragment_stamps.items()))


def render_under(request, values: dict) -> None:
    """Have the page rendered for ``request`` made under the catalogue stamp among ``values``, read before it was
    rendered: a change committed while it is rendered makes it stale."""
    if catalogue := values.get(CATALOGUE_KEY):
        request.__dict__.setdefault("_fragment_stamps", {}).setdefault(CATALOGUE_KEY, catalogue)


def is_current(stamps: tuple[tuple[str, float], ...], values: dict) -> bool:
    """Whether the stamps a page was made under all stand, ``values`` being the stamps now."""
    return all(values.get(key) == value for key, value in stamps)


def latest_change() -> float:
    """When the latest change readers could see was made: the pages stamp (the read replicas' freshness bar,
    DATABASE_REPLICA_LATEST_CHANGE)."""
    return tracked.get_many([PAGES_KEY]).get(PAGES_KEY) or _move([PAGES_KEY])[PAGES_KEY]


def pages_stamp(*also: str, cache_only: bool = False) -> tuple[float, float, dict] | None:
    """(the pages stamp, when the next scheduled change is due, the catalogue stamp and the values of the keys
    ``also`` asked for, in the same round trip) — moving the stamps if a scheduled change has just come due.
    ``cache_only``: None instead when the cache alone cannot answer (a stamp to make after a flush, the next
    scheduled change to look up or due)."""
    values = tracked.get_many([PAGES_KEY, NEXT_SCHEDULED_KEY, CATALOGUE_KEY, *also])
    next_change = values.get(NEXT_SCHEDULED_KEY)
    stamps_kept = values.get(PAGES_KEY) and values.get(CATALOGUE_KEY)
    if cache_only and (not stamps_kept or next_change is None or 0 < next_change <= time.time()):
        return None
    if not stamps_kept:
        values |= _move([key for key in (PAGES_KEY, CATALOGUE_KEY) if not values.get(key)])
    if next_change is None:
        next_change = _next_scheduled_change()
        tracked.set_many({NEXT_SCHEDULED_KEY: next_change})
    if next_change and time.time() >= next_change:
        # A new article in the lists, and new neighbours for the one before it: pages and fragments are stale.
        values |= _move([PAGES_KEY, CATALOGUE_KEY], at=max(next_change, values[PAGES_KEY]))
        next_change = _next_scheduled_change()
        tracked.set_many({NEXT_SCHEDULED_KEY: next_change})
    return values[PAGES_KEY], next_change, {key: values[key] for key in (CATALOGUE_KEY, *also) if key in values}
