"""In-memory Nova: servers, hypervisors, flavors, keypairs, zones, actions, boot."""

from __future__ import annotations

import base64
from collections.abc import AsyncIterator, Mapping
from datetime import datetime
from typing import Any

from tui.backend import block_devices, models, states
from tui.backend.base import DEFAULT_PAGE_SIZE, SERVER_ACTIONS
from tui.backend.errors import BackendError
from tui.backend.memory import data
from tui.backend.memory.block_devices import BlockDevicesMemory
from tui.backend.memory.cloud import Build, at_rest
from tui.backend.memory.console_logs import console_output
from tui.backend.memory.usage import Held, by_host, with_usage
from tui.backend.models import Hypervisor, Json, Server
from tui.backend.server_filters import (
    NO_FILTERS,
    STATUSES,
    ServerFilters,
    server_matches,
    with_scope,
)
from tui.backend.timestamps import not_after

ZONE = "nova"
# Nova's rule for listing servers/detail with all_tenants (every list stackdeck asks for)
EVERY_PROJECT = "os_compute_api:servers:detail:get_all_tenants"
# os-start and os-stop look the server up in the cell mappings first
_MAPPED_FIRST = ("start", "stop")

# Where each power action leaves the server: its vm_state.
_ACTION_RESULTS = {
    "start": "active",
    "stop": "stopped",
    "reboot": "active",
    "hard_reboot": "active",
    "suspend": "suspended",
    "resume": "active",
    "pause": "paused",
    "unpause": "active",
}


# Nova's instance action for each server action, and the event its compute manager adds.
_RECORDED: dict[str, tuple[str, str]] = {
    **{a: (a, f"compute_{a}_instance") for a in _ACTION_RESULTS if a != "hard_reboot"},
    "lock": ("lock", "api_lock"),
    "unlock": ("unlock", "api_unlock"),
    "reset_state": ("resetState", ""),
    "create_backup": ("createBackup", "compute_backup_instance"),
}


class ComputeMemory(BlockDevicesMemory):
    # -- servers -----------------------------------------------------------------------------

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
        filters = with_scope(filters, host=host, project_id=project_id)
        every = all_projects or filters.needs_all_tenants()  # each asks Nova for all_tenants
        if every:
            self._require_admin("list servers", EVERY_PROJECT)
        if filters.status and filters.status.upper() not in STATUSES:
            raise self.refused(400, "Invalid status value", "list servers")
        mine = None if every else self._info.project_id  # else only ours
        servers = self._cloud.servers
        found = servers if changes_since is None else servers.changed_since(changes_since)
        flavor = self._cloud.flavors.get(filters.flavor) if filters.flavor else None
        if filters.flavor and flavor is None:
            return  # Nova lists nothing for a flavor it does not know
        name = flavor.name if flavor is not None else None
        async for page in self._select(
            found,
            page_size,
            lambda s: server_matches(s, filters, flavor_name=name),
            project_id=mine,
        ):
            yield page

    def cloud_time(self) -> datetime | None:
        return self._cloud.servers.time()

    async def servers_in_status(
        self, status: str, *, page_size: int = DEFAULT_PAGE_SIZE
    ) -> AsyncIterator[list[Server]]:
        self._require_admin("list servers", EVERY_PROJECT)
        async for page in self._select(self._cloud.servers, page_size, status=status):
            yield page

    async def servers_in_a_task(
        self, *, before: datetime, page_size: int = DEFAULT_PAGE_SIZE
    ) -> AsyncIterator[list[Server]]:
        self._require_admin("list servers", EVERY_PROJECT)
        async for page in self._select(
            self._cloud.servers,
            page_size,
            lambda s: bool(s.task_state and not_after(s.updated, before)),
        ):
            yield page

    async def server(self, server_id: str) -> Server:
        return self._observe(self._server_or_404(server_id))

    def _observe(self, server: Server) -> Server:
        """A booted server finishes building on the second ``server()`` poll (lists don't);
        a server on the move takes one step of it per poll."""
        self._step_move(server.id)
        server = self._cloud.servers.get(server.id) or server
        build = self._cloud.builds.get(server.id)
        if build is None:
            return server
        build.polls += 1
        if build.polls < 2:
            return server
        server = self._attach_block_devices(self._cloud.finish_build(server), build.spec)
        self._cloud.record_action(
            server,
            "create",
            build.request_id,
            server.user_id,
            (("compute__do_build_and_run_instance", server.host),),
        )
        return server

    def _step_move(self, server_id: str) -> None:
        move = self._cloud.moves.get(server_id)
        if move is None:
            return
        step = move.steps.pop(0)
        if not move.steps:
            del self._cloud.moves[server_id]
        step()

    def _server_or_404(self, server_id: str) -> Server:
        return self._lookup(self._cloud.servers, server_id, "instance")

    # -- hypervisors ---------------------------------------------------------------------------

    async def hypervisors(
        self, *, page_size: int = DEFAULT_PAGE_SIZE
    ) -> AsyncIterator[list[Hypervisor]]:
        self._require_admin("list hypervisors", "os_compute_api:os-hypervisors:list-detail")
        hosts = by_host(self._cloud.servers)
        hypervisors = [with_usage(h, hosts.get(h.host, Held())) for h in self._cloud.hypervisors]
        async for page in self._pages(hypervisors, page_size):
            yield page

    async def hypervisor(self, hypervisor_id: str) -> Hypervisor:
        async for page in self.hypervisors():
            for h in page:
                if h.id == hypervisor_id:
                    return h
        raise self.refused(
            404, f"Hypervisor with ID '{hypervisor_id}' could not be found.", "show hypervisor"
        )

    # -- flavors, keypairs ------------------------------------------------------------

    async def flavors(
        self, *, page_size: int = DEFAULT_PAGE_SIZE
    ) -> AsyncIterator[list[models.Flavor]]:
        async for page in self._select(self._cloud.flavors, page_size, self._may_use):
            yield page

    def _may_use(self, flavor: models.Flavor) -> bool:
        """Public flavors, every flavor for an admin, private ones granted to our project."""
        granted = self._cloud.flavor_access.get(flavor.id, set())
        return flavor.is_public or self._is_admin or self._info.project_id in granted

    async def flavor(self, flavor_id: str) -> models.Flavor:
        return self._lookup(self._cloud.flavors, flavor_id, "flavor", self._may_use)

    async def keypairs(self, *, user_id: str | None = None) -> AsyncIterator[list[models.Keypair]]:
        owner = self._keypair_owner(user_id, "index", "list keypairs")
        async for page in self._pages(self._cloud.keypairs(owner), DEFAULT_PAGE_SIZE):
            yield page

    def _keypair_owner(self, user_id: str | None, rule: str, operation: str = "") -> str:
        """Whose keypairs a call is about: another user's only for an admin (Nova's policy
        ``os_compute_api:os-keypairs:<rule>``; it does not check that the user exists)."""
        if not user_id or user_id == self._info.user_id:
            return self._info.user_id
        self._require_admin(operation, f"os_compute_api:os-keypairs:{rule}")
        return user_id

    # -- server actions ------------------------------------------------------------------------

    async def server_action(self, server_id: str, action: str, **args: object) -> None:
        if action not in SERVER_ACTIONS:
            raise BackendError(f"Unknown server action {action!r}", operation=action)
        found = self._cloud.servers.get(server_id)

        def change() -> None:
            if found is None and action in _MAPPED_FIRST:
                raise self.refused(404, f"Instance {server_id} has no mapping to a cell.")
            server = self._server_or_404(server_id)
            self._check_lock(server, action)
            self._act(server, action, args)
            self._record(server, action, args)

        await self._write(action.replace("_", "-"), self._server_target(server_id), change)

    def _server_target(self, server_id: str) -> str:
        """A server as the audit log names it."""
        found = self._cloud.servers.get(server_id)
        return f"server {found.name} ({found.id})" if found else f"server {server_id}"

    def _action(self, server: Server, name: str, *events: tuple[str, str]) -> dict[str, Any]:
        """Nova's instance action for the write under way, with its events (event, host)."""
        return self._cloud.record_action(server, name, self._writing, self._info.user_id, events)

    def _record(self, server: Server, action: str, args: Mapping[str, object]) -> None:
        """The instance action Nova records for a server action (with its events)."""
        name, event = _RECORDED.get(action, ("", ""))
        if not name or action in ("delete", "force_delete"):
            return
        if action == "reboot" and args.get("hard"):
            event = "compute_reboot_instance"
        host = server.host if event.startswith("compute_") else "controller"  # api_*: nova-api
        self._action(server, name, *(((event, host),) if event else ()))

    def _check_lock(self, server: Server, action: str) -> None:
        if server.locked and action not in ("lock", "unlock", "reset_state") and not self._is_admin:
            raise self.refused(409, f"Instance {server.id} is locked")

    def _check_state(self, server: Server, action: str) -> None:
        """Nova's state rules (tui/backend/states.py): a 409 in Nova's words."""
        message = states.conflict_message(action, server)
        if message is not None:
            raise self.refused(409, message)

    def _act(self, server: Server, action: str, args: Mapping[str, object]) -> None:
        if action == "reboot" and args.get("hard"):
            action = "hard_reboot"
        if action in _ACTION_RESULTS:
            self._check_state(server, action)
            self._cloud.update(self._cloud.servers, server, at_rest(_ACTION_RESULTS[action]))
        elif action in ("lock", "unlock"):
            self._cloud.update(self._cloud.servers, server, {"locked": action == "lock"})
        elif action == "rename":
            self._cloud.update(self._cloud.servers, server, {"name": str(args["name"])})
        elif action == "reset_state":
            state = str(args.get("state", "error"))
            changes = {"OS-EXT-STS:vm_state": state, "OS-EXT-STS:task_state": None}
            status = "ERROR" if state == "error" else "ACTIVE"
            self._cloud.update(self._cloud.servers, server, {"status": status, **changes})
        elif action in ("delete", "force_delete"):
            self._cloud.drop_server(server)
        else:
            self._check_state(server, action)
            self._backup(server, args)

    def _backup(self, server: Server, args: Mapping[str, object]) -> None:
        n = self._cloud.serial()
        properties = {
            "image_type": "backup",
            "backup_type": str(args.get("backup_type", "daily")),
            "instance_uuid": server.id,
            "base_image_ref": server.image,
            "user_id": self._info.user_id,
        }
        raw = data.image_json(
            data.fixed_id("backup", n),
            str(args["name"]),
            server.project_id,
            size=server.raw.get("flavor", {}).get("disk", 1) * 1024**3 // 8,
            minutes=self._cloud.now(),
            properties=properties,
        )
        self._cloud.images.add(models.Image.from_api(raw))

    # -- boot ----------------------------------------------------------------------------------

    async def create_servers(self, spec: models.BootSpec) -> list[Server]:
        target = f"server {spec.name}" if spec.count == 1 else f"{spec.count} servers {spec.name}"
        return await self._write("boot", target, lambda: self._boot(spec))

    def _boot(self, spec: models.BootSpec) -> list[Server]:
        flavor = self._boot_flavor(spec)
        self._check_boot_sources(spec)
        self._check_block_devices(spec)
        network_ids = self._boot_networks(spec)
        self._check_boot_ports(spec)
        self._check_quota(spec.count)
        self._reserve_block_devices(spec)
        fails = self._no_valid_host or flavor.name == data.NO_VALID_HOST_FLAVOR
        reservation = f"r-{data.fixed_id('reservation', self._cloud.serial())[:8]}"
        servers = []
        for index in range(spec.count):
            name = spec.name if spec.count == 1 else f"{spec.name}-{index + 1}"
            server = self._new_server(spec, flavor, name, reservation, index)
            build = Build(spec, network_ids, spec.port_ids, fails, request_id=self._writing)
            self._cloud.builds[server.id] = build
            servers.append(server)
        return servers

    def _new_server(
        self, spec: models.BootSpec, flavor: models.Flavor, name: str, reservation: str, index: int
    ) -> Server:
        n = self._cloud.serial()
        raw = data.booted_server_json(
            data.fixed_id("booted-server", n),
            name,
            project_id=self._info.project_id,
            user_id=self._info.user_id,
            flavor=flavor.raw,
            image_id="" if block_devices.volume_backed(spec) else spec.image_id,
            minutes=self._cloud.now(),
            reservation_id=reservation,
            extra=_boot_extras(spec, index, n),
        )
        server = self._cloud.servers.add(Server.from_api(raw, self.project_names()))
        self._cloud.booted.add(server.id)
        return server

    def _boot_flavor(self, spec: models.BootSpec) -> models.Flavor:
        if spec.count < 1:
            raise self.refused(
                400,
                f"Invalid input for field/attribute min_count. Value: {spec.count}. "
                f"{spec.count} is less than the minimum of 1",
            )
        flavor = self._cloud.flavors.get(spec.flavor_id)
        if flavor is None or not self._may_use(flavor):
            raise self.refused(400, f"Flavor {spec.flavor_id} could not be found.")
        return flavor

    def _check_boot_sources(self, spec: models.BootSpec) -> None:
        if not block_devices.volume_backed(spec):
            if not spec.image_id:
                raise self.refused(400, "Missing imageRef attribute")
            if self._cloud.images.get(spec.image_id) is None:
                raise self.refused(400, "Can not find requested image")
        if spec.key_name and self._cloud.keypairs(self._info.user_id).get(spec.key_name) is None:
            raise self.refused(400, "Invalid key_name provided.")
        if spec.availability_zone not in ("", ZONE):
            raise self.refused(400, "The requested availability zone is not available")
        known = {g.name for g in self._cloud.security_groups if self._mine(g.project_id)}
        for name in spec.security_groups:
            if name not in known:
                raise self.refused(400, f"Unable to find security_group with name or id '{name}'")

    def _boot_networks(self, spec: models.BootSpec) -> tuple[str, ...]:
        if spec.network_ids == ("none",):
            return ()
        if spec.network_ids == ("auto",) or not (spec.network_ids or spec.port_ids):
            own = self._cloud.project_network(self._info.project_id)
            if own is None:
                raise self.refused(
                    400,
                    f"Unable to automatically allocate a network for project "
                    f"{self._info.project_id}",
                )
            return (own.id,)
        for network_id in spec.network_ids:
            network = self._cloud.networks.get(network_id)
            if network is None:
                raise self.refused(400, f"Network {network_id} could not be found.")
            if not network.subnet_ids:
                raise self.refused(
                    400, f"Network {network_id} requires a subnet in order to boot instances on."
                )
        return spec.network_ids

    def _check_boot_ports(self, spec: models.BootSpec) -> None:
        if spec.port_ids and spec.count > 1:
            raise self.refused(
                400,
                "Unable to launch multiple instances with a single configured port ID. "
                "Please launch your instance one by one with different ports.",
            )
        for port_id in spec.port_ids:
            port = self._cloud.ports.get(port_id)
            if port is None:
                raise self.refused(400, f"Port id {port_id} could not be found.")
            if port.device_id:
                raise self.refused(409, f"Port {port_id} is still in use.")

    def _check_quota(self, count: int) -> None:
        project = self._info.project_id
        used = sum(
            1
            for server_id in self._cloud.booted
            if (s := self._cloud.servers.get(server_id)) and s.project_id == project
        )
        limit = self._instance_quota
        if used + count > limit:
            raise self.refused(
                403,
                f"Quota exceeded for instances: Requested {count}, but already used "
                f"{used} of {limit} instances",
            )

    # -- console ----------------------------------------------------------------------

    async def console_log(self, server_id: str, lines: int | None = None) -> str:
        """The console output (a read: allowed when read-only, not audited)."""
        server = self._server_or_404(server_id)
        if not server.host:  # never placed (or shelved away): Nova's InstanceNotReady
            raise self.refused(409, f"Instance {server.id} is not ready")
        log = console_output(self._cloud, server).split("\n")
        return "\n".join(log[-lines:] if lines else log)


def _boot_extras(spec: models.BootSpec, index: int, n: int) -> Json:
    extras: dict[str, object] = {
        "OS-EXT-SRV-ATTR:launch_index": index,
        "OS-EXT-SRV-ATTR:instance_name": f"instance-{0x1000 + n:08x}",
        "key_name": spec.key_name or None,
        "metadata": dict(spec.metadata),
        "security_groups": [{"name": name} for name in spec.security_groups or ("default",)],
        "OS-EXT-AZ:availability_zone": spec.availability_zone,
    }
    if spec.user_data:
        extras["OS-EXT-SRV-ATTR:user_data"] = base64.b64encode(spec.user_data).decode("ascii")
    return extras
