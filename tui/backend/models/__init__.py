"""Typed, immutable models parsed from the OpenStack APIs' own JSON.

Each model keeps the record it was parsed from in ``raw`` (excluded from equality), so
"describe" can show everything the API said without the models growing a field per key.

The models live in one module per area and load on first use (``from tui.backend.models
import Stack`` imports only the Heat models): a frozen dataclass costs ~0.7 ms to create,
and start-up should pay only for the lists it shows.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from tui.backend.models.common import POWER_STATES, Json

AREAS: dict[str, tuple[str, ...]] = {
    "core": ("Address", "CloudInfo", "Hypervisor", "Project", "Server", "User"),
    "compute": (
        "AvailabilityZone",
        "BootSpec",
        "ComputeService",
        "ExtraVolume",
        "Flavor",
        "Image",
        "Keypair",
        "service_change",
    ),
    "network": (
        "FixedIP",
        "FloatingIP",
        "Network",
        "NetworkAgent",
        "Port",
        "Router",
        "SecurityGroup",
        "SecurityGroupRule",
        "Subnet",
        "SubnetPool",
        "agent_hosts",
    ),
    "network_specs": (
        "NetworkChange",
        "NetworkSpec",
        "Pair",
        "PortChange",
        "PortSpec",
        "RouterChange",
        "RouterSpec",
        "SecurityGroupRuleSpec",
        "SubnetChange",
        "SubnetSpec",
    ),
    "volume": ("Volume", "VolumeAttachment", "VolumeSnapshot", "VolumeSpec"),
    # Cinder's per-volume operations: upload-to-image, transfers
    "volume_operations": (
        "MIGRATION_POLICIES",
        "UPLOAD_CONTAINER_FORMATS",
        "UPLOAD_DISK_FORMATS",
        "UPLOAD_VISIBILITIES",
        "NewVolumeTransfer",
        "VolumeTransfer",
        "VolumeUpload",
        "VolumeUploadSpec",
    ),
    "zones": ("ZONE_SERVICES", "Aggregate", "ServiceZone", "ZoneHost"),
    "quotas": ("UNLIMITED", "QuotaOverride", "QuotaUsage", "quota_overrides", "quota_usages"),
    "metric": ("Measure", "Metric", "MetricResource", "duration_seconds"),
    "catalog": ("CatalogEndpoint", "catalog_endpoints"),
    "pools": ("VolumePool",),
    "identity": (
        "CatalogEntry",
        "CatalogService",
        "Endpoint",
        "ProjectSpec",
        "Role",
        "RoleAssignment",
        "TokenInfo",
        "UserSpec",
        "identity_change",
    ),
    "images": ("Download", "ImageMember", "ImageSpec"),
    "flavors": ("FlavorAccess", "FlavorExtraSpec", "FlavorSpec"),
    "volume_types": (
        "QOS_CONSUMERS",
        "QOS_LIMIT_KEYS",
        "QosAssociation",
        "QosSpec",
        "QosSpecSpec",
        "VolumeType",
        "VolumeTypeAccess",
        "VolumeTypeSpec",
    ),
    "orchestration": ("Stack", "StackEvent", "StackResource", "StackSpec"),
    "object_store": ("Container", "SwiftObject"),
    # moving servers
    "migration": (
        "COLD_MIGRATION",
        "EVACUATION",
        "LIVE_MIGRATION",
        "MIGRATION_IN_PROGRESS",
        "RESIZE",
        "HostCandidate",
        "InstanceAction",
        "InstanceActionEvent",
        "Migration",
        "Whereabouts",
        "target_hosts",
    ),
    # Nova's server groups
    "server_groups": ("POLICIES", "ServerGroup"),
    # a server's maintenance: its diagnostics
    "server_maintenance": (
        "CpuDiagnostics",
        "DiskDiagnostics",
        "NicDiagnostics",
        "ServerDiagnostics",
    ),
}
_AREA_OF = {name: area for area, names in AREAS.items() for name in names}


def __getattr__(name: str) -> Any:
    area = _AREA_OF.get(name)
    if area is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f"{__name__}.{area}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_AREA_OF})


__all__ = ["POWER_STATES", "Json", *_AREA_OF]

if TYPE_CHECKING:
    from tui.backend.models.catalog import *  # noqa: F403
    from tui.backend.models.compute import *  # noqa: F403
    from tui.backend.models.core import *  # noqa: F403
    from tui.backend.models.flavors import *  # noqa: F403
    from tui.backend.models.identity import *  # noqa: F403
    from tui.backend.models.images import *  # noqa: F403
    from tui.backend.models.metric import *  # noqa: F403
    from tui.backend.models.migration import *  # noqa: F403
    from tui.backend.models.network import *  # noqa: F403
    from tui.backend.models.network_specs import *  # noqa: F403
    from tui.backend.models.object_store import *  # noqa: F403
    from tui.backend.models.orchestration import *  # noqa: F403
    from tui.backend.models.pools import *  # noqa: F403
    from tui.backend.models.quotas import *  # noqa: F403
    from tui.backend.models.server_groups import *  # noqa: F403
    from tui.backend.models.server_maintenance import *  # noqa: F403
    from tui.backend.models.volume import *  # noqa: F403
    from tui.backend.models.volume_operations import *  # noqa: F403
    from tui.backend.models.volume_types import *  # noqa: F403
    from tui.backend.models.zones import *  # noqa: F403
