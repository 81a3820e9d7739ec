"""Nova beyond servers: flavors, images (Glance's list), keypairs, zones, boot requests,
compute services."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Self

from tui.backend.models.common import Json, as_bool, as_int, as_str


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
            id=as_str(d.get("id")),
            name=as_str(d.get("name")),
            vcpus=as_int(d.get("vcpus")),
            ram_mb=as_int(d.get("ram")),
            disk_gb=as_int(d.get("disk")),
            ephemeral_gb=as_int(d.get("OS-FLV-EXT-DATA:ephemeral")),
            swap_mb=as_int(d.get("swap")),  # the API says "" for no swap
            is_public=as_bool(d.get("os-flavor-access:is_public", True)),
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
            id=as_str(d.get("id")),
            name=as_str(d.get("name")),
            status=as_str(d.get("status")),
            visibility=as_str(d.get("visibility")),
            size=as_int(d.get("size")),
            disk_format=as_str(d.get("disk_format")),
            container_format=as_str(d.get("container_format")),
            owner=as_str(d.get("owner")),
            min_disk=as_int(d.get("min_disk")),
            min_ram=as_int(d.get("min_ram")),
            protected=as_bool(d.get("protected")),
            created=as_str(d.get("created_at")),
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
            name=as_str(kp.get("name")),
            fingerprint=as_str(kp.get("fingerprint")),
            type=as_str(kp.get("type")) or "ssh",
            user_id=as_str(kp.get("user_id")),
            public_key=as_str(kp.get("public_key")),
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
            name=as_str(d.get("zoneName")),
            available=as_bool((d.get("zoneState") or {}).get("available")),
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
            id=as_str(d.get("id")),
            binary=as_str(d.get("binary")),
            host=as_str(d.get("host")),
            zone=as_str(d.get("zone")),
            status=as_str(d.get("status")),
            state=as_str(d.get("state")),
            updated=as_str(d.get("updated_at")),
            disabled_reason=as_str(d.get("disabled_reason")),
            forced_down=as_bool(d.get("forced_down")),
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
