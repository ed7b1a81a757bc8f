"""Bulk inserts that count what they made, by model."""

from .scale import BATCH_SIZE


class Rows:
    def __init__(self, using: str):
        self.using = using
        self.counts: dict[str, int] = {}

    def create(self, model, objs: list) -> list:
        made = model._default_manager.using(self.using).bulk_create(objs, batch_size=BATCH_SIZE)
        self.counts[model._meta.label] = self.counts.get(model._meta.label, 0) + len(made)
        return made
