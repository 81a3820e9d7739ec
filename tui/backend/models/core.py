"""The records every start needs: servers and their addresses, hypervisors, projects,
users, and what the cloud says about the session."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Self

from tui.backend.models.common import POWER_STATES, FromApi, Json, api, as_int, as_str


@dataclass(frozen=True, slots=True)
class Address:
    network: str
    addr: str
    version: int
    kind: str  # "fixed" or "floating"
    mac: str


def _power_state(d: Json) -> str:
    power = d.get("OS-EXT-STS:power_state")
    return POWER_STATES.get(power, as_str(power)) if power is not None else ""


def _image_id(d: Json) -> str:
    # boot-from-volume servers have image "" instead of an object
    image = d.get("image") or {}
    return as_str(image.get("id")) if isinstance(image, Mapping) else ""


def _addresses(d: Json) -> tuple[Address, ...]:
    return tuple(
        Address(
            network=net,
            addr=as_str(a.get("addr")),
            version=as_int(a.get("version")) or 4,
            kind=as_str(a.get("OS-EXT-IPS:type")) or "fixed",
            mac=as_str(a.get("OS-EXT-IPS-MAC:mac_addr")),
        )
        for net, addrs in (d.get("addresses") or {}).items()
        for a in addrs
    )


def _is_cell_down(d: Json) -> bool:
    return d.get("status") == "UNKNOWN" and "name" not in d


def _group_names(d: Json) -> tuple[str, ...]:
    groups = d.get("security_groups") or ()
    return tuple(as_str(g.get("name")) for g in groups if isinstance(g, Mapping))


_UNKNOWN_TEXT = "?"  # what a server in a cell that is down shows for what Nova cannot say


def _cell_down(d: Json) -> dict[str, Any]:
    """The fields of a server in a cell that is down (Nova's partial record: id, status,
    tenant_id, created; a show also flavor, image, zone, user): named by its id, the rest
    "?" unless the record says it."""
    flavor = d.get("flavor")
    zone = as_str(d.get("OS-EXT-AZ:availability_zone"))
    return {
        "name": f"(cell down) {as_str(d.get('id'))}",
        "power_state": _UNKNOWN_TEXT,
        "host": _UNKNOWN_TEXT,
        "hypervisor_hostname": _UNKNOWN_TEXT,
        "availability_zone": zone if zone and zone != "UNKNOWN" else _UNKNOWN_TEXT,
        "flavor": as_str(flavor.get("original_name") or flavor.get("id"))
        if isinstance(flavor, Mapping)
        else _UNKNOWN_TEXT,
    }


@dataclass(frozen=True, slots=True)
class Server(FromApi):
    id: str
    name: str
    status: str
    task_state: str = field(metadata=api("OS-EXT-STS:task_state"))
    power_state: str = field(metadata=api(get=_power_state))
    vm_state: str = field(metadata=api("OS-EXT-STS:vm_state"))
    project_id: str = field(metadata=api("tenant_id", "project_id"))
    project: str  # its name, where the caller knows it (else the id)
    user_id: str
    host: str = field(metadata=api("OS-EXT-SRV-ATTR:host"))
    hypervisor_hostname: str = field(metadata=api("OS-EXT-SRV-ATTR:hypervisor_hostname"))
    availability_zone: str = field(metadata=api("OS-EXT-AZ:availability_zone"))
    # microversion >= 2.47 embeds the flavor; older ones only link its id
    flavor: str = field(metadata=api("original_name", "id", within="flavor"))
    image: str = field(metadata=api(get=_image_id))
    key_name: str
    addresses: tuple[Address, ...] = field(metadata=api(get=_addresses))
    created: str
    updated: str
    locked: bool
    # a partial record (Nova 2.69+) of a server in a cell Nova cannot reach
    cell_down: bool = field(default=False, metadata=api(get=_is_cell_down))
    # the record says the host (only admins see it): without it no rule can judge the host
    host_known: bool = field(default=False, metadata=api(get=lambda d: "OS-EXT-SRV-ATTR:host" in d))
    security_groups: tuple[str, ...] = field(default=(), metadata=api(get=_group_names))
    # a list row's record may be slim (`openstack.server_pages`): describe fetches the server
    raw: Json = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_api(cls, d: Json, project_names: Mapping[str, str] | None = None) -> Self:
        project_id = as_str(d.get("tenant_id") or d.get("project_id"))
        project = (project_names or {}).get(project_id, project_id)
        if d.get("status") == "UNKNOWN" and "name" not in d:
            return cls.read(d, project=project, **_cell_down(d))
        return cls.read(d, project=project)

    @property
    def address_text(self) -> str:
        if self.cell_down:
            return _UNKNOWN_TEXT
        return ", ".join(a.addr for a in self.addresses)

    @property
    def fixed_ips(self) -> tuple[Address, ...]:
        return tuple(a for a in self.addresses if a.kind == "fixed")

    @property
    def floating_ips(self) -> tuple[Address, ...]:
        return tuple(a for a in self.addresses if a.kind == "floating")


@dataclass(frozen=True, slots=True)
class Hypervisor(FromApi):
    id: str
    name: str = field(metadata=api("hypervisor_hostname"))
    host: str = field(
        metadata=api(
            get=lambda d: (
                as_str((d.get("service") or {}).get("host")) or as_str(d.get("hypervisor_hostname"))
            )
        )
    )
    state: str
    status: str
    type: str = field(metadata=api("hypervisor_type"))
    host_ip: str
    vcpus: int
    vcpus_used: int
    memory_mb: int
    memory_mb_used: int
    local_gb: int
    local_gb_used: int
    running_vms: int
    disabled_reason: str = field(metadata=api(within="service"))
    raw: Json = field(default_factory=dict, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class Project(FromApi):
    id: str
    name: str
    domain_id: str
    enabled: bool = field(metadata=api(absent=True))
    description: str
    parent_id: str
    raw: Json = field(default_factory=dict, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class User(FromApi):
    id: str
    name: str
    domain_id: str
    enabled: bool = field(metadata=api(absent=True))
    email: str
    default_project_id: str
    raw: Json = field(default_factory=dict, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class CloudInfo:
    """Who the token says we are: which cloud, project and user, its roles and scope, its
    catalog. What that lets us do is decided in `tui.context.Capabilities`."""

    cloud: str
    region: str = ""
    project: str = ""
    project_id: str = ""
    user: str = ""
    user_id: str = ""
    auth_url: str = ""
    read_only: bool = False
    services: tuple[str, ...] = ()  # service types in the token's catalog ("compute", ...)
    roles: tuple[str, ...] = ()  # the token's role names, as Keystone gave them
    system_scope: bool = False  # a system-scoped token (no project)

    def has_service(self, *types: str) -> bool:
        """Whether the catalog lists any of `types` (no catalog known: assume it does)."""
        return not self.services or any(t in self.services for t in types)
