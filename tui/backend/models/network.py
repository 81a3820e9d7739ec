"""Neutron: networks, subnets, ports, routers, floating IPs, security groups, agents."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from tui.backend.models.common import FromApi, Json, api, as_int, as_str


@dataclass(frozen=True, slots=True)
class Network(FromApi):
    id: str
    name: str
    status: str
    project_id: str = field(metadata=api("project_id", "tenant_id"))
    shared: bool
    external: bool = field(metadata=api("router:external"))
    admin_state_up: bool = field(metadata=api(absent=True))
    network_type: str = field(metadata=api("provider:network_type"))
    physical_network: str = field(metadata=api("provider:physical_network"))
    segmentation_id: str = field(metadata=api("provider:segmentation_id"))
    mtu: int
    subnet_ids: tuple[str, ...] = field(metadata=api("subnets"))
    port_security: bool = field(metadata=api("port_security_enabled", absent=True))
    description: str
    raw: Json = field(default_factory=dict, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class FixedIP:
    subnet_id: str
    ip_address: str


@dataclass(frozen=True, slots=True)
class Subnet(FromApi):
    id: str
    name: str
    network_id: str
    project_id: str = field(metadata=api("project_id", "tenant_id"))
    cidr: str
    ip_version: int = field(metadata=api(get=lambda d: as_int(d.get("ip_version")) or 4))
    gateway_ip: str
    enable_dhcp: bool
    allocation_pools: tuple[str, ...] = field(
        metadata=api(  # "start-end"
            get=lambda d: (
                f"{p.get('start')}-{p.get('end')}" for p in d.get("allocation_pools") or ()
            )
        )
    )
    dns_nameservers: tuple[str, ...]
    host_routes: tuple[tuple[str, str], ...] = field(  # (destination, nexthop)
        metadata=api(
            get=lambda d: tuple(
                (as_str(r.get("destination")), as_str(r.get("nexthop")))
                for r in d.get("host_routes") or ()
            )
        )
    )
    ipv6_ra_mode: str
    ipv6_address_mode: str
    subnetpool_id: str
    description: str
    raw: Json = field(default_factory=dict, compare=False, repr=False)

    @property
    def pool_pairs(self) -> tuple[tuple[str, str], ...]:
        """The allocation pools as (start, end)."""
        return tuple(
            (as_str(p.get("start")), as_str(p.get("end")))
            for p in self.raw.get("allocation_pools") or ()
        )


@dataclass(frozen=True, slots=True)
class SubnetPool(FromApi):
    id: str
    name: str
    project_id: str = field(metadata=api("project_id", "tenant_id"))
    ip_version: int = field(metadata=api(get=lambda d: as_int(d.get("ip_version")) or 4))
    prefixes: tuple[str, ...]
    default_prefixlen: int
    min_prefixlen: int
    max_prefixlen: int
    shared: bool
    is_default: bool
    raw: Json = field(default_factory=dict, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class Port(FromApi):
    id: str
    name: str
    network_id: str
    project_id: str = field(metadata=api("project_id", "tenant_id"))
    mac_address: str
    status: str
    admin_state_up: bool = field(metadata=api(absent=True))
    device_id: str
    device_owner: str
    fixed_ips: tuple[FixedIP, ...] = field(
        metadata=api(
            get=lambda d: tuple(
                FixedIP(as_str(ip.get("subnet_id")), as_str(ip.get("ip_address")))
                for ip in d.get("fixed_ips") or ()
            )
        )
    )
    security_group_ids: tuple[str, ...] = field(metadata=api("security_groups"))
    binding_host: str = field(metadata=api("binding:host_id"))
    vif_type: str = field(metadata=api("binding:vif_type"))
    # (ip address or CIDR, mac address or "") each
    allowed_address_pairs: tuple[tuple[str, str], ...] = field(
        metadata=api(
            get=lambda d: tuple(
                (as_str(p.get("ip_address")), as_str(p.get("mac_address")))
                for p in d.get("allowed_address_pairs") or ()
            )
        )
    )
    port_security: bool = field(metadata=api("port_security_enabled", absent=True))
    description: str
    raw: Json = field(default_factory=dict, compare=False, repr=False)

    @property
    def ip_text(self) -> str:
        return ", ".join(ip.ip_address for ip in self.fixed_ips)

    @property
    def role(self) -> str:
        """What the port is to a router: "interface", "gateway", or "" for any other port."""
        return _ROUTER_ROLES.get(self.device_owner, "")


# the device_owner of a router's ports (HA and DVR interfaces are interfaces too)
_ROUTER_ROLES = {
    "network:router_interface": "interface",
    "network:ha_router_replicated_interface": "interface",
    "network:router_interface_distributed": "interface",
    "network:router_gateway": "gateway",
}


@dataclass(frozen=True, slots=True)
class Router(FromApi):
    id: str
    name: str
    project_id: str = field(metadata=api("project_id", "tenant_id"))
    status: str
    admin_state_up: bool = field(metadata=api(absent=True))
    external_network_id: str = field(metadata=api("network_id", within="external_gateway_info"))
    external_ips: tuple[str, ...] = field(
        metadata=api(
            get=lambda d: (
                as_str(ip.get("ip_address"))
                for ip in (d.get("external_gateway_info") or {}).get("external_fixed_ips") or ()
            )
        )
    )
    distributed: bool
    ha: bool
    enable_snat: bool = field(
        metadata=api("enable_snat", within="external_gateway_info", absent=False)
    )
    # static routes: (destination CIDR, next hop) each
    routes: tuple[tuple[str, str], ...] = field(
        metadata=api(
            get=lambda d: tuple(
                (as_str(r.get("destination")), as_str(r.get("nexthop")))
                for r in d.get("routes") or ()
            )
        )
    )
    description: str
    raw: Json = field(default_factory=dict, compare=False, repr=False)

    @property
    def routes_text(self) -> str:
        return ", ".join(f"{destination} via {nexthop}" for destination, nexthop in self.routes)


def _server_of_port(d: Json) -> Any:
    details = d.get("port_details") or {}
    owner = as_str(details.get("device_owner"))
    return details.get("device_id") if owner.startswith("compute:") else ""


@dataclass(frozen=True, slots=True)
class FloatingIP(FromApi):
    id: str
    address: str = field(metadata=api("floating_ip_address"))
    fixed_ip: str = field(metadata=api("fixed_ip_address"))
    port_id: str
    network_id: str = field(
        metadata=api("floating_network_id")
    )  # the external network it came from
    router_id: str
    project_id: str = field(metadata=api("project_id", "tenant_id"))
    status: str
    server_id: str = field(
        metadata=api(get=_server_of_port)
    )  # port_details.device_id of a server's port
    description: str
    raw: Json = field(default_factory=dict, compare=False, repr=False)

    @property
    def name(self) -> str:
        return self.address


def _port(value: Any) -> int | None:
    return None if value is None else as_int(value)


@dataclass(frozen=True, slots=True)
class SecurityGroupRule(FromApi):
    id: str
    security_group_id: str
    direction: str
    ethertype: str
    protocol: str
    port_range_min: int | None = field(metadata=api(get=lambda d: _port(d.get("port_range_min"))))
    port_range_max: int | None = field(metadata=api(get=lambda d: _port(d.get("port_range_max"))))
    remote_ip_prefix: str
    remote_group_id: str
    description: str
    raw: Json = field(default_factory=dict, compare=False, repr=False)

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
class SecurityGroup(FromApi):
    id: str
    name: str
    project_id: str = field(metadata=api("project_id", "tenant_id"))
    description: str
    stateful: bool = field(metadata=api(absent=True))
    rules: tuple[SecurityGroupRule, ...] = field(
        metadata=api(
            get=lambda d: tuple(
                SecurityGroupRule.from_api(r) for r in d.get("security_group_rules") or ()
            )
        )
    )
    raw: Json = field(default_factory=dict, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class NetworkAgent(FromApi):
    id: str
    agent_type: str
    binary: str
    host: str
    alive: bool
    admin_state_up: bool = field(metadata=api(absent=True))
    availability_zone: str
    heartbeat: str = field(metadata=api("heartbeat_timestamp"))
    raw: Json = field(default_factory=dict, compare=False, repr=False)

    @property
    def name(self) -> str:
        return f"{self.binary}@{self.host}"


def agent_hosts(agents: Iterable[NetworkAgent]) -> list[str]:
    """The hosts of some agents, live and enabled agents first, without duplicates."""
    ordered = sorted(
        (a for a in agents if a.host), key=lambda a: (not a.alive, not a.admin_state_up)
    )
    return list(dict.fromkeys(a.host for a in ordered))
