"""One mutable collection of records by id, seeded lazily.

A huge demo cloud (100,000 servers and their ports) costs nothing until something walks
it: the seed is consumed only as far as an iteration or a lookup needs. Iteration walks
positions, so several lists may page through the same store at once while writes
replace, add or remove records.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator, Mapping
from typing import Any, Generic, Protocol, TypeVar

from tui.text import clean_json, safe


class Identified(Protocol):
    @property
    def id(self) -> str: ...


T = TypeVar("T", bound=Identified)


class Store(Generic[T]):
    def __init__(self, seed: Iterable[T] = ()) -> None:
        self._seed = iter(seed)
        self._slots: list[T | None] = []
        self._where: dict[str, int] = {}
        self._seeded = False

    def _grow(self) -> bool:
        if self._seeded:
            return False
        item = next(self._seed, None)
        if item is None:
            self._seeded = True
            return False
        self._place(item)
        return True

    def _place(self, item: T) -> None:
        self._where[item.id] = len(self._slots)
        self._slots.append(item)

    def __iter__(self) -> Iterator[T]:
        index = 0
        while index < len(self._slots) or self._grow():
            item = self._slots[index]
            index += 1
            if item is not None:
                yield item

    def get(self, ident: str) -> T | None:
        while ident not in self._where and self._grow():
            pass
        index = self._where.get(ident)
        return None if index is None else self._slots[index]

    def add(self, item: T) -> T:
        """A new record (its id is new: looking for it would walk a huge seed for nothing)."""
        item = gated(item)
        self._place(item)
        return item

    def put(self, item: T) -> T:
        """Replace the record with the same id (it must exist)."""
        if self.get(item.id) is None:
            raise KeyError(item.id)
        item = gated(item)
        self._slots[self._where[item.id]] = item
        return item

    def remove(self, ident: str) -> T:
        item = self.get(ident)
        if item is None:
            raise KeyError(ident)
        self._slots[self._where[ident]] = None  # the id stays known: no walk to look for it
        return item


def gated(value: Any) -> Any:
    """A record as the real backend would hand it out: every string through the text gate.

    The real backend gates text where it decodes the API's JSON; the in-memory cloud's
    records are written here (seeds are the demo's own text), so they pass the same gate.
    """
    if isinstance(value, str):
        return safe(value, multiline=True)
    if isinstance(value, tuple):
        return tuple(gated(v) for v in value)
    if isinstance(value, Mapping):
        return clean_json(dict(value))
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {
            f.name: gated(getattr(value, f.name)) for f in dataclasses.fields(value) if f.init
        }
        return dataclasses.replace(value, **changes)
    return value
