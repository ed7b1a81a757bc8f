"""The database router: the replica-safe reads of a request that may use a replica go to it; everything else
(writes, reads inside a transaction, reads of tables replicas must not serve) goes to the primary."""

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

from . import reads


class ReplicaRouter:
    def db_for_read(self, model, **hints) -> str:
        alias = reads.current_replica()
        if (
            alias is None
            or alias not in connections.settings  # never an alias this process does not define
            or not _replica_safe(model)
            or connections[DEFAULT_DB_ALIAS].in_atomic_block
        ):
            return DEFAULT_DB_ALIAS
        return alias

    def db_for_write(self, model, **hints) -> str:
        if _replica_safe(model):
            # What a request wrote, it reads back from the primary for the rest of the request.
            reads.primary_from_now_on()
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints) -> bool:
        return True  # every alias holds the same data

    def allow_migrate(self, db, app_label, **hints) -> bool:
        return db == DEFAULT_DB_ALIAS


def _replica_safe(model) -> bool:
    """Models of the apps public pages read (DATABASE_REPLICA_APPS): never sessions, the cache's tables, the task
    queue or the sign-in throttle, which must see every write at once."""
    return model._meta.app_label in settings.DATABASE_REPLICA_APPS
