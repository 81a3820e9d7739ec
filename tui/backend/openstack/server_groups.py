"""Nova's server groups (os-server-groups): listed (every project's for an admin), shown,
created with a policy and its rules (microversion 2.64), deleted."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any

from tui.backend import models
from tui.backend.base import DEFAULT_PAGE_SIZE
from tui.backend.openstack.core import OpenStackCore
from tui.backend.openstack.replies import Read

if TYPE_CHECKING:
    from tui.backend.models import ServerGroup

# 2.64: one `policy` and a `rules` object (max_server_per_host) instead of a policy list
SERVER_GROUPS_MV = (2, 64)


def create_body(name: str, policy: str, max_server_per_host: int | None) -> dict[str, Any]:
    group: dict[str, Any] = {"name": name, "policy": policy}
    if max_server_per_host is not None:
        group["rules"] = {"max_server_per_host": max_server_per_host}
    return {"server_group": group}


class ServerGroupsAPI(OpenStackCore):
    def _groups_mv(self) -> str:
        return self._compute_version(SERVER_GROUPS_MV)

    async def server_groups(
        self, *, all_projects: bool = False, page_size: int = DEFAULT_PAGE_SIZE
    ) -> AsyncIterator[list[ServerGroup]]:
        """Nova pages server groups by offset, without links: a short page is the last."""
        operation = "list server groups"

        def fetch(marker: str | None) -> tuple[list[ServerGroup], str | None]:
            offset = int(marker or 0)
            query: dict[str, Any] = {"limit": page_size, "offset": offset}
            if all_projects:
                query["all_projects"] = "True"
            _, groups = self._get_read(
                "compute",
                "/os-server-groups",
                Read("server_groups", models.ServerGroup.from_api, "list"),
                query,
                self._groups_mv(),
                operation,
            )
            more = len(groups) >= page_size
            return groups, str(offset + len(groups)) if more else None

        async for page in self._paged(operation, fetch):
            yield page

    async def server_group(self, group_id: str) -> ServerGroup:
        return await self._show(
            "compute",
            f"/os-server-groups/{group_id}",
            "server_group",
            models.ServerGroup.from_api,
            kind="server group",
            microversion=self._groups_mv,
        )

    async def create_server_group(
        self, name: str, policy: str, *, max_server_per_host: int | None = None
    ) -> ServerGroup:
        made: ServerGroup = await self._write(
            "create-server-group",
            f"server group {name} ({policy})",
            "POST",
            "compute",
            "/os-server-groups",
            body=create_body(name, policy, max_server_per_host),
            microversion=self._groups_mv,
            read=Read("server_group", models.ServerGroup.from_api, made="server group"),
        )
        return made

    async def delete_server_group(self, group_id: str) -> None:
        await self._write(
            "delete-server-group",
            f"server group {group_id}",
            "DELETE",
            "compute",
            f"/os-server-groups/{group_id}",
            microversion=self._groups_mv,
        )
