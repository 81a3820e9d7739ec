"""Nova beyond servers: flavors, images (Glance's list), keypairs, zones, boot requests,
compute services."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Self

from tui.backend.models.common import FromApi, Json, api, as_bool, as_str


@dataclass(frozen=True, slots=True)
class Flavor(FromApi):
    id: str
    name: str
    vcpus: int
    ram_mb: int = field(metadata=api("ram"))
    disk_gb: int = field(metadata=api("disk"))
    ephemeral_gb: int = field(metadata=api("OS-FLV-EXT-DATA:ephemeral"))
    swap_mb: int = field(metadata=api("swap"))  # the API says "" for no swap
    is_public: bool = field(metadata=api("os-flavor-access:is_public", absent=True))
    raw: Json = field(default_factory=dict, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class Image(FromApi):
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
    created: str = field(metadata=api("created_at"))
    raw: Json = field(default_factory=dict, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class Keypair(FromApi):
    name: str
    fingerprint: str
    type: str = field(metadata=api(get=lambda kp: as_str(kp.get("type")) or "ssh"))
    user_id: str
    public_key: str
    raw: Json = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_api(cls, d: Json) -> Self:
        return cls.read(d.get("keypair", d), raw=d)  # a create answers {"keypair": {...}}

    @property
    def id(self) -> str:
        return self.name


@dataclass(frozen=True, slots=True)
class AvailabilityZone(FromApi):
    name: str = field(metadata=api("zoneName"))
    available: bool = field(
        metadata=api(get=lambda d: as_bool((d.get("zoneState") or {}).get("available")))
    )
    hosts: tuple[str, ...]
    raw: Json = field(default_factory=dict, compare=False, repr=False)

    @property
    def id(self) -> str:
        return self.name


@dataclass(frozen=True, slots=True)
class ExtraVolume:
    """A volume attached at boot beside the root disk: an existing one, or a new blank one."""

    volume_id: str = ""  # an existing, available volume
    size_gb: int = 0  # else a new blank volume of this size
    delete_on_terminate: bool = False


@dataclass(frozen=True, slots=True)
class BootSpec:
    """Everything the boot form collects; the backend turns it into POST /servers.

    The root disk comes from the first that is set: `boot_volume_id` (an existing volume),
    `boot_snapshot_id` (a new volume made from the snapshot), `boot_volume_size_gb` with
    `image_id` (a new volume made from the image), else `image_id` (a local disk). The
    block-device rules are in `tui.backend.block_devices`.
    """

    name: str
    flavor_id: str
    image_id: str = ""
    count: int = 1
    boot_volume_size_gb: int = 0  # a new root volume's size (0: the snapshot's own)
    delete_volume_on_terminate: bool | None = None  # None: yes for a new volume, no else
    network_ids: tuple[str, ...] = ()
    port_ids: tuple[str, ...] = ()
    key_name: str = ""
    security_groups: tuple[str, ...] = ()  # names
    availability_zone: str = ""
    user_data: bytes = b""
    metadata: tuple[tuple[str, str], ...] = ()
    server_group: str = ""  # a server group's id: the scheduler hint `group`
    boot_volume_id: str = ""
    boot_snapshot_id: str = ""
    extra_volumes: tuple[ExtraVolume, ...] = ()


@dataclass(frozen=True, slots=True)
class ComputeService(FromApi):
    id: str
    binary: str
    host: str
    zone: str
    status: str  # enabled / disabled
    state: str  # up / down
    updated: str = field(metadata=api("updated_at"))
    disabled_reason: str
    forced_down: bool
    raw: Json = field(default_factory=dict, compare=False, repr=False)

    @property
    def name(self) -> str:
        return f"{self.binary}@{self.host}"


def service_change(enabled: bool | None, forced_down: bool | None) -> str:
    """The audit name of a compute-service update (both backends log the same words)."""
    if forced_down is not None:
        return "force-down-service" if forced_down else "unset-force-down-service"
    return "enable-service" if enabled else "disable-service"
