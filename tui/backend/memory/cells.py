"""In-memory Nova cells: servers whose cell is down answer as Nova 2.69+ answers for them.

`mark_cell_down` puts servers in a cell that does not answer: lists show them as partial
records (status UNKNOWN, id, project, creation time) first, as Nova prefixes them, but only
to a list Nova can answer for them (no filter but all_tenants, no sort); a filtered list
skips them (Nova's default ``list_records_by_skipping_down_cells``). A show gives the
partial record with what the API database keeps (flavor, image, zone, user, server groups),
and an action fails as Nova's does (HTTP 500). `mark_cell_up` brings them back.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable
from datetime import datetime

from tui.backend.base import DEFAULT_PAGE_SIZE
from tui.backend.memory.compute import EVERY_PROJECT, ComputeMemory
from tui.backend.models import Json, Server
from tui.backend.server_filters import NO_FILTERS, ServerFilters

# Nova's answer to an action on a server it cannot reach (an unexpected NovaException).
UNREACHABLE = (
    "Unexpected API Error. Please report this at http://bugs.launchpad.net/nova/ and attach "
    "the Nova API log if possible.\n<class 'nova.exception.NovaException'>"
)


def list_record(full: Json) -> Json:
    """servers/detail's record of a server in a cell that is down."""
    return {
        "id": full["id"],
        "status": "UNKNOWN",
        "tenant_id": full.get("tenant_id"),
        "created": full.get("created"),
        "links": full.get("links") or [],
    }


def show_record(full: Json) -> Json:
    """GET /servers/{id} of a server in a cell that is down (2.71+: its server groups)."""
    return {
        **list_record(full),
        "user_id": full.get("user_id") or "UNKNOWN",
        "image": full.get("image") or "",
        "flavor": full.get("flavor") or {},
        "OS-EXT-AZ:availability_zone": full.get("OS-EXT-AZ:availability_zone") or "UNKNOWN",
        "OS-EXT-STS:power_state": 0,
        "server_groups": list(full.get("server_groups") or []),
    }


class CellsMemory(ComputeMemory):
    def _down(self) -> set[str]:
        down: set[str] = self._cloud.kept("down_cell_servers", set)
        return down

    def mark_cell_down(self, server_ids: Iterable[str]) -> None:
        """Tests and the demo: these servers' cell stops answering."""
        self._down().update(server_ids)

    def last_servers(self, count: int) -> list[str]:
        """The ids of the cloud's last `count` servers (the demo's down cell)."""
        return [s.id for s in self._cloud.servers][-count:] if count > 0 else []

    def mark_cell_up(self) -> None:
        self._down().clear()

    def _partial(self, server: Server, show: bool = False) -> Server:
        record = show_record(server.raw) if show else list_record(server.raw)
        return Server.from_api(record, self.project_names())

    async def servers(
        self,
        *,
        all_projects: bool = False,
        host: str | None = None,
        project_id: str | None = None,
        page_size: int = DEFAULT_PAGE_SIZE,
        changes_since: datetime | None = None,
        filters: ServerFilters = NO_FILTERS,
    ) -> AsyncIterator[list[Server]]:
        down = self._down()  # Nova cannot tell when those changed: they come back each time
        filtered = bool(host or project_id or filters)
        if down and not filtered:
            if all_projects:
                self._require_admin("list servers", EVERY_PROJECT)
            mine = self._info.project_id
            partial = [
                self._partial(s)
                for s in self._cloud.servers
                if s.id in down and (all_projects or s.project_id == mine)
            ]
            if partial:
                yield partial
        async for page in super().servers(
            all_projects=all_projects,
            host=host,
            project_id=project_id,
            page_size=page_size,
            changes_since=changes_since,
            filters=filters,
        ):
            if kept := [s for s in page if s.id not in down]:
                yield kept

    async def servers_in_status(
        self, status: str, *, page_size: int = DEFAULT_PAGE_SIZE
    ) -> AsyncIterator[list[Server]]:
        async for page in super().servers_in_status(status, page_size=page_size):
            if kept := [s for s in page if s.id not in self._down()]:
                yield kept

    async def servers_in_a_task(
        self, *, before: datetime, page_size: int = DEFAULT_PAGE_SIZE
    ) -> AsyncIterator[list[Server]]:
        async for page in super().servers_in_a_task(before=before, page_size=page_size):
            if kept := [s for s in page if s.id not in self._down()]:
                yield kept

    async def server(self, server_id: str) -> Server:
        if server_id in self._down():
            return self._partial(self._server_or_404(server_id), show=True)
        return await super().server(server_id)

    async def server_action(self, server_id: str, action: str, **args: object) -> None:
        if server_id in self._down():

            def fail() -> None:
                raise self.refused(500, UNREACHABLE)

            await self._write(action.replace("_", "-"), self._server_target(server_id), fail)
        await super().server_action(server_id, action, **args)
