"""In-memory Nova server groups (2.64): made, listed (every project's for an admin), shown
with their members that are not deleted, deleted; a boot with the scheduler hint `group`
makes the server a member, and the scheduler places it by the group's policy
(tui/backend/memory/placement.py)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any

from tui.backend import models
from tui.backend.base import DEFAULT_PAGE_SIZE
from tui.backend.memory import data
from tui.backend.memory.compute import ComputeMemory
from tui.backend.memory.store import gated

if TYPE_CHECKING:
    from tui.backend.models import ServerGroup

_FIELD = "Invalid input for field/attribute"
_MISSING = "Instance group {} could not be found."
# the policies in the order Nova's JSON schema lists them in its refusal
_SCHEMA_POLICIES = ("anti-affinity", "affinity", "soft-anti-affinity", "soft-affinity")


class ServerGroupsMemory(ComputeMemory):
    def _as_group(self, record: dict[str, Any]) -> ServerGroup:
        """Nova shows only the members that are not deleted."""
        members = [m for m in record["members"] if self._cloud.servers.get(m) is not None]
        return models.ServerGroup.from_api({**record, "members": members})

    def _group_record(self, group_id: str) -> dict[str, Any]:
        record = self._cloud.server_groups.get(group_id)
        if record is None or not self._owned(models.ServerGroup.from_api(record)):
            raise self.refused(404, _MISSING.format(group_id), "show server group")
        return record

    async def server_groups(
        self, *, all_projects: bool = False, page_size: int = DEFAULT_PAGE_SIZE
    ) -> AsyncIterator[list[ServerGroup]]:
        every = all_projects and self._is_admin  # a member asking for all gets their own
        records = [
            r
            for r in self._cloud.server_groups.values()
            if every or r["project_id"] == self._info.project_id
        ]
        async for page in self._pages(map(self._as_group, records), page_size):
            yield page

    async def server_group(self, group_id: str) -> ServerGroup:
        return self._as_group(self._group_record(group_id))

    async def create_server_group(
        self, name: str, policy: str, *, max_server_per_host: int | None = None
    ) -> ServerGroup:
        def change() -> ServerGroup:
            if not name:
                raise self.refused(400, f"{_FIELD} name. Value: . '' should be non-empty")
            if policy not in models.POLICIES:
                allowed = ", ".join(f"'{p}'" for p in _SCHEMA_POLICIES)
                raise self.refused(
                    400,
                    f"{_FIELD} policy. Value: {policy}. '{policy}' is not one of [{allowed}]",
                )
            if max_server_per_host is not None and max_server_per_host < 1:
                raise self.refused(
                    400,
                    f"{_FIELD} max_server_per_host. Value: {max_server_per_host}. "
                    f"{max_server_per_host} is less than the minimum of 1",
                )
            rules = dict(max_server_per_host=max_server_per_host) if max_server_per_host else {}
            if rules and policy != "anti-affinity":
                raise self.refused(400, "Only anti-affinity policy supports rules.")
            record = {
                "id": data.fixed_id("server-group", self._cloud.serial()),
                "name": name,
                "policy": policy,
                "rules": rules,
                "members": [],
                "project_id": self._info.project_id,
                "user_id": self._info.user_id,
            }
            stored = dict(gated(record))  # through the text gate, like every record
            self._cloud.server_groups[stored["id"]] = stored
            return models.ServerGroup.from_api(stored)

        return await self._write("create-server-group", f"server group {name} ({policy})", change)

    async def delete_server_group(self, group_id: str) -> None:
        def change() -> None:
            self._group_record(group_id)
            del self._cloud.server_groups[group_id]

        await self._write("delete-server-group", f"server group {group_id}", change)

    # -- a boot with the scheduler hint `group` ---------------------------------------------

    def _boot(self, spec: models.BootSpec) -> list[models.Server]:
        record = None
        if spec.server_group:
            record = self._cloud.server_groups.get(spec.server_group)
            if record is None or not self._owned(models.ServerGroup.from_api(record)):
                raise self.refused(400, _MISSING.format(spec.server_group))
        servers = super()._boot(spec)
        if record is not None:
            record["members"] = [*record["members"], *(s.id for s in servers)]
        return servers
