"""Moving servers: migrations, a server's history (instance actions), where a
server is, and where it could go."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from tui.backend.models.common import FromApi, Json, api

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
class Migration(FromApi):
    """One record of ``GET /os-migrations`` or ``GET /servers/{id}/migrations``.

    The second has the live migration's progress (bytes of memory and disk); the first has
    the type and flavors. Fields a view does not carry are 0 / "".
    """

    id: str  # Nova's integer id as text: server-migrations address it by this
    uuid: str  # 2.59+
    type: str = field(
        metadata=api("migration_type")
    )  # live-migration, migration, resize, evacuation (2.23+)
    status: str
    source_compute: str
    source_node: str
    dest_compute: str
    dest_node: str
    dest_host: str
    server_id: str = field(metadata=api("instance_uuid", "server_uuid"))
    project_id: str  # 2.80+
    user_id: str  # 2.80+
    created: str = field(metadata=api("created_at"))
    updated: str = field(metadata=api("updated_at"))
    # Nova's internal flavor ids (os-migrations only)
    old_flavor_id: str = field(metadata=api("old_instance_type_id"))
    new_flavor_id: str = field(metadata=api("new_instance_type_id"))
    memory_total_bytes: int
    memory_processed_bytes: int
    memory_remaining_bytes: int
    disk_total_bytes: int
    disk_processed_bytes: int
    disk_remaining_bytes: int
    raw: Json = field(default_factory=dict, compare=False, repr=False)

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
class InstanceActionEvent(FromApi):
    event: str  # e.g. compute_live_migration, conductor_migrate_server
    start_time: str
    finish_time: str
    result: str  # Success / Error / "" while running
    host: str  # admin, 2.62+
    host_id: str = field(metadata=api("hostId"))  # hashed host, 2.62+
    traceback: str  # admin only
    details: str  # 2.84+
    raw: Json = field(default_factory=dict, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class InstanceAction(FromApi):
    """One thing done to a server (``os-instance-actions``); ``events`` only when shown."""

    request_id: str
    action: str  # create, stop, live-migration, migrate, resize, confirmResize, evacuate...
    server_id: str = field(metadata=api("instance_uuid"))
    user_id: str
    project_id: str
    start_time: str
    updated: str = field(metadata=api("updated_at"))  # 2.58+
    message: str  # Nova's failure message ("Error" ...), else ""
    events: tuple[InstanceActionEvent, ...] = field(
        default=(),
        metadata=api(
            get=lambda d: tuple(InstanceActionEvent.from_api(e) for e in d.get("events") or ())
        ),
    )
    raw: Json = field(default_factory=dict, compare=False, repr=False)

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
