"""Names the lists show instead of ids: learned per connection, one listing per kind.

A column showing an id by its name (a project, a server, a network) says which kind of
name it shows (`tui.resource.Col.named`). The list screen hands the ids of each page it
shows to `NameLookups.want`: the ids not known yet start one listing of that kind in the
background (every screen wanting the same kind meanwhile shares it), never one request per
row. Until it answers the column shows the id; then the rows are drawn again. An id is
asked for once: an id the listing did not name stays an id (a server missing from a
listing of every project is gone, shown as deleted). A list of the kind itself teaches its
names as its pages come (`Resource.teaches`): once the server list has been shown, the
lists naming servers need no listing of their own, which on a cloud of 100,000 servers is
a hundred pages saved; a server its refresh sees deleted is known as gone.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, Protocol

from tui.backend.errors import BackendError

if TYPE_CHECKING:
    from tui.backend.base import Backend


class Capabilities(Protocol):
    """What the token may list (`tui.context.Capabilities`)."""

    @property
    def admin(self) -> bool: ...

    @property
    def all_projects(self) -> bool: ...


Kind = Literal["project", "server", "network"]
_TABLES = {"project": "projects", "server": "servers", "network": "networks"}


@dataclass(slots=True)
class Names:
    """Names the lists show instead of ids, by kind (id → name), learned per connection."""

    projects: dict[str, str] = field(default_factory=dict)
    # server ids → names; "" = gone (not in a listing of every project)
    servers: dict[str, str] = field(default_factory=dict)
    networks: dict[str, str] = field(default_factory=dict)
    # how often each kind learned names: rows drawn before are drawn again
    learned: dict[str, int] = field(default_factory=dict)

    def learn(self, kind: Kind, found: Mapping[str, str]) -> None:
        self.of(kind).update(found)
        self.learned[kind] = self.learned.get(kind, 0) + 1

    def version(self, kinds: Iterable[Kind]) -> int:
        """Changes with every listing that learned names of one of `kinds`."""
        return sum(self.learned.get(kind, 0) for kind in kinds)

    def of(self, kind: Kind) -> dict[str, str]:
        table: dict[str, str] = getattr(self, _TABLES[kind])
        return table

    def text(self, kind: Kind, ident: str) -> str:
        """What a list shows for `ident`: its name, else the id (a server's shortened)."""
        if kind == "server":
            return self.server(ident) if ident else ""
        return getattr(self, _TABLES[kind]).get(ident) or ident

    def project(self, project_id: str) -> str:
        return self.projects.get(project_id, project_id)

    def server(self, server_id: str) -> str:
        name = self.servers.get(server_id)
        if name is None:
            return f"{server_id[:8]}…"
        return name or f"(deleted) {server_id[:8]}"


# One listing per kind: (backend, capabilities) → its pages (rows with id and name), or None
# when this token cannot list that kind (a member lists no projects).
NameLister = Callable[["Backend", Capabilities], AsyncIterator[list[Any]] | None]


def _projects(backend: Backend, capabilities: Capabilities) -> AsyncIterator[list[Any]] | None:
    return backend.projects() if capabilities.admin else None


def _servers(backend: Backend, capabilities: Capabilities) -> AsyncIterator[list[Any]] | None:
    return backend.servers(all_projects=capabilities.all_projects)


def _networks(backend: Backend, capabilities: Capabilities) -> AsyncIterator[list[Any]] | None:
    return backend.networks()


LISTERS: dict[Kind, NameLister] = {
    "project": _projects,
    "server": _servers,
    "network": _networks,
}


class NameLookups:
    """The background listings that name the ids the lists show (see the module)."""

    def __init__(
        self, names: Names, backend: Backend, capabilities: Callable[[], Capabilities]
    ) -> None:
        self._names = names
        self._backend = backend
        self._capabilities = capabilities
        self._asked: dict[Kind, set[str]] = {}
        self._running: dict[Kind, asyncio.Task[bool]] = {}
        self.listings = 0  # listings started (tests count them)

    def want(self, kind: Kind, ids: Iterable[str]) -> Awaitable[bool] | None:
        """Names for `ids`: None when none is missing (or none can be learned), else the
        listing that learns them, True once it named some."""
        running = self._running.get(kind)
        if running is not None and not running.done():
            return asyncio.shield(running)  # ids it does not name are asked for next time
        known = self._names.of(kind)
        asked = self._asked.setdefault(kind, set())
        unknown = {i for i in ids if i and i not in known and i not in asked}
        if not unknown:
            return None
        pages = LISTERS[kind](self._backend, self._capabilities())
        if pages is None:
            return None
        asked |= unknown
        self.listings += 1
        running = self._running[kind] = asyncio.create_task(self._learn(kind, pages))
        return asyncio.shield(running)

    async def _learn(self, kind: Kind, pages: AsyncIterator[list[Any]]) -> bool:
        found: dict[str, str] = {}
        try:
            async for page in pages:
                found.update((row.id, row.name) for row in page)
        except BackendError:
            return False  # shown by id
        if kind == "server" and self._capabilities().all_projects:
            for ident in self._asked.get(kind, ()):
                found.setdefault(ident, self._names.servers.get(ident, ""))  # gone: deleted
        self._names.learn(kind, found)
        return bool(found)

    def close(self) -> None:
        for task in self._running.values():
            task.cancel()
