"""The records every start needs: servers and their addresses, hypervisors, projects,
users, and what the cloud says about the session."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Self

from tui.backend.models.common import POWER_STATES, Json, as_bool, as_int, as_str


@dataclass(frozen=True, slots=True)
class Address:
    network: str
    addr: str
    version: int
    kind: str  # "fixed" or "floating"
    mac: str


@dataclass(frozen=True, slots=True)
class Server:
    id: str
    name: str
    status: str
    task_state: str
    power_state: str
    vm_state: str
    project_id: str
    project: str
    user_id: str
    host: str
    hypervisor_hostname: str
    availability_zone: str
    flavor: str
    image: str
    key_name: str
    addresses: tuple[Address, ...]
    created: str
    updated: str
    locked: bool
    raw: Json = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_api(cls, d: Json, project_names: Mapping[str, str] | None = None) -> Self:
        flavor = d.get("flavor") or {}
        image = d.get("image") or {}
        addresses = tuple(
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
        power = d.get("OS-EXT-STS:power_state")
        project_id = as_str(d.get("tenant_id") or d.get("project_id"))
        return cls(
            id=as_str(d.get("id")),
            name=as_str(d.get("name")),
            status=as_str(d.get("status")),
            task_state=as_str(d.get("OS-EXT-STS:task_state")),
            power_state=POWER_STATES.get(power, as_str(power)) if power is not None else "",
            vm_state=as_str(d.get("OS-EXT-STS:vm_state")),
            project_id=project_id,
            project=(project_names or {}).get(project_id, project_id),
            user_id=as_str(d.get("user_id")),
            host=as_str(d.get("OS-EXT-SRV-ATTR:host")),
            hypervisor_hostname=as_str(d.get("OS-EXT-SRV-ATTR:hypervisor_hostname")),
            availability_zone=as_str(d.get("OS-EXT-AZ:availability_zone")),
            # microversion >= 2.47 embeds the flavor; older ones only link its id
            flavor=as_str(flavor.get("original_name") or flavor.get("id")),
            # boot-from-volume servers have image "" instead of an object
            image=as_str(image.get("id")) if isinstance(image, Mapping) else "",
            key_name=as_str(d.get("key_name")),
            addresses=addresses,
            created=as_str(d.get("created")),
            updated=as_str(d.get("updated")),
            locked=as_bool(d.get("locked")),
            raw=d,
        )

    @property
    def address_text(self) -> str:
        return ", ".join(a.addr for a in self.addresses)

    @property
    def fixed_ips(self) -> tuple[Address, ...]:
        return tuple(a for a in self.addresses if a.kind == "fixed")

    @property
    def floating_ips(self) -> tuple[Address, ...]:
        return tuple(a for a in self.addresses if a.kind == "floating")


@dataclass(frozen=True, slots=True)
class Hypervisor:
    id: str
    name: str
    host: str
    state: str
    status: str
    type: str
    host_ip: str
    vcpus: int
    vcpus_used: int
    memory_mb: int
    memory_mb_used: int
    local_gb: int
    local_gb_used: int
    running_vms: int
    disabled_reason: str
    raw: Json = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_api(cls, d: Json) -> Self:
        service = d.get("service") or {}
        name = as_str(d.get("hypervisor_hostname"))
        return cls(
            id=as_str(d.get("id")),
            name=name,
            host=as_str(service.get("host")) or name,
            state=as_str(d.get("state")),
            status=as_str(d.get("status")),
            type=as_str(d.get("hypervisor_type")),
            host_ip=as_str(d.get("host_ip")),
            vcpus=as_int(d.get("vcpus")),
            vcpus_used=as_int(d.get("vcpus_used")),
            memory_mb=as_int(d.get("memory_mb")),
            memory_mb_used=as_int(d.get("memory_mb_used")),
            local_gb=as_int(d.get("local_gb")),
            local_gb_used=as_int(d.get("local_gb_used")),
            running_vms=as_int(d.get("running_vms")),
            disabled_reason=as_str(service.get("disabled_reason")),
            raw=d,
        )


@dataclass(frozen=True, slots=True)
class Project:
    id: str
    name: str
    domain_id: str
    enabled: bool
    description: str
    parent_id: str
    raw: Json = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_api(cls, d: Json) -> Self:
        return cls(
            id=as_str(d.get("id")),
            name=as_str(d.get("name")),
            domain_id=as_str(d.get("domain_id")),
            enabled=as_bool(d.get("enabled", True)),
            description=as_str(d.get("description")),
            parent_id=as_str(d.get("parent_id")),
            raw=d,
        )


@dataclass(frozen=True, slots=True)
class User:
    id: str
    name: str
    domain_id: str
    enabled: bool
    email: str
    default_project_id: str
    raw: Json = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_api(cls, d: Json) -> Self:
        return cls(
            id=as_str(d.get("id")),
            name=as_str(d.get("name")),
            domain_id=as_str(d.get("domain_id")),
            enabled=as_bool(d.get("enabled", True)),
            email=as_str(d.get("email")),
            default_project_id=as_str(d.get("default_project_id")),
            raw=d,
        )


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
