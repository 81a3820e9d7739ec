"""Servers in a cell that is down: asking Nova so that it shows them.

From 2.69 Nova lists a server whose cell does not answer as a partial record (status
UNKNOWN, id, project, creation time), but only for a list it can answer for it: as soon as a
request carries ``limit``, ``marker``, a sort or a filter other than ``all_tenants``, Nova
skips those servers silently (nova/api/openstack/compute/servers.py,
``_is_cell_down_supported``). So the plain list's first page is asked without ``limit``
(Nova then uses its own maximum, 1000 by default, the page size stackdeck asks anyway); the
following pages carry the marker as before. A marker naming a server of a down cell makes
Nova answer 500, so the marker is the last server Nova could read.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from typing import Any

from tui.backend.base import DEFAULT_PAGE_SIZE
from tui.backend.models import Server
from tui.backend.openstack.compute import ComputeAPI

# The only filter Nova allows beside showing servers of a down cell.
CELL_DOWN_FILTERS = frozenset({"all_tenants"})


def shows_down_cells(params: Mapping[str, Any], page_size: int) -> bool:
    """Whether a servers list can include servers of a down cell (see the module's text)."""
    return set(params) <= CELL_DOWN_FILTERS and page_size >= DEFAULT_PAGE_SIZE


def next_marker(servers: list[Server], marker: str | None) -> str | None:
    """Nova's marker, or the last server it could read when that one is in a down cell."""
    if marker is None or not any(s.id == marker and s.cell_down for s in servers):
        return marker
    readable = [s for s in servers if not s.cell_down]
    return readable[-1].id if readable else None


class CellsAPI(ComputeAPI):
    async def _servers_where(
        self, params: Mapping[str, Any], page_size: int
    ) -> AsyncIterator[list[Server]]:
        if not shows_down_cells(params, page_size):
            async for page in super()._servers_where(params, page_size):
                yield page
            return
        operation = "list servers"

        def fetch(marker: str | None) -> tuple[list[Server], str | None]:
            query: dict[str, Any] = dict(params)
            if marker:
                query |= {"limit": page_size, "marker": marker}
            servers, marker = self._list_page(
                "compute",
                "/servers/detail",
                "servers",
                self._parse_server,
                query,
                self._servers_mv(),
                operation,
                self._server_rows,
            )
            return servers, next_marker(servers, marker)

        async for page in self._paged(operation, fetch):
            yield page
