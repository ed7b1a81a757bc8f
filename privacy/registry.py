"""The apps' personal data, by email address: each app says how to export it and how to erase it."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class DataSource:
    export: Callable[[str], Any]  # the address → its data, JSON-serialisable (a list of records)
    erase: Callable[[str], int]  # the address → how many records were erased or anonymised


_sources: dict[str, DataSource] = {}


def register(name: str, *, export: Callable[[str], Any], erase: Callable[[str], int]) -> None:
    """``name`` titles the app's part of an export ("comments", "follows")."""
    _sources[name] = DataSource(export=export, erase=erase)


def sources() -> dict[str, DataSource]:
    return dict(_sources)
