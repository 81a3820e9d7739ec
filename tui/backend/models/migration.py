"""Moving servers: migrations, a server's history (instance actions), where a
server is, and where it could go."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Self

from tui.backend.models.common import Json, as_int, as_str

if TYPE_CHECKING:
    from tui.backend.models.compute import ComputeService
    from tui.backend.models.core import Hypervisor, Server

# Nova's migration_type values (os-migrations, 2.23+)
LIVE_MIGRATION = "live-migration"
COLD_MIGRATION = "migration"
RESIZE = "resize"
EVACUATION = "evacuation"
# Statuses of a live migration still running (Nova's server-migrations API lists only these)
MIGRATION_IN_PROGRESS = ("queued", "preparing", "running", "post-migrating")


@dataclass(frozen=True, slots=True)
class Migration:
    """One record of ``GET /os-migrations`` or ``GET /servers/{id}/migrations``.

    The second has the live migration's progress (bytes of memory and disk); the first has
    the type and flavors. Fields a view does not carry are 0 / "".
    """

    id: str  # Nova's integer id as text: server-migrations address it by this
    uuid: str  # 2.59+
    type: str  # live-migration, migration, resize, evacuation (2.23+)
    status: str
    source_compute: str
    source_node: str
    dest_compute: str
    dest_node: str
    dest_host: str
    server_id: str
    project_id: str  # 2.80+
    user_id: str  # 2.80+
    created: str
    updated: str
    old_flavor_id: str  # Nova's internal flavor ids (os-migrations only)
    new_flavor_id: str
    memory_total_bytes: int
    memory_processed_bytes: int
    memory_remaining_bytes: int
    disk_total_bytes: int
    disk_processed_bytes: int
    disk_remaining_bytes: int
    raw: Json = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_api(cls, d: Json) -> Self:
        return cls(
            id=as_str(d.get("id")),
            uuid=as_str(d.get("uuid")),
            type=as_str(d.get("migration_type")),
            status=as_str(d.get("status")),
            source_compute=as_str(d.get("source_compute")),
            source_node=as_str(d.get("source_node")),
            dest_compute=as_str(d.get("dest_compute")),
            dest_node=as_str(d.get("dest_node")),
            dest_host=as_str(d.get("dest_host")),
            server_id=as_str(d.get("instance_uuid") or d.get("server_uuid")),
            project_id=as_str(d.get("project_id")),
            user_id=as_str(d.get("user_id")),
            created=as_str(d.get("created_at")),
            updated=as_str(d.get("updated_at")),
            old_flavor_id=as_str(d.get("old_instance_type_id")),
            new_flavor_id=as_str(d.get("new_instance_type_id")),
            memory_total_bytes=as_int(d.get("memory_total_bytes")),
            memory_processed_bytes=as_int(d.get("memory_processed_bytes")),
            memory_remaining_bytes=as_int(d.get("memory_remaining_bytes")),
            disk_total_bytes=as_int(d.get("disk_total_bytes")),
            disk_processed_bytes=as_int(d.get("disk_processed_bytes")),
            disk_remaining_bytes=as_int(d.get("disk_remaining_bytes")),
            raw=d,
        )

    @property
    def in_progress(self) -> bool:
        return self.status in MIGRATION_IN_PROGRESS

    @property
    def memory_percent(self) -> int | None:
        """How much of the memory is copied (None while Nova does not know the total)."""
        if self.memory_total_bytes <= 0:
            return None
        return min(100, self.memory_processed_bytes * 100 // self.memory_total_bytes)

    @property
    def disk_percent(self) -> int | None:
        if self.disk_total_bytes <= 0:
            return None
        return min(100, self.disk_processed_bytes * 100 // self.disk_total_bytes)


@dataclass(frozen=True, slots=True)
class InstanceActionEvent:
    event: str  # e.g. compute_live_migration, conductor_migrate_server
    start_time: str
    finish_time: str
    result: str  # Success / Error / "" while running
    host: str  # admin, 2.62+
    host_id: str  # hashed host, 2.62+
    traceback: str  # admin only
    details: str  # 2.84+
    raw: Json = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_api(cls, d: Json) -> Self:
        return cls(
            event=as_str(d.get("event")),
            start_time=as_str(d.get("start_time")),
            finish_time=as_str(d.get("finish_time")),
            result=as_str(d.get("result")),
            host=as_str(d.get("host")),
            host_id=as_str(d.get("hostId")),
            traceback=as_str(d.get("traceback")),
            details=as_str(d.get("details")),
            raw=d,
        )


@dataclass(frozen=True, slots=True)
class InstanceAction:
    """One thing done to a server (``os-instance-actions``); ``events`` only when shown."""

    request_id: str
    action: str  # create, stop, live-migration, migrate, resize, confirmResize, evacuate...
    server_id: str
    user_id: str
    project_id: str
    start_time: str
    updated: str  # 2.58+
    message: str  # Nova's failure message ("Error" ...), else ""
    events: tuple[InstanceActionEvent, ...] = ()
    raw: Json = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_api(cls, d: Json) -> Self:
        return cls(
            request_id=as_str(d.get("request_id")),
            action=as_str(d.get("action")),
            server_id=as_str(d.get("instance_uuid")),
            user_id=as_str(d.get("user_id")),
            project_id=as_str(d.get("project_id")),
            start_time=as_str(d.get("start_time")),
            updated=as_str(d.get("updated_at")),
            message=as_str(d.get("message")),
            events=tuple(InstanceActionEvent.from_api(e) for e in d.get("events") or ()),
            raw=d,
        )

    @property
    def id(self) -> str:
        return self.request_id

    @property
    def failed(self) -> bool:
        return bool(self.message) or any(e.result.lower() == "error" for e in self.events)


@dataclass(frozen=True, slots=True)
class HostCandidate:
    """A hypervisor a server could move to, with what it has free."""

    host: str
    hypervisor: str
    free_vcpus: int
    free_ram_mb: int
    free_disk_gb: int
    running_vms: int

    @property
    def id(self) -> str:
        return self.host


def target_hosts(
    server: Server,
    hypervisors: Iterable[Hypervisor],
    services: Iterable[ComputeService],
) -> list[HostCandidate]:
    """Where a server could move: enabled, up compute services' hypervisors but its own,
    most free RAM first. Usage comes from the hypervisors (Nova microversion <= 2.87)."""
    usable = {
        s.host
        for s in services
        if s.binary == "nova-compute" and s.status == "enabled" and s.state == "up"
    }
    found = [
        HostCandidate(
            host=h.host,
            hypervisor=h.name,
            free_vcpus=h.vcpus - h.vcpus_used,
            free_ram_mb=h.memory_mb - h.memory_mb_used,
            free_disk_gb=h.local_gb - h.local_gb_used,
            running_vms=h.running_vms,
        )
        for h in hypervisors
        if h.host in usable and h.host != server.host and h.state in ("up", "")
    ]
    return sorted(found, key=lambda c: (-c.free_ram_mb, c.host))


@dataclass(frozen=True, slots=True)
class Whereabouts:
    """Where one server is: facts as (label, value) lines, in reading order."""

    server_id: str
    name: str
    lines: tuple[tuple[str, str], ...]
    problems: tuple[str, ...] = ()  # lookups that failed (e.g. "aggregates: needs admin")

    @property
    def id(self) -> str:
        return self.server_id

    def value(self, label: str) -> str:
        """The first line with this label ("" when absent)."""
        return next((v for k, v in self.lines if k == label), "")

    def values(self, label: str) -> list[str]:
        return [v for k, v in self.lines if k == label]
