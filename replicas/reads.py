"""Which database the reads of the current request may use: one replica for the whole request, or none.

Set by ``ReplicaReadsMiddleware`` for the requests it lets read from a replica, asked by the router for each read.
Outside a request (commands, the task worker, tests that query directly) nothing is set: every read goes to the
primary.
"""

from contextvars import ContextVar, Token

_replica: ContextVar[str | None] = ContextVar("replica_for_reads", default=None)


def current_replica() -> str | None:
    return _replica.get()


def read_from(alias: str | None) -> Token:
    """Send this context's replica-safe reads to ``alias`` (None: the primary) until ``reset()``."""
    return _replica.set(alias)


def reset(token: Token) -> None:
    _replica.reset(token)


def primary_from_now_on() -> None:
    """Every later read of this request goes to the primary (it wrote, or its replica failed)."""
    _replica.set(None)
