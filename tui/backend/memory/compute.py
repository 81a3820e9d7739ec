"""In-memory Nova: servers and hypervisors."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

from tui.backend.base import DEFAULT_PAGE_SIZE
from tui.backend.errors import BackendError, Conflict
from tui.backend.memory.core import MemoryCore
from tui.backend.memory.data import hypervisor_json, server_json
from tui.backend.models import Hypervisor, Json, Server


class ComputeMemory(MemoryCore):
    def __init__(self, **knobs: object) -> None:
        super().__init__(**knobs)  # type: ignore[arg-type]
        self._hypervisors = [
            Hypervisor.from_api(hypervisor_json(i)) for i in range(self._n_hypervisors)
        ]
        self._hosts = [h.host for h in self._hypervisors]
        self._servers: list[Server] = []
        self._built = 0
        self.backups: list[tuple[str, str, str]] = []

    def _all_servers(self) -> Iterator[Server]:
        """Every server, built on first use page by page, so the first page is instant."""
        names = self.project_names()
        index = 0
        while True:
            if index == len(self._servers):
                if self._built >= self._n_servers:
                    return
                raw = server_json(self._built, self._n_projects, self._hosts)
                self._servers.append(Server.from_api(raw, names))
                self._built += 1
            yield self._servers[index]
            index += 1

    async def servers(
        self,
        *,
        all_projects: bool = False,
        host: str | None = None,
        project_id: str | None = None,
        page_size: int = DEFAULT_PAGE_SIZE,
    ) -> AsyncIterator[list[Server]]:
        if (all_projects or host) and not self._is_admin:
            self._require_admin("list servers", "os_compute_api:servers:index:get_all_tenants")
        checks: list[Callable[[Server], bool]] = []
        if not all_projects and not host and not project_id:
            checks.append(lambda s: s.project_id == self._info.project_id)
        if host:
            checks.append(lambda s: s.host == host)
        if project_id:
            checks.append(lambda s: s.project_id == project_id)
        matching = (s for s in self._all_servers() if all(check(s) for check in checks))
        async for page in self._pages(matching, page_size):
            yield page

    async def server(self, server_id: str) -> Server:
        return self._find(self._all_servers(), server_id, "server")

    async def hypervisors(
        self, *, page_size: int = DEFAULT_PAGE_SIZE
    ) -> AsyncIterator[list[Hypervisor]]:
        self._require_admin("list hypervisors", "os_compute_api:os-hypervisors:list-detail")
        counts: dict[str, int] = {}
        for s in self._all_servers():
            counts[s.host] = counts.get(s.host, 0) + 1
        hypervisors = [_with_usage(h, counts.get(h.host, 0)) for h in self._hypervisors]
        async for page in self._pages(hypervisors, page_size):
            yield page

    async def hypervisor(self, hypervisor_id: str) -> Hypervisor:
        async for page in self.hypervisors():
            for h in page:
                if h.id == hypervisor_id:
                    return h
        raise self.not_found("hypervisor", hypervisor_id)

    # -- writes ------------------------------------------------------------------------

    def _replace_server(self, server: Server, **changes: Any) -> Server:
        raw = {**server.raw, **changes}
        fresh = Server.from_api(raw, self.project_names())
        self._servers[self._servers.index(server)] = fresh
        return fresh

    def _conflict(self, server: Server, action: str) -> Conflict:
        return Conflict(
            f"Cannot '{action}' instance {server.id} while it is in vm_state {server.vm_state}",
            status=409,
            operation=action,
        )

    async def server_action(self, server_id: str, action: str, **args: object) -> None:
        server = await self.server(server_id)
        target = f"server {server.name} ({server.id})"

        def change() -> None:
            if (
                server.locked
                and action not in ("unlock", "lock", "reset_state")
                and not self._is_admin
            ):
                raise Conflict(f"Instance {server.id} is locked", status=409, operation=action)
            if action in _ACTION_RESULTS:
                if server.status not in _ALLOWED_FROM[action]:
                    raise self._conflict(server, action)
                status, vm_state, power = _ACTION_RESULTS[action]
                self._replace_server(
                    server,
                    status=status,
                    **{
                        "OS-EXT-STS:vm_state": vm_state,
                        "OS-EXT-STS:power_state": power,
                        "OS-EXT-STS:task_state": None,
                    },
                )
            elif action in ("lock", "unlock"):
                self._replace_server(server, locked=action == "lock")
            elif action == "rename":
                self._replace_server(server, name=str(args["name"]))
            elif action == "reset_state":
                state = str(args.get("state", "error"))
                self._replace_server(
                    server,
                    status="ERROR" if state == "error" else "ACTIVE",
                    **{"OS-EXT-STS:vm_state": state, "OS-EXT-STS:task_state": None},
                )
            elif action in ("delete", "force_delete"):
                self._servers.remove(server)
            elif action == "create_backup":
                self.backups.append((server.id, str(args["name"]), str(args["backup_type"])))
            else:
                raise BackendError(f"Unknown server action {action}", operation=action)

        await self._write(action.replace("_", "-"), target, change)


def _with_usage(h: Hypervisor, running: int) -> Hypervisor:
    raw: Json = {
        **h.raw,
        "running_vms": running,
        "vcpus_used": running * 2,
        "memory_mb_used": 4096 + running * 2048,
        "local_gb_used": running * 20,
    }
    return Hypervisor.from_api(raw)


# What each server action does to the in-memory record: (status, vm_state, power, task).
_ACTION_RESULTS: dict[str, tuple[str, str, int]] = {
    "start": ("ACTIVE", "active", 1),
    "stop": ("SHUTOFF", "stopped", 4),
    "reboot": ("ACTIVE", "active", 1),
    "suspend": ("SUSPENDED", "suspended", 7),
    "resume": ("ACTIVE", "active", 1),
    "pause": ("PAUSED", "paused", 3),
    "unpause": ("ACTIVE", "active", 1),
}

# Nova's own state rules for the in-memory cloud: the statuses each action accepts.
_ALLOWED_FROM: dict[str, tuple[str, ...]] = {
    "start": ("SHUTOFF",),
    "stop": ("ACTIVE", "ERROR", "PAUSED", "SUSPENDED", "RESCUE"),
    "reboot": ("ACTIVE", "SHUTOFF", "PAUSED", "SUSPENDED", "ERROR"),
    "suspend": ("ACTIVE", "SHUTOFF"),
    "resume": ("SUSPENDED",),
    "pause": ("ACTIVE",),
    "unpause": ("PAUSED",),
}
