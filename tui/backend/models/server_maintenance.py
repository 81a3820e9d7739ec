"""A server's maintenance: what Nova's diagnostics say of it (``GET /servers/{id}/diagnostics``
at microversion 2.48, the standard format every driver fills in as far as it can).

Any number may be null (the driver does not know it): those fields are None here, not 0.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tui.backend.models.common import FromApi, Json, api


def _number(value: Any) -> int | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _key(name: str) -> Callable[[Json], int | None]:
    return lambda d: _number(d.get(name))


@dataclass(frozen=True, slots=True)
class CpuDiagnostics(FromApi):
    id: int | None = field(metadata=api(get=_key("id")))
    time_ns: int | None = field(metadata=api(get=_key("time")))  # CPU time used, nanoseconds
    utilisation: int | None = field(metadata=api(get=_key("utilisation")))  # percent
    raw: Json = field(default_factory=dict, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class NicDiagnostics(FromApi):
    mac_address: str
    rx_octets: int | None = field(metadata=api(get=_key("rx_octets")))
    rx_packets: int | None = field(metadata=api(get=_key("rx_packets")))
    rx_errors: int | None = field(metadata=api(get=_key("rx_errors")))
    rx_drop: int | None = field(metadata=api(get=_key("rx_drop")))
    rx_rate: int | None = field(metadata=api(get=_key("rx_rate")))
    tx_octets: int | None = field(metadata=api(get=_key("tx_octets")))
    tx_packets: int | None = field(metadata=api(get=_key("tx_packets")))
    tx_errors: int | None = field(metadata=api(get=_key("tx_errors")))
    tx_drop: int | None = field(metadata=api(get=_key("tx_drop")))
    tx_rate: int | None = field(metadata=api(get=_key("tx_rate")))
    raw: Json = field(default_factory=dict, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class DiskDiagnostics(FromApi):
    read_bytes: int | None = field(metadata=api(get=_key("read_bytes")))
    read_requests: int | None = field(metadata=api(get=_key("read_requests")))
    write_bytes: int | None = field(metadata=api(get=_key("write_bytes")))
    write_requests: int | None = field(metadata=api(get=_key("write_requests")))
    errors_count: int | None = field(metadata=api(get=_key("errors_count")))
    raw: Json = field(default_factory=dict, compare=False, repr=False)


def _items(key: str, model: type[FromApi]) -> Callable[[Json], tuple[Any, ...]]:
    def get(d: Json) -> tuple[Any, ...]:
        items = d.get(key)
        if not isinstance(items, list):
            return ()
        return tuple(model.from_api(item) for item in items if isinstance(item, dict))

    return get


def _memory(key: str) -> Callable[[Json], int | None]:
    def get(d: Json) -> int | None:
        memory = d.get("memory_details")
        return _number(memory.get(key)) if isinstance(memory, dict) else None

    return get


def _flag(d: Json) -> bool | None:
    value = d.get("config_drive")
    return value if isinstance(value, bool) else None


@dataclass(frozen=True, slots=True)
class ServerDiagnostics(FromApi):
    """What the hypervisor driver reports of one server (Nova 2.48's standard format)."""

    state: str  # the power state: running, paused, shutdown, crashed, suspended, pending
    driver: str  # libvirt, xenapi, vmwareapi, ironic, hyperv, fake...
    hypervisor: str  # kvm, qemu, xen...
    hypervisor_os: str
    uptime: int | None = field(metadata=api(get=_key("uptime")))  # seconds
    config_drive: bool | None = field(metadata=api(get=_flag))
    num_cpus: int | None = field(metadata=api(get=_key("num_cpus")))
    num_nics: int | None = field(metadata=api(get=_key("num_nics")))
    num_disks: int | None = field(metadata=api(get=_key("num_disks")))
    memory_max_mb: int | None = field(metadata=api(get=_memory("maximum")))  # MiB
    memory_used_mb: int | None = field(metadata=api(get=_memory("used")))  # MiB
    cpus: tuple[CpuDiagnostics, ...] = field(
        metadata=api(get=_items("cpu_details", CpuDiagnostics))
    )
    nics: tuple[NicDiagnostics, ...] = field(
        metadata=api(get=_items("nic_details", NicDiagnostics))
    )
    disks: tuple[DiskDiagnostics, ...] = field(
        metadata=api(get=_items("disk_details", DiskDiagnostics))
    )
    raw: Json = field(default_factory=dict, compare=False, repr=False)

    @property
    def empty(self) -> bool:
        """Nothing reported at all: a driver that answers but knows nothing."""
        return not (
            self.state
            or self.driver
            or self.hypervisor
            or self.uptime is not None
            or self.cpus
            or self.nics
            or self.disks
            or self.memory_max_mb is not None
        )
