"""Name lookups: one listing per kind for the ids not known yet, shared while it runs, an id
asked for once; what cannot be listed is shown by id."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

from tui.backend.errors import BackendError
from tui.names import NameLookups, Names


@dataclass(frozen=True)
class Named:
    id: str
    name: str


@dataclass(frozen=True)
class Rights:
    admin: bool = True
    all_projects: bool = True


class Lists:
    """A backend that lists networks, servers and projects, counting each listing."""

    def __init__(self, *, fail: bool = False) -> None:
        self.calls: list[str] = []
        self.gate = asyncio.Event()
        self.gate.set()
        self.fail = fail

    async def _list(self, kind: str, rows: list[Named]) -> AsyncIterator[list[Named]]:
        self.calls.append(kind)
        await self.gate.wait()
        if self.fail:
            raise BackendError("down", operation=f"list {kind}")
        yield rows[:1]
        yield rows[1:]

    def networks(self) -> AsyncIterator[list[Named]]:
        return self._list("networks", [Named("n1", "public"), Named("n2", "private")])

    def servers(self, *, all_projects: bool = False) -> AsyncIterator[list[Named]]:
        return self._list("servers", [Named("s1", "web-01")])

    def projects(self) -> AsyncIterator[list[Named]]:
        return self._list("projects", [Named("p1", "demo")])


def lookups(backend: Any, rights: Rights | None = None) -> tuple[Names, NameLookups]:
    names = Names()
    return names, NameLookups(names, backend, lambda: rights or Rights())


async def test_one_listing_names_every_id_and_is_shared_while_it_runs() -> None:
    backend = Lists()
    backend.gate.clear()
    names, found = lookups(backend)
    first = found.want("network", {"n1"})
    second = found.want("network", {"n2"})
    assert first is not None and second is not None
    assert names.text("network", "n1") == "n1", "the id until the names come"
    backend.gate.set()
    assert await first and await second
    assert backend.calls == ["networks"]
    assert (names.text("network", "n1"), names.text("network", "n2")) == ("public", "private")
    assert found.want("network", {"n1", "n2"}) is None, "known: nothing is listed"


async def test_an_id_is_asked_for_once() -> None:
    backend = Lists()
    names, found = lookups(backend)
    waiting = found.want("network", {"n9"})
    assert waiting is not None
    await waiting
    assert found.want("network", {"n9"}) is None
    assert names.text("network", "n9") == "n9"
    assert backend.calls == ["networks"]


async def test_servers_missing_from_every_projects_listing_are_gone() -> None:
    names, found = lookups(Lists())
    waiting = found.want("server", {"s1", "s2"})
    assert waiting is not None and await waiting
    assert names.text("server", "s1") == "web-01"
    assert names.text("server", "s2") == "(deleted) s2"


async def test_a_member_lists_no_projects_and_keeps_the_ids() -> None:
    backend = Lists()
    names, found = lookups(backend, Rights(admin=False, all_projects=False))
    assert found.want("project", {"p1"}) is None
    assert backend.calls == []
    assert names.text("project", "p1") == "p1"


async def test_a_failed_listing_leaves_the_ids_shown() -> None:
    backend = Lists(fail=True)
    names, found = lookups(backend)
    waiting = found.want("network", {"n1"})
    assert waiting is not None and not await waiting
    assert names.text("network", "n1") == "n1"
    assert names.version(["network"]) == 0


async def test_each_listing_that_learns_changes_the_version_of_its_kind() -> None:
    names, found = lookups(Lists())
    waiting = found.want("project", {"p1"})
    assert waiting is not None and await waiting
    assert names.version(["project"]) == 1
    assert names.version(["network", "server"]) == 0
    assert names.text("project", "") == ""
