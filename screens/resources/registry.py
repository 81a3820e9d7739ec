"""Every resource stackdeck can show, by name and alias: what `:` completes over."""

from __future__ import annotations

from tui.resource import Resource
from tui.screens.resources.aggregates import (
    AGGREGATE_HOSTS,
    AGGREGATE_SERVERS,
    AGGREGATES,
    AVAILABILITY_ZONES,
    ZONE_HOSTS,
)
from tui.screens.resources.containers import CONTAINER_OBJECTS, CONTAINERS
from tui.screens.resources.flavors import FLAVOR_ACCESS, FLAVOR_EXTRA_SPECS, FLAVORS
from tui.screens.resources.floating_ips import FLOATING_IPS
from tui.screens.resources.hypervisors import HYPERVISORS
from tui.screens.resources.images import IMAGE_MEMBERS, IMAGES
from tui.screens.resources.keypairs import KEYPAIRS
from tui.screens.resources.keystone_catalog import CATALOG_SERVICES, ENDPOINTS
from tui.screens.resources.metrics import METRIC_RESOURCES, RESOURCE_METRICS
from tui.screens.resources.migrations import ACTION_EVENTS, INSTANCE_ACTIONS, MIGRATIONS
from tui.screens.resources.networks import NETWORKS, SUBNETS
from tui.screens.resources.overview import OVERVIEW
from tui.screens.resources.pools import POOLS
from tui.screens.resources.ports import PORTS
from tui.screens.resources.projects import PROJECTS
from tui.screens.resources.qos import QOS_ASSOCIATIONS, QOS_SPECS
from tui.screens.resources.quota_defaults import QUOTA_DEFAULTS
from tui.screens.resources.quota_overrides import QUOTA_OVERRIDES
from tui.screens.resources.quotas import QUOTAS
from tui.screens.resources.raw import RAW
from tui.screens.resources.roles import ROLE_ASSIGNMENTS, ROLES
from tui.screens.resources.routers import ROUTERS
from tui.screens.resources.security_groups import SECURITY_GROUP_RULES, SECURITY_GROUPS
from tui.screens.resources.server_groups import SERVER_GROUPS
from tui.screens.resources.servers import SERVERS
from tui.screens.resources.services import COMPUTE_SERVICES, NETWORK_AGENTS
from tui.screens.resources.stacks import STACK_EVENTS, STACK_RESOURCES, STACKS
from tui.screens.resources.token import TOKEN
from tui.screens.resources.transfers import VOLUME_TRANSFERS
from tui.screens.resources.users import USERS
from tui.screens.resources.volume_types import VOLUME_TYPE_ACCESS, VOLUME_TYPES
from tui.screens.resources.volumes import ATTACHMENTS, VOLUME_SNAPSHOTS, VOLUMES

RESOURCES: dict[str, Resource] = {
    r.name: r
    for r in (
        SERVERS,
        HYPERVISORS,
        PROJECTS,
        NETWORKS,
        SUBNETS,
        PORTS,
        ROUTERS,
        FLOATING_IPS,
        SECURITY_GROUPS,
        SECURITY_GROUP_RULES,
        VOLUMES,
        ATTACHMENTS,
        VOLUME_SNAPSHOTS,
        VOLUME_TRANSFERS,
        FLAVORS,
        IMAGES,
        KEYPAIRS,
        COMPUTE_SERVICES,
        NETWORK_AGENTS,
        # aggregates, zones, quotas
        AGGREGATES,
        AGGREGATE_HOSTS,
        AGGREGATE_SERVERS,
        AVAILABILITY_ZONES,
        ZONE_HOSTS,
        QUOTAS,
        QUOTA_DEFAULTS,
        QUOTA_OVERRIDES,
        # -- telemetry (Gnocchi) and the raw API browser
        METRIC_RESOURCES,
        RESOURCE_METRICS,
        RAW,
        # -- health overview and volume pools (overview helper)
        OVERVIEW,
        POOLS,
        # identity
        USERS,
        ROLES,
        ROLE_ASSIGNMENTS,
        CATALOG_SERVICES,
        ENDPOINTS,
        TOKEN,
        # -- images and flavors --
        IMAGE_MEMBERS,
        FLAVOR_EXTRA_SPECS,
        FLAVOR_ACCESS,
        # optional services (Heat, Swift)
        STACKS,
        STACK_RESOURCES,
        STACK_EVENTS,
        CONTAINERS,
        CONTAINER_OBJECTS,
        # moving servers: migrations, a server's history and its events
        MIGRATIONS,
        INSTANCE_ACTIONS,
        ACTION_EVENTS,
        # Nova's server groups
        SERVER_GROUPS,
        # Cinder volume types and QoS specs
        VOLUME_TYPES,
        VOLUME_TYPE_ACCESS,
        QOS_SPECS,
        QOS_ASSOCIATIONS,
    )
}

_BY_ALIAS: dict[str, Resource] = {
    alias: resource for resource in RESOURCES.values() for alias in resource.names()
}


def lookup(name: str) -> Resource | None:
    """The resource for a name or alias, case-insensitively, with or without a leading ':'."""
    return _BY_ALIAS.get(name.strip().lstrip(":").lower())


def completions() -> list[str]:
    """Every name and alias, resource names first, for the command line's suggester."""
    names = list(RESOURCES)
    return names + sorted(a for a in _BY_ALIAS if a not in RESOURCES)


def filter_words() -> dict[str, tuple[str, ...]]:
    """Each name and alias whose list takes filter words, with them (for completion)."""
    return {
        alias: tuple(w.word for w in resource.filter_words)
        for alias, resource in _BY_ALIAS.items()
        if resource.filter_words
    }
