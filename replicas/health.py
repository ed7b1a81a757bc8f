"""What this process knows of its replicas: whether each answers, and up to when it holds every change.

Each replica is checked at most every DATABASE_REPLICA_CHECK_SECONDS, when a request that may read from one
arrives: the primary's write position is read first, then whether the replica has replayed up to it. When it has,
everything committed before the check began is on the replica: that moment is its ``caught_up_at``. Its lag is
how far behind that the last check found it, so a replica that is idle but caught up lags 0 (a replay timestamp
alone would say it lags as long as the primary has been idle). A replica that does not answer is down until a
later check finds it again. The knowledge is per process and lives in memory: a check is two short queries.
"""

import logging
import random
import threading
import time
from contextlib import suppress
from dataclasses import dataclass

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections

logger = logging.getLogger(__name__)


@dataclass
class ReplicaState:
    alias: str
    checked_at: float = float("-inf")  # time.monotonic() of the last check
    check_began: float = float("-inf")  # time.time() of the same
    caught_up_at: float | None = None  # time.time(): every change committed before it is on the replica
    lag: float = float("inf")  # seconds behind the primary at the last check
    down: bool = False

    def usable(self, *, changed_at: float) -> bool:
        """Up, within the allowed lag, and holding every change made up to ``changed_at`` (a time.time())."""
        return (
            not self.down
            and self.lag <= settings.DATABASE_REPLICA_MAX_LAG_SECONDS
            and self.caught_up_at is not None
            and self.caught_up_at >= changed_at
        )


class Replicas:
    def __init__(self):
        self._states: dict[str, ReplicaState] = {}
        self._lock = threading.Lock()

    def state(self, alias: str) -> ReplicaState:
        with self._lock:
            return self._states.setdefault(alias, ReplicaState(alias))

    def choose(self, *, changed_at: float) -> str | None:
        """A replica that holds every change made up to ``changed_at``, checking those whose check is due, and
        those up whose last check began before that change (it replicates in milliseconds: without a check now,
        every change would send the reads to the primary until the next one); None when there is none."""
        usable = []
        for alias in configured_replicas():
            state = self.state(alias)
            due = time.monotonic() - state.checked_at >= settings.DATABASE_REPLICA_CHECK_SECONDS
            if due or (not state.down and state.check_began < changed_at):
                check(state)
            if state.usable(changed_at=changed_at):
                usable.append(alias)
        return random.choice(usable) if usable else None

    def mark_down(self, alias: str, error: Exception) -> None:
        """A query on the replica failed: use it no more until a check finds it again."""
        state = self.state(alias)
        if not state.down:
            logger.warning("Replica %s failed (%s); reading from the primary until it answers again.", alias, error)
        state.down, state.checked_at = True, time.monotonic()
        with suppress(DatabaseError):
            connections[alias].close()

    def forget(self) -> None:
        """Drop what is known (the tests' replicas change between tests)."""
        with self._lock:
            self._states.clear()


def configured_replicas() -> list[str]:
    """The replica aliases of settings.DATABASE_REPLICAS that this process's DATABASES defines."""
    return [alias for alias in settings.DATABASE_REPLICAS if alias in connections.settings]


def check(state: ReplicaState) -> None:
    """Check one replica now: up or down, and how far behind."""
    started = time.time()
    state.checked_at, state.check_began = time.monotonic(), started
    try:
        primary_position = _primary_position()
    except DatabaseError:
        return  # the primary's own outage: the replica's lag grows until it can be measured again
    try:
        caught_up = _replayed_up_to(state.alias, primary_position)
    except DatabaseError as error:
        if not state.down:
            logger.warning("Replica %s does not answer (%s); reading from the primary.", state.alias, error)
        state.down = True
        with suppress(DatabaseError):
            connections[state.alias].close()
        return
    if state.down:
        logger.info("Replica %s answers; reading from it again.", state.alias)
    state.down = False
    if caught_up:
        state.caught_up_at = started
    state.lag = started - state.caught_up_at if state.caught_up_at is not None else float("inf")


def _primary_position() -> str | None:
    primary = connections[DEFAULT_DB_ALIAS]
    if primary.vendor != "postgresql":
        return None
    with primary.cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_lsn()::text")
        return cursor.fetchone()[0]


def _replayed_up_to(alias: str, position: str | None) -> bool:
    """Whether the replica holds everything up to the primary's ``position`` (a server that is not replaying
    anything, the primary itself under another alias, holds everything)."""
    replica = connections[alias]
    with replica.cursor() as cursor:
        if replica.vendor != "postgresql" or position is None:
            cursor.execute("SELECT 1")
            return True
        cursor.execute(
            "SELECT NOT pg_is_in_recovery() OR coalesce(pg_last_wal_replay_lsn() >= %s::pg_lsn, false)", [position]
        )
        return cursor.fetchone()[0]


replicas = Replicas()  # this process's knowledge, shared by its requests (and its threads, under the lock)
