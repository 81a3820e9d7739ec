"""The real cloud, through openstacksdk: one class assembled from per-service mixins."""

from __future__ import annotations

from tui.backend.openstack.agents import AgentsAPI
from tui.backend.openstack.aggregates import AggregatesAPI
from tui.backend.openstack.cells import CellsAPI
from tui.backend.openstack.compute import ComputeAPI
from tui.backend.openstack.core import error_message, translate_exception
from tui.backend.openstack.flavors import FlavorsAPI
from tui.backend.openstack.health import HealthAPI
from tui.backend.openstack.identity import IdentityAPI
from tui.backend.openstack.image import ImageAPI
from tui.backend.openstack.keypair_writes import KeypairWritesAPI
from tui.backend.openstack.metric import MetricAPI
from tui.backend.openstack.moves import MovesAPI
from tui.backend.openstack.network import NetworkAPI
from tui.backend.openstack.network_writes import NetworkWritesAPI
from tui.backend.openstack.object_store import ObjectStoreAPI
from tui.backend.openstack.orchestration import OrchestrationAPI
from tui.backend.openstack.pools import PoolsAPI
from tui.backend.openstack.quota_classes import QuotaClassesAPI
from tui.backend.openstack.quotas import QuotasAPI
from tui.backend.openstack.raw import RawAPI
from tui.backend.openstack.router_writes import RouterWritesAPI
from tui.backend.openstack.security_writes import SecurityWritesAPI
from tui.backend.openstack.server_groups import ServerGroupsAPI
from tui.backend.openstack.server_interfaces import ServerInterfacesAPI
from tui.backend.openstack.server_maintenance import ServerMaintenanceAPI
from tui.backend.openstack.services import ServicesAPI
from tui.backend.openstack.volume import VolumeAPI
from tui.backend.openstack.volume_operations import VolumeOperationsAPI
from tui.backend.openstack.volume_types import VolumeTypesAPI


class OpenStackBackend(
    CellsAPI,  # servers in a cell that is down
    ComputeAPI,
    # Neutron's writes, before the reads they build on: routers and ports (which build on
    # networks and subnets), security groups and rules, networks and subnets
    RouterWritesAPI,
    SecurityWritesAPI,
    NetworkWritesAPI,
    NetworkAPI,
    # Cinder's per-volume operations, before the volumes they build on
    VolumeOperationsAPI,
    VolumeAPI,
    ImageAPI,
    IdentityAPI,
    AgentsAPI,
    ServicesAPI,
    # aggregates, zones, quotas
    AggregatesAPI,
    QuotaClassesAPI,  # quota defaults and the projects that differ from them
    QuotasAPI,
    # -- telemetry and the raw API browser
    MetricAPI,
    RawAPI,
    # -- health overview and volume pools (overview helper)
    HealthAPI,
    PoolsAPI,
    # -- images and flavors --
    FlavorsAPI,
    # optional services (Heat, Swift)
    OrchestrationAPI,
    ObjectStoreAPI,
    # moving servers, migrations, instance actions
    MovesAPI,
    # keypairs: import, delete (a new pair is made locally)
    KeypairWritesAPI,
    # a server's network interfaces, Nova's server groups
    ServerInterfacesAPI,
    ServerGroupsAPI,
    # a server's maintenance: rebuild, snapshot image, rescue, metadata, tags, diagnostics
    ServerMaintenanceAPI,
    # Cinder volume types and QoS specs
    VolumeTypesAPI,
):
    """A cloud from clouds.yaml / OS_* env, reached through openstacksdk."""


__all__ = ["OpenStackBackend", "error_message", "translate_exception"]
