"""Typed, immutable models parsed from the OpenStack APIs' own JSON.

Each model keeps the record it was parsed from in ``raw`` (excluded from equality), so
"describe" can show everything the API said without the models growing a field per key.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Self

Json = Mapping[str, Any]

POWER_STATES = {
    0: "NOSTATE",
    1: "RUNNING",
    3: "PAUSED",
    4: "SHUTDOWN",
    6: "CRASHED",
    7: "SUSPENDED",
}


def _str(value: Any) -> str:
    return "" if value is None else str(value)


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def _bool(value: Any) -> bool:
    if isinstance(value, str):
        return value.lower() in ("true", "1", "yes")
    return bool(value)


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
                addr=_str(a.get("addr")),
                version=_int(a.get("version")) or 4,
                kind=_str(a.get("OS-EXT-IPS:type")) or "fixed",
                mac=_str(a.get("OS-EXT-IPS-MAC:mac_addr")),
            )
            for net, addrs in (d.get("addresses") or {}).items()
            for a in addrs
        )
        power = d.get("OS-EXT-STS:power_state")
        project_id = _str(d.get("tenant_id") or d.get("project_id"))
        return cls(
            id=_str(d.get("id")),
            name=_str(d.get("name")),
            status=_str(d.get("status")),
            task_state=_str(d.get("OS-EXT-STS:task_state")),
            power_state=POWER_STATES.get(power, _str(power)) if power is not None else "",
            vm_state=_str(d.get("OS-EXT-STS:vm_state")),
            project_id=project_id,
            project=(project_names or {}).get(project_id, project_id),
            user_id=_str(d.get("user_id")),
            host=_str(d.get("OS-EXT-SRV-ATTR:host")),
            hypervisor_hostname=_str(d.get("OS-EXT-SRV-ATTR:hypervisor_hostname")),
            availability_zone=_str(d.get("OS-EXT-AZ:availability_zone")),
            # microversion >= 2.47 embeds the flavor; older ones only link its id
            flavor=_str(flavor.get("original_name") or flavor.get("id")),
            # boot-from-volume servers have image "" instead of an object
            image=_str(image.get("id")) if isinstance(image, Mapping) else "",
            key_name=_str(d.get("key_name")),
            addresses=addresses,
            created=_str(d.get("created")),
            updated=_str(d.get("updated")),
            locked=_bool(d.get("locked")),
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
        name = _str(d.get("hypervisor_hostname"))
        return cls(
            id=_str(d.get("id")),
            name=name,
            host=_str(service.get("host")) or name,
            state=_str(d.get("state")),
            status=_str(d.get("status")),
            type=_str(d.get("hypervisor_type")),
            host_ip=_str(d.get("host_ip")),
            vcpus=_int(d.get("vcpus")),
            vcpus_used=_int(d.get("vcpus_used")),
            memory_mb=_int(d.get("memory_mb")),
            memory_mb_used=_int(d.get("memory_mb_used")),
            local_gb=_int(d.get("local_gb")),
            local_gb_used=_int(d.get("local_gb_used")),
            running_vms=_int(d.get("running_vms")),
            disabled_reason=_str(service.get("disabled_reason")),
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
            id=_str(d.get("id")),
            name=_str(d.get("name")),
            domain_id=_str(d.get("domain_id")),
            enabled=_bool(d.get("enabled", True)),
            description=_str(d.get("description")),
            parent_id=_str(d.get("parent_id")),
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
            id=_str(d.get("id")),
            name=_str(d.get("name")),
            domain_id=_str(d.get("domain_id")),
            enabled=_bool(d.get("enabled", True)),
            email=_str(d.get("email")),
            default_project_id=_str(d.get("default_project_id")),
            raw=d,
        )


@dataclass(frozen=True, slots=True)
class Flavor:
    id: str
    name: str
    vcpus: int
    ram_mb: int
    disk_gb: int
    ephemeral_gb: int
    swap_mb: int
    is_public: bool
    raw: Json = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_api(cls, d: Json) -> Self:
        return cls(
            id=_str(d.get("id")),
            name=_str(d.get("name")),
            vcpus=_int(d.get("vcpus")),
            ram_mb=_int(d.get("ram")),
            disk_gb=_int(d.get("disk")),
            ephemeral_gb=_int(d.get("OS-FLV-EXT-DATA:ephemeral")),
            swap_mb=_int(d.get("swap")),  # the API says "" for no swap
            is_public=_bool(d.get("os-flavor-access:is_public", True)),
            raw=d,
        )


@dataclass(frozen=True, slots=True)
class Image:
    id: str
    name: str
    status: str
    visibility: str
    size: int
    disk_format: str
    container_format: str
    owner: str
    min_disk: int
    min_ram: int
    protected: bool
    created: str
    raw: Json = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_api(cls, d: Json) -> Self:
        return cls(
            id=_str(d.get("id")),
            name=_str(d.get("name")),
            status=_str(d.get("status")),
            visibility=_str(d.get("visibility")),
            size=_int(d.get("size")),
            disk_format=_str(d.get("disk_format")),
            container_format=_str(d.get("container_format")),
            owner=_str(d.get("owner")),
            min_disk=_int(d.get("min_disk")),
            min_ram=_int(d.get("min_ram")),
            protected=_bool(d.get("protected")),
            created=_str(d.get("created_at")),
            raw=d,
        )


@dataclass(frozen=True, slots=True)
class Network:
    id: str
    name: str
    status: str
    project_id: str
    shared: bool
    external: bool
    admin_state_up: bool
    network_type: str
    physical_network: str
    segmentation_id: str
    mtu: int
    subnet_ids: tuple[str, ...]
    raw: Json = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_api(cls, d: Json) -> Self:
        return cls(
            id=_str(d.get("id")),
            name=_str(d.get("name")),
            status=_str(d.get("status")),
            project_id=_str(d.get("project_id") or d.get("tenant_id")),
            shared=_bool(d.get("shared")),
            external=_bool(d.get("router:external")),
            admin_state_up=_bool(d.get("admin_state_up", True)),
            network_type=_str(d.get("provider:network_type")),
            physical_network=_str(d.get("provider:physical_network")),
            segmentation_id=_str(d.get("provider:segmentation_id")),
            mtu=_int(d.get("mtu")),
            subnet_ids=tuple(d.get("subnets") or ()),
            raw=d,
        )


@dataclass(frozen=True, slots=True)
class VolumeAttachment:
    server_id: str
    device: str
    attachment_id: str
    host: str


@dataclass(frozen=True, slots=True)
class Volume:
    id: str
    name: str
    status: str
    size_gb: int
    volume_type: str
    bootable: bool
    project_id: str
    host: str
    availability_zone: str
    attachments: tuple[VolumeAttachment, ...]
    created: str
    multiattach: bool
    raw: Json = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_api(cls, d: Json) -> Self:
        return cls(
            id=_str(d.get("id")),
            name=_str(d.get("name")),
            status=_str(d.get("status")),
            size_gb=_int(d.get("size")),
            volume_type=_str(d.get("volume_type")),
            bootable=_bool(d.get("bootable")),  # cinder says "true"/"false" as strings
            project_id=_str(d.get("os-vol-tenant-attr:tenant_id") or d.get("project_id")),
            host=_str(d.get("os-vol-host-attr:host")),
            availability_zone=_str(d.get("availability_zone")),
            attachments=tuple(
                VolumeAttachment(
                    server_id=_str(a.get("server_id")),
                    device=_str(a.get("device")),
                    attachment_id=_str(a.get("attachment_id")),
                    host=_str(a.get("host_name")),
                )
                for a in d.get("attachments") or ()
            ),
            created=_str(d.get("created_at")),
            multiattach=_bool(d.get("multiattach")),
            raw=d,
        )


@dataclass(frozen=True, slots=True)
class CloudInfo:
    """What the header shows: which cloud, as whom, and whether we are connected."""

    cloud: str
    region: str = ""
    project: str = ""
    project_id: str = ""
    user: str = ""
    user_id: str = ""
    auth_url: str = ""
    is_admin: bool = False
    read_only: bool = False
    services: tuple[str, ...] = ()  # service types in the token's catalog ("compute", ...)

    def has_service(self, *types: str) -> bool:
        """Whether the catalog lists any of `types` (no catalog known: assume it does)."""
        return not self.services or any(t in self.services for t in types)


@dataclass(frozen=True, slots=True)
class FixedIP:
    subnet_id: str
    ip_address: str


@dataclass(frozen=True, slots=True)
class Subnet:
    id: str
    name: str
    network_id: str
    project_id: str
    cidr: str
    ip_version: int
    gateway_ip: str
    enable_dhcp: bool
    allocation_pools: tuple[str, ...]  # "start-end"
    dns_nameservers: tuple[str, ...]
    raw: Json = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_api(cls, d: Json) -> Self:
        return cls(
            id=_str(d.get("id")),
            name=_str(d.get("name")),
            network_id=_str(d.get("network_id")),
            project_id=_str(d.get("project_id") or d.get("tenant_id")),
            cidr=_str(d.get("cidr")),
            ip_version=_int(d.get("ip_version")) or 4,
            gateway_ip=_str(d.get("gateway_ip")),
            enable_dhcp=_bool(d.get("enable_dhcp")),
            allocation_pools=tuple(
                f"{p.get('start')}-{p.get('end')}" for p in d.get("allocation_pools") or ()
            ),
            dns_nameservers=tuple(d.get("dns_nameservers") or ()),
            raw=d,
        )


@dataclass(frozen=True, slots=True)
class Port:
    id: str
    name: str
    network_id: str
    project_id: str
    mac_address: str
    status: str
    admin_state_up: bool
    device_id: str
    device_owner: str
    fixed_ips: tuple[FixedIP, ...]
    security_group_ids: tuple[str, ...]
    binding_host: str
    vif_type: str
    raw: Json = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_api(cls, d: Json) -> Self:
        return cls(
            id=_str(d.get("id")),
            name=_str(d.get("name")),
            network_id=_str(d.get("network_id")),
            project_id=_str(d.get("project_id") or d.get("tenant_id")),
            mac_address=_str(d.get("mac_address")),
            status=_str(d.get("status")),
            admin_state_up=_bool(d.get("admin_state_up", True)),
            device_id=_str(d.get("device_id")),
            device_owner=_str(d.get("device_owner")),
            fixed_ips=tuple(
                FixedIP(_str(ip.get("subnet_id")), _str(ip.get("ip_address")))
                for ip in d.get("fixed_ips") or ()
            ),
            security_group_ids=tuple(d.get("security_groups") or ()),
            binding_host=_str(d.get("binding:host_id")),
            vif_type=_str(d.get("binding:vif_type")),
            raw=d,
        )

    @property
    def ip_text(self) -> str:
        return ", ".join(ip.ip_address for ip in self.fixed_ips)


@dataclass(frozen=True, slots=True)
class Router:
    id: str
    name: str
    project_id: str
    status: str
    admin_state_up: bool
    external_network_id: str
    external_ips: tuple[str, ...]
    distributed: bool
    ha: bool
    raw: Json = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_api(cls, d: Json) -> Self:
        gateway = d.get("external_gateway_info") or {}
        return cls(
            id=_str(d.get("id")),
            name=_str(d.get("name")),
            project_id=_str(d.get("project_id") or d.get("tenant_id")),
            status=_str(d.get("status")),
            admin_state_up=_bool(d.get("admin_state_up", True)),
            external_network_id=_str(gateway.get("network_id")),
            external_ips=tuple(
                _str(ip.get("ip_address")) for ip in gateway.get("external_fixed_ips") or ()
            ),
            distributed=_bool(d.get("distributed")),
            ha=_bool(d.get("ha")),
            raw=d,
        )


@dataclass(frozen=True, slots=True)
class FloatingIP:
    id: str
    address: str
    fixed_ip: str
    port_id: str
    network_id: str  # the external network it came from
    router_id: str
    project_id: str
    status: str
    server_id: str  # from port_details.device_id when the port belongs to a server
    description: str
    raw: Json = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_api(cls, d: Json) -> Self:
        details = d.get("port_details") or {}
        owner = _str(details.get("device_owner"))
        return cls(
            id=_str(d.get("id")),
            address=_str(d.get("floating_ip_address")),
            fixed_ip=_str(d.get("fixed_ip_address")),
            port_id=_str(d.get("port_id")),
            network_id=_str(d.get("floating_network_id")),
            router_id=_str(d.get("router_id")),
            project_id=_str(d.get("project_id") or d.get("tenant_id")),
            status=_str(d.get("status")),
            server_id=_str(details.get("device_id")) if owner.startswith("compute:") else "",
            description=_str(d.get("description")),
            raw=d,
        )

    @property
    def name(self) -> str:
        return self.address


@dataclass(frozen=True, slots=True)
class SecurityGroupRule:
    id: str
    security_group_id: str
    direction: str
    ethertype: str
    protocol: str
    port_range_min: int | None
    port_range_max: int | None
    remote_ip_prefix: str
    remote_group_id: str
    description: str
    raw: Json = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_api(cls, d: Json) -> Self:
        def port(value: Any) -> int | None:
            return None if value is None else _int(value)

        return cls(
            id=_str(d.get("id")),
            security_group_id=_str(d.get("security_group_id")),
            direction=_str(d.get("direction")),
            ethertype=_str(d.get("ethertype")),
            protocol=_str(d.get("protocol")),
            port_range_min=port(d.get("port_range_min")),
            port_range_max=port(d.get("port_range_max")),
            remote_ip_prefix=_str(d.get("remote_ip_prefix")),
            remote_group_id=_str(d.get("remote_group_id")),
            description=_str(d.get("description")),
            raw=d,
        )

    @property
    def name(self) -> str:
        return self.id

    @property
    def port_text(self) -> str:
        lo, hi = self.port_range_min, self.port_range_max
        if lo is None and hi is None:
            return "any"
        return str(lo) if lo == hi or hi is None else f"{lo}-{hi}"


@dataclass(frozen=True, slots=True)
class SecurityGroup:
    id: str
    name: str
    project_id: str
    description: str
    stateful: bool
    rules: tuple[SecurityGroupRule, ...]
    raw: Json = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_api(cls, d: Json) -> Self:
        return cls(
            id=_str(d.get("id")),
            name=_str(d.get("name")),
            project_id=_str(d.get("project_id") or d.get("tenant_id")),
            description=_str(d.get("description")),
            stateful=_bool(d.get("stateful", True)),
            rules=tuple(SecurityGroupRule.from_api(r) for r in d.get("security_group_rules") or ()),
            raw=d,
        )


@dataclass(frozen=True, slots=True)
class VolumeSnapshot:
    id: str
    name: str
    volume_id: str
    status: str
    size_gb: int
    project_id: str
    created: str
    description: str
    raw: Json = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_api(cls, d: Json) -> Self:
        return cls(
            id=_str(d.get("id")),
            name=_str(d.get("name")),
            volume_id=_str(d.get("volume_id")),
            status=_str(d.get("status")),
            size_gb=_int(d.get("size")),
            project_id=_str(
                d.get("os-extended-snapshot-attributes:project_id") or d.get("project_id")
            ),
            created=_str(d.get("created_at")),
            description=_str(d.get("description")),
            raw=d,
        )


@dataclass(frozen=True, slots=True)
class Keypair:
    name: str
    fingerprint: str
    type: str
    user_id: str
    public_key: str
    raw: Json = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_api(cls, d: Json) -> Self:
        kp = d.get("keypair", d)
        return cls(
            name=_str(kp.get("name")),
            fingerprint=_str(kp.get("fingerprint")),
            type=_str(kp.get("type")) or "ssh",
            user_id=_str(kp.get("user_id")),
            public_key=_str(kp.get("public_key")),
            raw=d,
        )

    @property
    def id(self) -> str:
        return self.name


@dataclass(frozen=True, slots=True)
class AvailabilityZone:
    name: str
    available: bool
    hosts: tuple[str, ...]
    raw: Json = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_api(cls, d: Json) -> Self:
        return cls(
            name=_str(d.get("zoneName")),
            available=_bool((d.get("zoneState") or {}).get("available")),
            hosts=tuple(d.get("hosts") or ()),
            raw=d,
        )

    @property
    def id(self) -> str:
        return self.name


@dataclass(frozen=True, slots=True)
class BootSpec:
    """Everything the boot form collects; the backend turns it into POST /servers."""

    name: str
    flavor_id: str
    image_id: str = ""
    count: int = 1
    boot_volume_size_gb: int = 0  # > 0: boot from a new volume made from the image
    delete_volume_on_terminate: bool = True
    network_ids: tuple[str, ...] = ()
    port_ids: tuple[str, ...] = ()
    key_name: str = ""
    security_groups: tuple[str, ...] = ()  # names
    availability_zone: str = ""
    user_data: bytes = b""
    metadata: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class VolumeSpec:
    """A new volume: blank, from a snapshot, or from an image."""

    name: str
    size_gb: int
    snapshot_id: str = ""
    image_id: str = ""
    source_volume_id: str = ""
    volume_type: str = ""
    availability_zone: str = ""
    description: str = ""


@dataclass(frozen=True, slots=True)
class ComputeService:
    id: str
    binary: str
    host: str
    zone: str
    status: str  # enabled / disabled
    state: str  # up / down
    updated: str
    disabled_reason: str
    forced_down: bool
    raw: Json = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_api(cls, d: Json) -> Self:
        return cls(
            id=_str(d.get("id")),
            binary=_str(d.get("binary")),
            host=_str(d.get("host")),
            zone=_str(d.get("zone")),
            status=_str(d.get("status")),
            state=_str(d.get("state")),
            updated=_str(d.get("updated_at")),
            disabled_reason=_str(d.get("disabled_reason")),
            forced_down=_bool(d.get("forced_down")),
            raw=d,
        )

    @property
    def name(self) -> str:
        return f"{self.binary}@{self.host}"


def service_change(enabled: bool | None, forced_down: bool | None) -> str:
    """The audit name of a compute-service update (both backends log the same words)."""
    if forced_down is not None:
        return "force-down-service" if forced_down else "unset-force-down-service"
    return "enable-service" if enabled else "disable-service"


@dataclass(frozen=True, slots=True)
class NetworkAgent:
    id: str
    agent_type: str
    binary: str
    host: str
    alive: bool
    admin_state_up: bool
    availability_zone: str
    heartbeat: str
    raw: Json = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_api(cls, d: Json) -> Self:
        return cls(
            id=_str(d.get("id")),
            agent_type=_str(d.get("agent_type")),
            binary=_str(d.get("binary")),
            host=_str(d.get("host")),
            alive=_bool(d.get("alive")),
            admin_state_up=_bool(d.get("admin_state_up", True)),
            availability_zone=_str(d.get("availability_zone")),
            heartbeat=_str(d.get("heartbeat_timestamp")),
            raw=d,
        )

    @property
    def name(self) -> str:
        return f"{self.binary}@{self.host}"


# -- issue 6 (aggregates, zones, quotas): host aggregates, every service's zones, quotas ------


@dataclass(frozen=True, slots=True)
class Aggregate:
    id: str  # Nova's integer id as text: the API addresses aggregates by it
    uuid: str
    name: str
    availability_zone: str
    hosts: tuple[str, ...]
    metadata: tuple[tuple[str, str], ...]
    created: str
    updated: str
    raw: Json = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_api(cls, d: Json) -> Self:
        metadata = d.get("metadata") or {}
        return cls(
            id=_str(d.get("id")),
            uuid=_str(d.get("uuid")),
            name=_str(d.get("name")),
            availability_zone=_str(d.get("availability_zone")),
            hosts=tuple(sorted(d.get("hosts") or ())),
            metadata=tuple(sorted((str(k), _str(v)) for k, v in metadata.items())),
            created=_str(d.get("created_at")),
            updated=_str(d.get("updated_at")),
            raw=d,
        )


@dataclass(frozen=True, slots=True)
class ZoneHost:
    """One service on one host of a compute zone (os-availability-zone/detail)."""

    zone: str
    host: str
    binary: str
    available: bool  # enabled
    active: bool  # up
    updated: str
    raw: Json = field(default_factory=dict, compare=False, repr=False)

    @property
    def id(self) -> str:
        return f"{self.zone}/{self.host}/{self.binary}"


ZONE_SERVICES = {"compute": "Nova", "block-storage": "Cinder", "network": "Neutron"}


@dataclass(frozen=True, slots=True)
class ServiceZone:
    """An availability zone of one service: Nova and Cinder's zoneInfo, Neutron's zones."""

    service: str  # compute, block-storage or network
    name: str
    resource: str  # what the zone holds: Neutron says network or router; else the service
    available: bool
    hosts: tuple[ZoneHost, ...]
    raw: Json = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_api(cls, d: Json, service: str = "compute") -> Self:
        if "zoneName" not in d:  # Neutron: {"name", "resource", "state"}
            return cls(
                service=service,
                name=_str(d.get("name")),
                resource=_str(d.get("resource")) or service,
                available=d.get("state") == "available",
                hosts=(),
                raw=d,
            )
        name = _str(d.get("zoneName"))
        hosts = tuple(
            ZoneHost(
                zone=name,
                host=str(host),
                binary=str(binary),
                available=_bool(state.get("available")),
                active=_bool(state.get("active")),
                updated=_str(state.get("updated_at")),
                raw={"zone": name, "host": host, "binary": binary, **state},
            )
            for host, services in sorted((d.get("hosts") or {}).items())
            for binary, state in sorted((services or {}).items())
        )
        return cls(
            service=service,
            name=name,
            resource="volume" if service == "block-storage" else service,
            available=_bool((d.get("zoneState") or {}).get("available")),
            hosts=hosts,
            raw=d,
        )

    @property
    def id(self) -> str:
        return f"{self.service}/{self.resource}/{self.name}"

    @property
    def host_names(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(h.host for h in self.hosts))


UNLIMITED = -1


@dataclass(frozen=True, slots=True)
class QuotaUsage:
    """One (service, resource) quota of a project: its limit, what is used and reserved."""

    service: str  # compute, network or block-storage
    project_id: str
    resource: str
    limit: int  # -1: unlimited
    in_use: int
    reserved: int
    default: int | None  # the service's default for this resource, when known
    # (resource, limit, in use + reserved) of the whole service, for the edit form.
    service_limits: tuple[tuple[str, int, int], ...] = field(default=(), compare=False, repr=False)
    raw: Json = field(default_factory=dict, compare=False, repr=False)

    @property
    def id(self) -> str:
        return f"{self.service}/{self.resource}"

    @property
    def name(self) -> str:
        return f"{ZONE_SERVICES.get(self.service, self.service)} {self.resource}"

    @property
    def unlimited(self) -> bool:
        return self.limit < 0

    @property
    def used(self) -> int:
        return self.in_use + self.reserved

    @property
    def free(self) -> int | None:
        return None if self.unlimited else self.limit - self.used

    @property
    def percent(self) -> float | None:
        """Share of the limit in use (None when unlimited; inf for use over a zero limit)."""
        if self.unlimited:
            return None
        if self.limit == 0:
            return float("inf") if self.used else 0.0
        return 100.0 * self.used / self.limit

    @property
    def over(self) -> bool:
        return not self.unlimited and self.used > self.limit

    @property
    def differs(self) -> bool:
        return self.default is not None and self.limit != self.default


def quota_usages(
    service: str, project_id: str, body: Json, defaults: Json | None = None
) -> list[QuotaUsage]:
    """Rows of a quota set with usage: Nova's and Cinder's ``quota_set`` ({limit, in_use,
    reserved} per resource), Neutron's ``quota`` ({limit, used, reserved}); or of a plain set
    of limits (the defaults: resource → int), shown with nothing used."""
    entries: list[tuple[str, int, int, int]] = []
    for resource, value in body.items():
        if resource == "id":
            continue
        if isinstance(value, Mapping):
            used = value.get("in_use", value.get("used"))
            entries.append(
                (resource, _int(value.get("limit")), _int(used), _int(value.get("reserved")))
            )
        elif isinstance(value, int | str) and not isinstance(value, bool):
            entries.append((resource, _int(value), 0, 0))
    limits = tuple(
        (resource, limit, used + reserved) for resource, limit, used, reserved in entries
    )
    known = defaults or {}
    return [
        QuotaUsage(
            service=service,
            project_id=project_id,
            resource=resource,
            limit=limit,
            in_use=in_use,
            reserved=reserved,
            default=_int(known[resource]) if resource in known else None,
            service_limits=limits,
            raw={resource: body.get(resource)},
        )
        for resource, limit, in_use, reserved in entries
    ]


# -- issue 6: telemetry (Gnocchi) and the raw API browser ------------------------------


def duration_seconds(value: Any) -> float:
    """Gnocchi's durations: seconds (300, "300.0") or a timedelta text ("1 day, 0:05:00")."""
    if isinstance(value, int | float):
        return float(value)
    text = _str(value).strip()
    try:
        return float(text)
    except ValueError:
        pass
    days = 0.0
    if "day" in text:
        head, _, text = text.partition(",")
        days = float(head.split()[0])
        text = text.strip() or "0:00:00"
    try:
        hours, minutes, seconds = text.split(":")
        return days * 86400 + int(hours) * 3600 + int(minutes) * 60 + float(seconds)
    except ValueError:
        return days * 86400


@dataclass(frozen=True, slots=True)
class MetricResource:
    """A Gnocchi resource (instance, instance_disk, image, generic...) and its metrics."""

    id: str
    type: str
    original_resource_id: str
    project_id: str
    user_id: str
    started_at: str
    ended_at: str
    display_name: str
    metrics: tuple[tuple[str, str], ...]  # (metric name, metric id)
    raw: Json = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_api(cls, d: Json) -> Self:
        metrics = d.get("metrics") or {}
        return cls(
            id=_str(d.get("id")),
            type=_str(d.get("type")),
            original_resource_id=_str(d.get("original_resource_id")),
            project_id=_str(d.get("project_id")),
            user_id=_str(d.get("user_id")),
            started_at=_str(d.get("started_at")),
            ended_at=_str(d.get("ended_at")),
            display_name=_str(d.get("display_name") or d.get("name") or d.get("host")),
            metrics=tuple(sorted((str(k), _str(v)) for k, v in metrics.items())),
            raw=d,
        )

    @property
    def name(self) -> str:
        return self.display_name or self.original_resource_id


@dataclass(frozen=True, slots=True)
class Metric:
    """A Gnocchi metric; its archive policy's granularities when the API gave the details."""

    id: str
    name: str
    unit: str
    archive_policy_name: str
    resource_id: str
    granularities: tuple[tuple[float, float], ...]  # (granularity, timespan) in seconds
    aggregation_methods: tuple[str, ...]
    raw: Json = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_api(cls, d: Json) -> Self:
        policy = d.get("archive_policy") or {}
        definition = policy.get("definition") or ()
        return cls(
            id=_str(d.get("id")),
            name=_str(d.get("name")),
            unit=_str(d.get("unit")),
            archive_policy_name=_str(d.get("archive_policy_name") or policy.get("name")),
            resource_id=_str(d.get("resource_id") or (d.get("resource") or {}).get("id")),
            granularities=tuple(
                sorted(
                    (
                        duration_seconds(item.get("granularity")),
                        duration_seconds(item.get("timespan")),
                    )
                    for item in definition
                )
            ),
            aggregation_methods=tuple(policy.get("aggregation_methods") or ()),
            raw=d,
        )


@dataclass(frozen=True, slots=True)
class Measure:
    """One aggregated point: Gnocchi's [timestamp, granularity, value] triple."""

    timestamp: str
    granularity: float
    value: float | None
    raw: Any = field(default=(), compare=False, repr=False)

    @classmethod
    def from_api(cls, d: Any) -> Self:
        timestamp, granularity, value = d
        return cls(
            timestamp=_str(timestamp),
            granularity=duration_seconds(granularity),
            value=None if value is None else float(value),
            raw=d,
        )

    @property
    def id(self) -> str:
        return f"{self.timestamp}@{self.granularity:g}"


@dataclass(frozen=True, slots=True)
class CatalogEndpoint:
    """One endpoint of the token's service catalog: what the raw browser can GET from."""

    id: str
    type: str
    name: str
    interface: str
    region: str
    url: str
    raw: Json = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_api(cls, d: Json) -> Self:
        """``d``: one catalog entry's endpoint, with the entry's ``type`` and ``name``."""
        kind = _str(d.get("type"))
        interface = _str(d.get("interface"))
        region = _str(d.get("region_id") or d.get("region"))
        return cls(
            id=_str(d.get("id")) or f"{kind}/{interface}/{region}",
            type=kind,
            name=_str(d.get("name")),
            interface=interface,
            region=region,
            url=_str(d.get("url")),
            raw=d,
        )


def catalog_endpoints(catalog: Any) -> list[CatalogEndpoint]:
    """Every endpoint of a token's catalog (Keystone v3 or v2 shape), sorted by type."""
    found: list[CatalogEndpoint] = []
    for entry in catalog or ():
        base = {"type": entry.get("type"), "name": entry.get("name")}
        for endpoint in entry.get("endpoints") or ():
            if "url" in endpoint:
                found.append(CatalogEndpoint.from_api({**endpoint, **base}))
                continue
            for interface in ("public", "internal", "admin"):  # v2: publicURL, internalURL...
                if url := endpoint.get(f"{interface}URL"):
                    d = {**base, "interface": interface, "region": endpoint.get("region")}
                    found.append(CatalogEndpoint.from_api({**d, "url": url}))
    order = {"public": 0, "internal": 1, "admin": 2}
    return sorted(found, key=lambda e: (e.type, order.get(e.interface, 3), e.region, e.url))


# -- issue 6: Cinder backend pools (overview helper) ------------------------------------------


def _capacity(value: Any) -> float | None:
    """A pool capacity in GB; None for "infinite"/"unknown" (drivers that cannot tell)."""
    if value is None or isinstance(value, bool):
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


@dataclass(frozen=True, slots=True)
class VolumePool:
    """One Cinder scheduler pool (GET /scheduler-stats/get_pools?detail=true)."""

    name: str  # host@backend#pool
    backend_name: str
    driver_version: str
    vendor: str
    storage_protocol: str
    total_gb: float | None
    free_gb: float | None
    allocated_gb: float | None
    provisioned_gb: float | None
    reserved_percentage: int
    thin_provisioning: bool
    max_over_subscription_ratio: str
    qos_support: bool
    updated: str
    raw: Json = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_api(cls, d: Json) -> Self:
        caps = d.get("capabilities") or {}
        return cls(
            name=_str(d.get("name")),
            backend_name=_str(caps.get("volume_backend_name")),
            driver_version=_str(caps.get("driver_version")),
            vendor=_str(caps.get("vendor_name")),
            storage_protocol=_str(caps.get("storage_protocol")),
            total_gb=_capacity(caps.get("total_capacity_gb")),
            free_gb=_capacity(caps.get("free_capacity_gb")),
            allocated_gb=_capacity(caps.get("allocated_capacity_gb")),
            provisioned_gb=_capacity(caps.get("provisioned_capacity_gb")),
            reserved_percentage=_int(caps.get("reserved_percentage")),
            thin_provisioning=_bool(caps.get("thin_provisioning_support")),
            max_over_subscription_ratio=_str(caps.get("max_over_subscription_ratio")),
            qos_support=_bool(caps.get("QoS_support")),
            updated=_str(caps.get("timestamp") or caps.get("updated")),  # the API ref says updated
            raw=d,
        )

    @property
    def id(self) -> str:
        return self.name

    @property
    def used_percent(self) -> float | None:
        """How full the pool is: (total - free) / total; None when the driver cannot tell."""
        if not self.total_gb or self.free_gb is None:
            return None
        return 100.0 * (self.total_gb - self.free_gb) / self.total_gb


# -- issue 6: identity (Keystone) -----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Role:
    id: str
    name: str
    domain_id: str
    description: str
    raw: Json = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_api(cls, d: Json) -> Self:
        return cls(
            id=_str(d.get("id")),
            name=_str(d.get("name")),
            domain_id=_str(d.get("domain_id")),
            description=_str(d.get("description")),
            raw=d,
        )


def _named(d: Any) -> tuple[str, str]:
    """(id, name) of a Keystone reference like ``{"id": .., "name": ..}`` (or absent)."""
    return (_str(d.get("id")), _str(d.get("name"))) if isinstance(d, Mapping) else ("", "")


@dataclass(frozen=True, slots=True)
class RoleAssignment:
    """One row of ``GET /v3/role_assignments?include_names=true``: who has what role where."""

    role_id: str
    role_name: str
    actor_kind: str  # "user" or "group"
    actor_id: str
    actor_name: str
    actor_domain: str
    scope_kind: str  # "project", "domain" or "system"
    scope_id: str
    scope_name: str
    inherited: bool
    raw: Json = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_api(cls, d: Json) -> Self:
        actor_kind = "group" if "group" in d else "user"
        actor = d.get(actor_kind) or {}
        actor_id, actor_name = _named(actor)
        role_id, role_name = _named(d.get("role"))
        scope = d.get("scope") or {}
        scope_kind = next((k for k in ("project", "domain", "system") if k in scope), "")
        scope_id, scope_name = _named(scope.get(scope_kind))
        if scope_kind == "system":
            scope_id = scope_name = "all"
        return cls(
            role_id=role_id,
            role_name=role_name,
            actor_kind=actor_kind,
            actor_id=actor_id,
            actor_name=actor_name,
            actor_domain=_named(actor.get("domain"))[1] or _named(actor.get("domain"))[0],
            scope_kind=scope_kind,
            scope_id=scope_id,
            scope_name=scope_name,
            inherited="OS-INHERIT:inherited_to" in scope,
            raw=d,
        )

    @property
    def id(self) -> str:
        return f"{self.actor_kind}:{self.actor_id}/{self.role_id}/{self.scope_kind}:{self.scope_id}"

    @property
    def name(self) -> str:
        actor = self.actor_name or self.actor_id
        where = self.scope_name or self.scope_id
        return f"{actor} {self.role_name or self.role_id} on {self.scope_kind} {where}"


@dataclass(frozen=True, slots=True)
class CatalogService:
    """A Keystone catalog service (``GET /v3/services``), not a Nova compute service."""

    id: str
    type: str
    name: str
    enabled: bool
    description: str
    raw: Json = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_api(cls, d: Json) -> Self:
        return cls(
            id=_str(d.get("id")),
            type=_str(d.get("type")),
            name=_str(d.get("name")),
            enabled=_bool(d.get("enabled", True)),
            description=_str(d.get("description")),
            raw=d,
        )


@dataclass(frozen=True, slots=True)
class Endpoint:
    id: str
    service_id: str
    interface: str
    region: str
    url: str
    enabled: bool
    service_type: str = ""  # filled in from the services list (the endpoint names only an id)
    service_name: str = ""
    raw: Json = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_api(cls, d: Json) -> Self:
        return cls(
            id=_str(d.get("id")),
            service_id=_str(d.get("service_id")),
            interface=_str(d.get("interface")),
            region=_str(d.get("region_id") or d.get("region")),
            url=_str(d.get("url")),
            enabled=_bool(d.get("enabled", True)),
            raw=d,
        )

    @property
    def name(self) -> str:
        return f"{self.service_name or self.service_type or self.service_id} {self.interface}"

    def with_service(self, service: CatalogService) -> Endpoint:
        """This endpoint labelled with its service's type and name (the API gives the id)."""
        return replace(self, service_type=service.type, service_name=service.name)


@dataclass(frozen=True, slots=True)
class CatalogEntry:
    """One endpoint in a token's catalog."""

    service_type: str
    service_name: str
    interface: str
    region: str
    url: str


@dataclass(frozen=True, slots=True)
class TokenInfo:
    """What ``GET /v3/auth/tokens`` says about a token; never the token id itself.

    ``raw`` is the body's ``token`` object (Keystone sends the id only in a header).
    """

    user_id: str
    user_name: str
    user_domain: str
    project_id: str
    project_name: str
    project_domain: str
    domain_scope: str
    system_scope: bool
    roles: tuple[str, ...]
    methods: tuple[str, ...]
    audit_ids: tuple[str, ...]
    issued_at: str
    expires_at: str
    catalog: tuple[CatalogEntry, ...]
    raw: Json = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_api(cls, d: Json) -> Self:
        user = d.get("user") or {}
        project = d.get("project") or {}
        entries = tuple(
            CatalogEntry(
                service_type=_str(service.get("type")),
                service_name=_str(service.get("name")),
                interface=_str(ep.get("interface")),
                region=_str(ep.get("region_id") or ep.get("region")),
                url=_str(ep.get("url")),
            )
            for service in d.get("catalog") or ()
            for ep in service.get("endpoints") or ()
        )
        return cls(
            user_id=_str(user.get("id")),
            user_name=_str(user.get("name")),
            user_domain=_named(user.get("domain"))[1],
            project_id=_str(project.get("id")),
            project_name=_str(project.get("name")),
            project_domain=_named(project.get("domain"))[1],
            domain_scope=_named(d.get("domain"))[1],
            system_scope=bool(d.get("system")),
            roles=tuple(_str(r.get("name")) for r in d.get("roles") or ()),
            methods=tuple(_str(m) for m in d.get("methods") or ()),
            audit_ids=tuple(_str(a) for a in d.get("audit_ids") or ()),
            issued_at=_str(d.get("issued_at")),
            expires_at=_str(d.get("expires_at")),
            catalog=tuple(sorted(entries, key=lambda e: (e.service_type, e.interface, e.region))),
            raw=d,
        )


def identity_change(
    kind: str, enabled: bool | None, **fields: str | None
) -> tuple[str, dict[str, Any]]:
    """The audit name and PATCH body of a project or user update (both backends alike)."""
    change: dict[str, Any] = {k: v for k, v in fields.items() if v is not None}
    if enabled is None:
        return f"update-{kind}", change
    change["enabled"] = enabled
    return f"{'enable' if enabled else 'disable'}-{kind}", change


@dataclass(frozen=True, slots=True)
class ProjectSpec:
    name: str
    description: str = ""
    domain_id: str = "default"
    enabled: bool = True
    parent_id: str = ""


@dataclass(frozen=True, slots=True)
class UserSpec:
    name: str
    password: str = field(repr=False)  # a secret: never in a repr, a log or the audit
    domain_id: str = "default"
    email: str = ""
    default_project_id: str = ""
    enabled: bool = True
    description: str = ""


# -- issue 6: images and flavors (writes, members, extra specs, access) ---------------------


@dataclass(frozen=True, slots=True)
class ImageSpec:
    """What a new Glance image record says about itself (POST /v2/images)."""

    name: str
    disk_format: str = "qcow2"
    container_format: str = "bare"
    visibility: str = "private"
    min_disk: int = 0
    min_ram: int = 0
    protected: bool = False
    properties: tuple[tuple[str, str], ...] = ()

    def body(self) -> dict[str, Any]:
        return {
            **dict(self.properties),
            "name": self.name,
            "disk_format": self.disk_format,
            "container_format": self.container_format,
            "visibility": self.visibility,
            "min_disk": self.min_disk,
            "min_ram": self.min_ram,
            "protected": self.protected,
        }


@dataclass(frozen=True, slots=True)
class ImageMember:
    """A project an image is shared with, and whether it accepted (GET /v2/images/{id}/members)."""

    image_id: str
    member_id: str
    status: str
    created: str
    updated: str
    raw: Json = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_api(cls, d: Json) -> Self:
        return cls(
            image_id=_str(d.get("image_id")),
            member_id=_str(d.get("member_id")),
            status=_str(d.get("status")),
            created=_str(d.get("created_at")),
            updated=_str(d.get("updated_at")),
            raw=d,
        )

    @property
    def id(self) -> str:
        return self.member_id


@dataclass(frozen=True, slots=True)
class Download:
    """A finished image download: where it went, how big, and what the checksum check said."""

    path: str
    size: int
    algorithm: str  # "sha512", "md5" or "" when Glance gave no checksum
    digest: str
    verified: bool


@dataclass(frozen=True, slots=True)
class FlavorSpec:
    """What a new Nova flavor is (POST /flavors); `flavor_id` "" lets Nova choose."""

    name: str
    vcpus: int
    ram_mb: int
    disk_gb: int = 0
    ephemeral_gb: int = 0
    swap_mb: int = 0
    rxtx_factor: float = 1.0
    is_public: bool = True
    description: str = ""
    flavor_id: str = ""


@dataclass(frozen=True, slots=True)
class FlavorExtraSpec:
    """One key of a flavor's extra specs (GET /flavors/{id}/os-extra_specs)."""

    flavor_id: str
    key: str
    value: str
    raw: Json = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_api(cls, flavor_id: str, body: Json) -> list[Self]:
        specs = body.get("extra_specs") or {}
        return [cls(flavor_id, str(k), _str(v), {k: v}) for k, v in sorted(specs.items())]

    @property
    def id(self) -> str:
        return self.key


@dataclass(frozen=True, slots=True)
class FlavorAccess:
    """A project allowed to use a private flavor (GET /flavors/{id}/os-flavor-access)."""

    flavor_id: str
    project_id: str
    raw: Json = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_api(cls, d: Json) -> Self:
        return cls(flavor_id=_str(d.get("flavor_id")), project_id=_str(d.get("tenant_id")), raw=d)

    @property
    def id(self) -> str:
        return self.project_id


# -- issue 6: Heat stacks and Swift containers/objects --------------------------------------


def _settled_status(status: str) -> bool:
    return not status.endswith("_IN_PROGRESS")


@dataclass(frozen=True, slots=True)
class Stack:
    id: str
    name: str
    status: str  # CREATE_COMPLETE, UPDATE_IN_PROGRESS, DELETE_FAILED, ...
    status_reason: str
    created: str
    updated: str
    project_id: str
    description: str
    raw: Json = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_api(cls, d: Json) -> Self:
        parameters = d.get("parameters") or {}
        return cls(
            id=_str(d.get("id")),
            name=_str(d.get("stack_name")),
            status=_str(d.get("stack_status")),
            status_reason=_str(d.get("stack_status_reason")),
            created=_str(d.get("creation_time")),
            updated=_str(d.get("updated_time")),
            # "project" only in lists with global_tenant; a show has OS::project_id.
            project_id=_str(d.get("project") or parameters.get("OS::project_id")),
            description=_str(d.get("description")),
            raw=d,
        )

    @property
    def settled(self) -> bool:
        return _settled_status(self.status)

    @property
    def failed(self) -> bool:
        return self.status.endswith("_FAILED")


@dataclass(frozen=True, slots=True)
class StackSpec:
    """A new stack: the parsed template (and environment), parameters, timeout, rollback."""

    name: str
    template: Json
    parameters: tuple[tuple[str, str], ...] = ()
    environment: Json | None = None
    timeout_mins: int | None = None
    rollback: bool = True


@dataclass(frozen=True, slots=True)
class StackResource:
    name: str
    type: str
    status: str
    status_reason: str
    physical_id: str
    updated: str
    required_by: tuple[str, ...]
    raw: Json = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_api(cls, d: Json) -> Self:
        return cls(
            name=_str(d.get("resource_name") or d.get("logical_resource_id")),
            type=_str(d.get("resource_type")),
            status=_str(d.get("resource_status")),
            status_reason=_str(d.get("resource_status_reason")),
            physical_id=_str(d.get("physical_resource_id")),
            updated=_str(d.get("updated_time") or d.get("creation_time")),
            required_by=tuple(_str(r) for r in d.get("required_by") or ()),
            raw=d,
        )


@dataclass(frozen=True, slots=True)
class StackEvent:
    id: str
    time: str
    resource_name: str
    status: str
    status_reason: str
    physical_id: str
    raw: Json = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_api(cls, d: Json) -> Self:
        return cls(
            id=_str(d.get("id")),
            time=_str(d.get("event_time")),
            resource_name=_str(d.get("resource_name") or d.get("logical_resource_id")),
            status=_str(d.get("resource_status")),
            status_reason=_str(d.get("resource_status_reason")),
            physical_id=_str(d.get("physical_resource_id")),
            raw=d,
        )


@dataclass(frozen=True, slots=True)
class Container:
    name: str
    count: int
    bytes: int
    last_modified: str
    raw: Json = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_api(cls, d: Json) -> Self:
        return cls(
            name=_str(d.get("name")),
            count=_int(d.get("count")),
            bytes=_int(d.get("bytes")),
            last_modified=_str(d.get("last_modified")),
            raw=d,
        )

    @property
    def id(self) -> str:
        return self.name


@dataclass(frozen=True, slots=True)
class SwiftObject:
    """An object of a container, or a pseudo-folder (a ``subdir`` of a delimiter listing)."""

    container: str
    name: str  # the full name ("photos/2024/a.jpg"; a folder ends with the delimiter)
    short: str  # the name within the listed prefix ("a.jpg", "2024/")
    folder: bool
    bytes: int
    content_type: str
    last_modified: str
    hash: str
    raw: Json = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_api(cls, d: Json, prefix: str = "", container: str = "") -> Self:
        name = _str(d.get("subdir") or d.get("name"))
        return cls(
            container=container,
            name=name,
            short=name[len(prefix) :] if prefix and name.startswith(prefix) else name,
            folder="subdir" in d,
            bytes=_int(d.get("bytes")),
            content_type=_str(d.get("content_type")),
            last_modified=_str(d.get("last_modified")),
            hash=_str(d.get("hash")),
            raw=d,
        )

    @property
    def id(self) -> str:
        return self.name
