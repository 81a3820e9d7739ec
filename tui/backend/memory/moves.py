"""In-memory Nova moving servers, behaving like the real one.

Live migration: MIGRATING with a migration record whose memory progress advances on each
``server()`` or ``server_migrations()`` poll, then ACTIVE (or PAUSED) on the new host.
Cold migration and resize: RESIZE, then VERIFY_RESIZE on the new host; confirm stays there,
revert goes back. Evacuate: only while the host's compute service is down or forced down,
then rebuilt elsewhere. Shelve: SHELVED_OFFLOADED without a host; unshelve: ACTIVE again.
Every action is recorded as Nova records it: an instance action (the write's request id)
with its events. State rules come from ``tui/backend/states.py``; refusals carry Nova's
status and words.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable
from typing import Any

from tui.backend import models
from tui.backend.base import DEFAULT_PAGE_SIZE
from tui.backend.errors import BackendError
from tui.backend.memory import data
from tui.backend.memory.cloud import NO_VALID_HOST, Move, at_rest
from tui.backend.memory.compute import ComputeMemory
from tui.backend.memory.services import ServicesMemory
from tui.backend.models import Json, Server

MiB = 1024 * 1024
CONDUCTOR = "controller"  # the host of nova-conductor (and nova-api) in the demo cloud
LIVE_STEPS = 3  # polls until a live migration completes: 1/3, 2/3 of the memory, then done


class MovesMemory(ComputeMemory, ServicesMemory):
    # -- helpers ---------------------------------------------------------------------------

    def _ready(self, server_id: str, action: str, *, lock: bool = True) -> Server:
        server = self._server_or_404(server_id)
        if lock:
            self._check_lock(server, action)
        self._check_state(server, action)
        return server

    def _set(self, server: Server, changes: Json) -> Server:
        return self._cloud.update(self._cloud.servers, self._fresh(server), changes)

    def _fresh(self, server: Server) -> Server:
        return self._cloud.servers.get(server.id) or server

    def _compute_hosts(self) -> list[str]:
        return [h.host for h in self._cloud.hypervisors]

    def _service_of(self, host: str) -> models.ComputeService | None:
        return next(
            (s for s in self._all_services() if s.binary == "nova-compute" and s.host == host), None
        )

    def _usable(self, host: str) -> bool:
        service = self._service_of(host)
        return service is not None and service.status == "enabled" and service.state == "up"

    def _check_host_exists(self, host: str | None) -> None:
        if host and host not in self._compute_hosts():
            raise self.refused(400, f"Compute host {host} could not be found.")

    def _schedule(self, server: Server, host: str | None) -> str | None:
        """The scheduler's pick: the requested host if it passes, else any usable other
        host (round robin); None is "No valid host was found"."""
        if host:
            return host if host != server.host and self._usable(host) else None
        others = [h for h in self._compute_hosts() if h != server.host and self._usable(h)]
        return others[self._cloud.serial() % len(others)] if others else None

    def _flavor_by_name(self, name: str) -> models.Flavor | None:
        return next((f for f in self._cloud.flavors if f.name == name), None)

    def _new_migration(
        self, server: Server, kind: str, status: str, dest: str | None, **extra: Any
    ) -> dict[str, Any]:
        n = len(self._cloud.migrations) + 1
        flavor = self._flavor_by_name(server.flavor)
        flavor_id = int(flavor.id) if flavor and flavor.id.isdigit() else None
        record: dict[str, Any] = {
            "id": n,
            "uuid": str(uuid.uuid5(uuid.NAMESPACE_URL, f"stackdeck-migration-{n}")),
            "migration_type": kind,
            "status": status,
            "source_compute": server.host or None,
            "source_node": server.hypervisor_hostname or None,
            "dest_compute": dest,
            "dest_node": dest,
            "dest_host": "192.168.10.1" if dest else None,
            "instance_uuid": server.id,
            "project_id": self._info.project_id,  # Nova records who asked, not the owner
            "user_id": self._info.user_id,
            "created_at": self._cloud.next_stamp(),
            "updated_at": None,
            "old_instance_type_id": flavor_id,
            "new_instance_type_id": flavor_id,
            "memory_total_bytes": 0,
            "memory_processed_bytes": 0,
            "memory_remaining_bytes": 0,
            "disk_total_bytes": 0,
            "disk_processed_bytes": 0,
            "disk_remaining_bytes": 0,
            **extra,
        }
        self._cloud.migrations.append(record)
        return record

    def _touch(self, migration: dict[str, Any], **changes: Any) -> None:
        migration.update(changes, updated_at=self._cloud.next_stamp())

    def _land(self, server: Server, host: str, changes: Json | None = None) -> Server:
        """The server now runs on ``host``: its record and its ports' bindings say so."""
        for port in self._cloud.ports_of(server.id):
            self._cloud.update(self._cloud.ports, port, {"binding:host_id": host})
        return self._set(
            server,
            {
                "OS-EXT-SRV-ATTR:host": host,
                "OS-EXT-SRV-ATTR:hypervisor_hostname": host,
                "OS-EXT-STS:task_state": None,
                **(changes or {}),
            },
        )

    def _later(self, server: Server, *steps: Callable[[], None]) -> None:
        self._cloud.moves[server.id] = Move(list(steps))

    # -- live migration --------------------------------------------------------------------

    async def live_migrate(
        self, server_id: str, host: str | None = None, block_migration: bool | str = "auto"
    ) -> None:
        if block_migration not in ("auto", True, False):
            raise BackendError(
                f"block_migration must be 'auto', True or False, not {block_migration!r}",
                operation="live-migrate",
            )

        def change() -> None:
            self._require_admin("live-migrate", "os_compute_api:os-migrate-server:migrate_live")
            self._check_host_exists(host)
            server = self._ready(server_id, "live_migrate")
            vm_state = server.vm_state
            dest = self._schedule(server, host)
            total = int((server.raw.get("flavor") or {}).get("ram") or 512) * MiB
            record = self._action(
                server, models.LIVE_MIGRATION, ("conductor_live_migrate_instance", CONDUCTOR)
            )
            if dest is None:  # the conductor's checks fail after the 202, as in Nova
                self._new_migration(server, models.LIVE_MIGRATION, "error", host)
                self._cloud.add_event(record, "conductor_live_migrate_instance", CONDUCTOR, "Error")
                return
            memory = {"memory_total_bytes": total, "memory_remaining_bytes": total}
            migration = self._new_migration(
                server, models.LIVE_MIGRATION, "running", dest, **memory
            )
            self._set(server, {"status": "MIGRATING", "OS-EXT-STS:task_state": "migrating"})

            def advance(part: int) -> Callable[[], None]:
                def step() -> None:
                    done = total * part // LIVE_STEPS
                    self._touch(
                        migration, memory_processed_bytes=done, memory_remaining_bytes=total - done
                    )

                return step

            def finish() -> None:
                source = migration["source_compute"] or ""
                done = {"memory_processed_bytes": total, "memory_remaining_bytes": 0}
                self._touch(migration, status="completed", **done)
                self._land(server, dest, at_rest(vm_state))
                for event, where in (
                    ("compute_check_can_live_migrate_destination", dest),
                    ("compute_check_can_live_migrate_source", source),
                    ("compute_live_migration", source),
                    ("compute_pre_live_migration", dest),  # called from the source's
                    ("compute_post_live_migration_at_destination", dest),
                ):
                    self._cloud.add_event(record, event, where)

            self._later(server, *(advance(k) for k in range(1, LIVE_STEPS)), finish)

        await self._write("live-migrate", self._server_target(server_id), change)

    async def server_migrations(self, server_id: str) -> list[models.Migration]:
        self._server_or_404(server_id)
        self._require_admin("list server migrations", "os_compute_api:servers:migrations:index")
        self._step_move(server_id)
        return [
            models.Migration.from_api(_server_migration_view(m))
            for m in self._cloud.migrations
            if m["instance_uuid"] == server_id
            and m["migration_type"] == models.LIVE_MIGRATION
            and m["status"] in models.MIGRATION_IN_PROGRESS
        ]

    def _live_migration(self, server: Server, migration_id: str, operation: str) -> dict[str, Any]:
        for m in self._cloud.migrations:
            if str(m["id"]) == str(migration_id) and m["instance_uuid"] == server.id:
                return m
        raise self.refused(
            404 if operation == "abort" else 400,
            f"Migration {migration_id} not found for instance {server.id}",
        )

    def _migration_state(
        self, ident: str, migration: Json, server: Server, what: str
    ) -> BackendError:
        """Nova's 400 for a migration in a state that does not allow ``what``."""
        return self.refused(
            400,
            f"Migration {ident} state of instance {server.id} is "
            f"{migration['status']}. Cannot {what} while the migration is in this state.",
        )

    async def force_complete_migration(self, server_id: str, migration_id: str) -> None:
        def change() -> None:
            self._require_admin(
                "force-complete-migration", "os_compute_api:servers:migrations:force_complete"
            )
            server = self._ready(server_id, "force_complete_migration")
            migration = self._live_migration(server, migration_id, "force_complete")
            if migration["status"] not in ("running",):
                raise self._migration_state(migration_id, migration, server, "force_complete")
            self._action(
                server,
                "live_migration_force_complete",
                ("compute_live_migration_force_complete", server.host),
            )
            move = self._cloud.moves.pop(server.id, None)
            for step in move.steps if move else ():
                step()

        await self._write(
            "force-complete-migration",
            f"migration {migration_id} of {self._server_target(server_id)}",
            change,
        )

    async def abort_migration(self, server_id: str, migration_id: str) -> None:
        def change() -> None:
            self._require_admin("abort-migration", "os_compute_api:servers:migrations:delete")
            server = self._ready(server_id, "abort_migration")
            migration = self._live_migration(server, migration_id, "abort")
            if migration["status"] not in models.MIGRATION_IN_PROGRESS:
                raise self._migration_state(migration_id, migration, server, "abort live migration")
            self._cloud.moves.pop(server.id, None)
            self._action(
                server, "live_migration_cancel", ("compute_live_migration_abort", server.host)
            )
            self._touch(migration, status="cancelled")
            self._set(server, at_rest(server.vm_state))

        target = f"migration {migration_id} of {self._server_target(server_id)}"
        await self._write("abort-migration", target, change)

    # -- cold migration, resize, confirm, revert ---------------------------------------------

    async def migrate(self, server_id: str, host: str | None = None) -> None:
        def change() -> None:
            self._require_admin("migrate", "os_compute_api:os-migrate-server:migrate")
            self._check_host_exists(host)
            server = self._ready(server_id, "migrate")
            if host and host == server.host:
                raise self.refused(400, "Cannot migrate to the host where the server exists.")
            self._start_resize(server, host, None)

        await self._write("migrate", self._server_target(server_id), change)

    async def resize(self, server_id: str, flavor_id: str) -> None:
        def change() -> None:
            server = self._ready(server_id, "resize")
            flavor = self._cloud.flavors.get(flavor_id)
            if flavor is None or not self._may_use(flavor):
                raise self.refused(400, f"Flavor {flavor_id} could not be found.")
            if flavor.name == server.flavor:
                raise self.refused(400, "When resizing, instances must change flavor!")
            old = server.raw.get("flavor") or {}
            if flavor.disk_gb < int(old.get("disk") or 0):
                raise self.refused(
                    400,
                    "Server disk was unable to be resized because: Resize to zero disk flavor "
                    "is not allowed."
                    if flavor.disk_gb == 0
                    else "Server disk was unable to be resized because: Unable to resize disk "
                    "down.",
                )
            self._start_resize(server, None, flavor)

        await self._write("resize", self._server_target(server_id), change)

    def _start_resize(self, server: Server, host: str | None, flavor: models.Flavor | None) -> None:
        kind = models.RESIZE if flavor else models.COLD_MIGRATION
        name = "resize" if flavor else "migrate"
        record = self._action(
            server, name, ("conductor_migrate_server", CONDUCTOR), ("cold_migrate", CONDUCTOR)
        )
        dest = self._schedule(server, host)
        if dest is None:  # the conductor answers the API's call: a 400 after the record
            self._new_migration(server, kind, "error", host)
            self._cloud.add_event(record, "cold_migrate", CONDUCTOR, result="Error")
            raise self.refused(400, NO_VALID_HOST)
        new_flavor = (
            data.embedded_flavor(flavor.raw) if flavor else dict(server.raw.get("flavor") or {})
        )
        migration = self._new_migration(server, kind, "pre-migrating", dest)
        if flavor is not None and flavor.id.isdigit():
            migration["new_instance_type_id"] = int(flavor.id)
        self._cloud.resizes[server.id] = {
            "migration": migration,
            "vm_state": server.vm_state,
            "source": server.host,
            "flavor": dict(server.raw.get("flavor") or {}),
        }
        self._set(server, {"status": "RESIZE", "OS-EXT-STS:task_state": "resize_prep"})

        def finish() -> None:
            source = server.host
            self._touch(migration, status="finished")
            self._land(
                server,
                dest,
                {"status": "VERIFY_RESIZE", "OS-EXT-STS:vm_state": "resized", "flavor": new_flavor},
            )
            for event, where in (
                ("compute_prep_resize", dest),
                ("compute_resize_instance", source),
                ("compute_finish_resize", dest),
            ):
                self._cloud.add_event(record, event, where)

        self._later(server, finish)

    async def confirm_resize(self, server_id: str) -> None:
        def change() -> None:
            server = self._ready(server_id, "confirm_resize")
            resize = self._cloud.resizes.pop(server.id, None)
            if resize is None:
                raise self.refused(400, "Instance has not been resized.")
            self._action(server, "confirmResize", ("compute_confirm_resize", resize["source"]))
            self._touch(resize["migration"], status="confirmed")
            self._set(server, at_rest(resize["vm_state"]))

        await self._write("confirm-resize", self._server_target(server_id), change)

    async def revert_resize(self, server_id: str) -> None:
        def change() -> None:
            server = self._ready(server_id, "revert_resize")
            resize = self._cloud.resizes.pop(server.id, None)
            if resize is None:
                raise self.refused(400, "Instance has not been resized.")
            record = self._action(server, "revertResize")
            self._touch(resize["migration"], status="reverting")
            self._set(
                server, {"status": "REVERT_RESIZE", "OS-EXT-STS:task_state": "resize_reverting"}
            )

            def finish() -> None:
                dest = server.host
                self._touch(resize["migration"], status="reverted")
                changes = {**at_rest(resize["vm_state"]), "flavor": resize["flavor"]}
                self._land(server, resize["source"], changes)
                self._cloud.add_event(record, "compute_revert_resize", dest)
                self._cloud.add_event(record, "compute_finish_revert_resize", resize["source"])

            self._later(server, finish)

        await self._write("revert-resize", self._server_target(server_id), change)

    # -- evacuate ----------------------------------------------------------------------------

    async def evacuate(self, server_id: str, host: str | None = None) -> None:
        def change() -> None:
            self._require_admin("evacuate", "os_compute_api:os-evacuate")
            server = self._server_or_404(server_id)
            if host is not None and host not in self._compute_hosts():
                raise self.refused(404, f"Compute host {host} not found.")
            if server.host == host:
                raise self.refused(400, "The target host can't be the same one.")
            self._check_state(server, "evacuate")
            service = self._service_of(server.host)
            if service is not None and service.state == "up" and not service.forced_down:
                raise self.refused(400, f"Compute service of {server.host} is still in use.")
            vm_state = server.vm_state
            record = self._action(server, "evacuate", ("conductor_rebuild_server", CONDUCTOR))
            dest = self._schedule(server, host)
            migration = self._new_migration(server, models.EVACUATION, "accepted", host)
            self._set(server, {"status": "REBUILD", "OS-EXT-STS:task_state": "rebuilding"})
            if dest is None:

                def fail() -> None:
                    self._touch(migration, status="error")
                    self._cloud.add_event(record, "conductor_rebuild_server", CONDUCTOR, "Error")
                    # the conductor's NoValidHost: the task ends, the vm_state stays
                    self._set(server, at_rest(vm_state))

                self._later(server, fail)
                return

            def finish() -> None:
                self._touch(migration, status="done", dest_compute=dest, dest_node=dest)
                kept = "stopped" if vm_state == "stopped" else "active"
                self._land(server, dest, at_rest(kept))
                self._cloud.add_event(record, "compute_rebuild_instance", dest)

            self._later(server, finish)

        await self._write("evacuate", self._server_target(server_id), change)

    # -- shelve ------------------------------------------------------------------------------

    async def shelve(self, server_id: str) -> None:
        def change() -> None:
            server = self._ready(server_id, "shelve")
            record = self._action(server, "shelve")
            self._set(server, {"OS-EXT-STS:task_state": "shelving"})

            def offloaded() -> None:  # Nova's first save: the state, the host still set
                self._cloud.add_event(record, "compute_shelve_instance", server.host)
                self._set(server, at_rest("shelved_offloaded"))

            def unhosted() -> None:  # the second save: no host, no node
                for port in self._cloud.ports_of(server.id):
                    self._cloud.update(self._cloud.ports, port, {"binding:host_id": ""})
                self._set(
                    server,
                    {"OS-EXT-SRV-ATTR:host": None, "OS-EXT-SRV-ATTR:hypervisor_hostname": None},
                )

            self._later(server, offloaded, unhosted)

        await self._write("shelve", self._server_target(server_id), change)

    async def unshelve(
        self, server_id: str, *, host: str | None = None, availability_zone: str | None = None
    ) -> None:
        def change() -> None:
            if host:
                self._require_admin("unshelve", "os_compute_api:os-shelve:unshelve_to_host")
            self._check_host_exists(host)
            server = self._ready(server_id, "unshelve")
            if availability_zone not in (None, "", "nova"):
                raise self.refused(400, "The requested availability zone is not available")
            record = self._action(
                server, "unshelve", ("get_image_info", CONDUCTOR), ("schedule_instances", CONDUCTOR)
            )
            dest = host if host and self._usable(host) else self._schedule(server, None)
            self._set(server, {"OS-EXT-STS:task_state": "unshelving"})

            def finish() -> None:
                if dest is None:
                    self._cloud.add_event(record, "schedule_instances", CONDUCTOR, "Error")
                    self._set(server, {"OS-EXT-STS:task_state": None})
                    return
                self._cloud.add_event(record, "compute_unshelve_instance", dest)
                self._land(server, dest, at_rest("active"))

            self._later(server, finish)

        await self._write("unshelve", self._server_target(server_id), change)

    # -- reads -------------------------------------------------------------------------------

    async def migrations(
        self,
        *,
        host: str | None = None,
        status: str | None = None,
        migration_type: str | None = None,
        server_id: str | None = None,
        changes_since: str | None = None,
        page_size: int = DEFAULT_PAGE_SIZE,
    ) -> AsyncIterator[list[models.Migration]]:
        self._require_admin("list migrations", "os_compute_api:os-migrations:index")
        found = [
            m
            for m in self._cloud.migrations
            if (not host or host in (m["source_compute"], m["dest_compute"]))
            and (not status or m["status"] == status)
            and (not migration_type or m["migration_type"] == migration_type)
            and (not server_id or m["instance_uuid"] == server_id)
            and (not changes_since or (m["updated_at"] or m["created_at"]) >= changes_since)
        ]
        found.sort(key=lambda m: (m["created_at"], m["id"]), reverse=True)
        listed = (models.Migration.from_api(_listed(m)) for m in found)
        async for page in self._pages(listed, page_size):
            yield page

    async def instance_actions(
        self, server_id: str, *, page_size: int = DEFAULT_PAGE_SIZE
    ) -> AsyncIterator[list[models.InstanceAction]]:
        server = self._server_or_404(server_id)
        if not self._owned(server):
            raise self.not_found("instance", server_id)
        # newest first; within one second, the later recorded first (Nova's order by id)
        recorded = reversed(self._cloud.actions.get(server_id, []))
        records = sorted(recorded, key=lambda a: a["start_time"], reverse=True)
        listed = (
            models.InstanceAction.from_api({k: v for k, v in r.items() if k != "events"})
            for r in records
        )
        async for page in self._pages(listed, page_size):
            yield page

    async def instance_action(self, server_id: str, request_id: str) -> models.InstanceAction:
        server = self._server_or_404(server_id)
        if not self._owned(server):
            raise self.not_found("instance", server_id)
        for record in self._cloud.actions.get(server_id, []):
            if record["request_id"] == request_id:
                return models.InstanceAction.from_api(self._shown_events(record))
        raise self.refused(404, f"Action {request_id} not found", "show instance action")

    def _shown_events(self, record: dict[str, Any]) -> Json:
        """Nova's policy: host and traceback for admins; everyone sees the hashed host id."""
        hidden = () if self._is_admin else ("host", "traceback", "details")
        events = [{k: v for k, v in e.items() if k not in hidden} for e in record["events"]]
        events.reverse()  # Nova lists an action's events newest first
        return {**record, "events": events}


def _listed(m: dict[str, Any]) -> Json:
    """A migration as GET /os-migrations shows it (2.80): no progress fields."""
    hidden = {k for k in m if k.startswith(("memory_", "disk_"))}
    return {k: v for k, v in m.items() if k not in hidden}


def _server_migration_view(m: dict[str, Any]) -> Json:
    """A migration as GET /servers/{id}/migrations shows it (2.80)."""
    keys = (
        "created_at",
        "dest_compute",
        "dest_host",
        "dest_node",
        "disk_processed_bytes",
        "disk_remaining_bytes",
        "disk_total_bytes",
        "id",
        "memory_processed_bytes",
        "memory_remaining_bytes",
        "memory_total_bytes",
        "source_compute",
        "source_node",
        "status",
        "updated_at",
        "uuid",
        "user_id",
        "project_id",
    )
    return {**{k: m[k] for k in keys}, "server_uuid": m["instance_uuid"]}
