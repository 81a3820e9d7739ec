"""A deterministic in-memory cloud for unit tests, snapshots and ``stackdeck --demo``.

Records are built as the real APIs' JSON and parsed by the same ``from_api`` code as the
OpenStack backend, so the demo exercises the real parsers. Ids and timestamps are fixed:
the same size knobs always give the same cloud.
"""

from __future__ import annotations

from tui.backend.memory.agents import AgentsMemory
from tui.backend.memory.aggregates import AggregatesMemory
from tui.backend.memory.cells import CellsMemory
from tui.backend.memory.compute import ComputeMemory
from tui.backend.memory.data import fixed_id
from tui.backend.memory.flavors import FlavorsMemory
from tui.backend.memory.health import HealthMemory
from tui.backend.memory.identity import IdentityMemory
from tui.backend.memory.image import ImageMemory
from tui.backend.memory.keypair_writes import KeypairWritesMemory
from tui.backend.memory.metric import MetricMemory
from tui.backend.memory.moves import MovesMemory
from tui.backend.memory.network import NetworkMemory
from tui.backend.memory.network_writes import NetworkWritesMemory
from tui.backend.memory.object_store import ObjectStoreMemory
from tui.backend.memory.orchestration import OrchestrationMemory
from tui.backend.memory.pools import PoolsMemory
from tui.backend.memory.quota_classes import QuotaClassesMemory
from tui.backend.memory.quotas import QuotasMemory
from tui.backend.memory.raw import RawMemory
from tui.backend.memory.router_writes import RouterWritesMemory
from tui.backend.memory.security_writes import SecurityWritesMemory
from tui.backend.memory.server_groups import ServerGroupsMemory
from tui.backend.memory.server_interfaces import ServerInterfacesMemory
from tui.backend.memory.server_maintenance import ServerMaintenanceMemory
from tui.backend.memory.services import ServicesMemory
from tui.backend.memory.volume import VolumeMemory
from tui.backend.memory.volume_operations import VolumeOperationsMemory
from tui.backend.memory.volume_types import VolumeTypesMemory


class MemoryBackend(
    # a server's network interfaces, Nova's server groups (before the mixins they build on)
    ServerInterfacesMemory,
    ServerGroupsMemory,
    # a server's maintenance: rebuild, snapshot image, rescue, metadata, tags, diagnostics
    ServerMaintenanceMemory,
    # moving servers (before the mixins it builds on)
    MovesMemory,
    CellsMemory,  # servers in a cell that is down
    ComputeMemory,
    # Cinder's per-volume operations, before the volumes they build on
    VolumeOperationsMemory,
    VolumeMemory,
    # Neutron's writes, before the reads they build on: routers and ports (which build on
    # networks and subnets), security groups and rules, networks and subnets
    RouterWritesMemory,
    SecurityWritesMemory,
    NetworkWritesMemory,
    NetworkMemory,
    ImageMemory,
    IdentityMemory,
    AgentsMemory,
    ServicesMemory,
    # aggregates, zones, quotas
    AggregatesMemory,
    QuotaClassesMemory,  # quota defaults and the projects that differ from them
    QuotasMemory,
    # -- telemetry and the raw API browser
    MetricMemory,
    RawMemory,
    # -- health overview and volume pools (overview helper)
    HealthMemory,
    PoolsMemory,
    # -- images and flavors --
    FlavorsMemory,
    # optional services (Heat, Swift)
    OrchestrationMemory,
    ObjectStoreMemory,
    # keypairs: import, delete
    KeypairWritesMemory,
    # Cinder volume types and QoS specs
    VolumeTypesMemory,
):
    """An in-memory cloud: 3 projects, 4 hypervisors and 40 servers unless told otherwise,
    with their networks, ports, floating IPs, volumes, images, flavors and keypairs."""


__all__ = ["MemoryBackend", "fixed_id"]
