"""What the demo's hosts hold, from one source: the servers on them and their flavors.

The hypervisors' used vCPUs, RAM, disk and running VMs, Placement's usages of each host's
resource provider and (counting every instance, placed or not) the quotas' in-use numbers
are all sums over the same servers, so they agree after a boot, delete, migrate or resize.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from tui.backend.models import Hypervisor, Json, Server

# Nova's [DEFAULT] reserved_host_memory_mb: what a host keeps for itself.
RESERVED_HOST_MEMORY_MB = 512


@dataclass(frozen=True, slots=True)
class Held:
    """What some servers hold: instances, vCPUs, RAM (MiB), disk (GiB)."""

    instances: int = 0
    vcpus: int = 0
    ram_mb: int = 0
    disk_gb: int = 0

    def plus(self, server: Server) -> Held:
        flavor = server.raw.get("flavor") or {}
        disk = int(flavor.get("disk") or 0) + int(flavor.get("ephemeral") or 0)
        return Held(
            self.instances + 1,
            self.vcpus + int(flavor.get("vcpus") or 0),
            self.ram_mb + int(flavor.get("ram") or 0),
            self.disk_gb + disk,
        )


def held(servers: Iterable[Server]) -> Held:
    total = Held()
    for server in servers:
        total = total.plus(server)
    return total


def by_host(servers: Iterable[Server]) -> dict[str, Held]:
    """What each host holds (servers not placed on a host hold nothing on one)."""
    hosts: dict[str, Held] = {}
    for server in servers:
        if server.host:
            hosts[server.host] = hosts.get(server.host, Held()).plus(server)
    return hosts


def with_usage(hypervisor: Hypervisor, on_host: Held) -> Hypervisor:
    """A hypervisor as Nova shows it with what its servers hold."""
    raw: Json = {
        **hypervisor.raw,
        "running_vms": on_host.instances,
        "vcpus_used": on_host.vcpus,
        "memory_mb_used": RESERVED_HOST_MEMORY_MB + on_host.ram_mb,
        "local_gb_used": on_host.disk_gb,
        "free_ram_mb": hypervisor.raw.get("memory_mb", 0)
        - RESERVED_HOST_MEMORY_MB
        - on_host.ram_mb,
        "free_disk_gb": hypervisor.raw.get("local_gb", 0) - on_host.disk_gb,
    }
    return Hypervisor.from_api(raw)


def placement_usages(on_host: Held) -> Json:
    """GET /resource_providers/{uuid}/usages of a host's resource provider."""
    return {
        "resource_provider_generation": 1 + on_host.instances,
        "usages": {"VCPU": on_host.vcpus, "MEMORY_MB": on_host.ram_mb, "DISK_GB": on_host.disk_gb},
    }


def placement_inventories(hypervisor: Hypervisor, on_host: Held) -> Json:
    """GET /resource_providers/{uuid}/inventories: the host's capacity as Placement has it."""

    def inventory(total: int, reserved: int = 0, ratio: float = 1.0) -> Json:
        return {
            "total": total,
            "reserved": reserved,
            "min_unit": 1,
            "max_unit": total,
            "step_size": 1,
            "allocation_ratio": ratio,
        }

    raw = hypervisor.raw
    return {
        "resource_provider_generation": 1 + on_host.instances,
        "inventories": {
            "VCPU": inventory(int(raw.get("vcpus") or 0), ratio=4.0),
            "MEMORY_MB": inventory(
                int(raw.get("memory_mb") or 0), RESERVED_HOST_MEMORY_MB, ratio=1.0
            ),
            "DISK_GB": inventory(int(raw.get("local_gb") or 0)),
        },
    }
