"""What the operator asks Neutron to build: networks, subnets, routers, ports, rules.

A spec holds what was typed, already validated by its form; the backends turn it into
Neutron's request body and leave out what the operator left empty, so Neutron's own
defaults apply.
"""

from __future__ import annotations

from dataclasses import dataclass

# (start, end) of an allocation pool; (destination CIDR, next hop) of a route;
# (ip address or CIDR, mac address or "") of an allowed address pair.
Pair = tuple[str, str]


@dataclass(frozen=True, slots=True)
class NetworkSpec:
    name: str
    project_id: str = ""  # admin: create for another project
    description: str = ""
    admin_state_up: bool = True
    shared: bool = False
    external: bool = False  # router:external
    port_security: bool = True  # port_security_enabled
    mtu: int | None = None
    # admin: provider attributes; empty lets Neutron choose (tenant network types)
    network_type: str = ""
    physical_network: str = ""
    segmentation_id: int | None = None


@dataclass(frozen=True, slots=True)
class NetworkChange:
    """An edit of a network: None leaves that attribute as it is."""

    name: str | None = None
    description: str | None = None
    admin_state_up: bool | None = None
    shared: bool | None = None
    external: bool | None = None
    port_security: bool | None = None
    mtu: int | None = None


@dataclass(frozen=True, slots=True)
class SubnetSpec:
    network_id: str
    name: str = ""
    ip_version: int = 4
    cidr: str = ""  # empty with a subnetpool_id: the pool allocates one
    subnetpool_id: str = ""
    prefixlen: int | None = None  # with a subnet pool
    gateway_ip: str = ""  # empty: Neutron picks the first address
    no_gateway: bool = False  # gateway_ip null (--no-gateway)
    enable_dhcp: bool = True
    allocation_pools: tuple[Pair, ...] = ()
    dns_nameservers: tuple[str, ...] = ()
    host_routes: tuple[Pair, ...] = ()
    ipv6_ra_mode: str = ""  # slaac, dhcpv6-stateful, dhcpv6-stateless
    ipv6_address_mode: str = ""
    project_id: str = ""
    description: str = ""


@dataclass(frozen=True, slots=True)
class SubnetChange:
    """An edit of a subnet: None leaves that attribute as it is."""

    name: str | None = None
    description: str | None = None
    gateway_ip: str | None = None
    no_gateway: bool = False  # clears the gateway (gateway_ip null)
    enable_dhcp: bool | None = None
    allocation_pools: tuple[Pair, ...] | None = None
    dns_nameservers: tuple[str, ...] | None = None
    host_routes: tuple[Pair, ...] | None = None


@dataclass(frozen=True, slots=True)
class RouterSpec:
    name: str
    project_id: str = ""
    description: str = ""
    admin_state_up: bool = True
    external_network_id: str = ""  # empty: no gateway
    enable_snat: bool | None = None  # admin; None: Neutron's default (on)


@dataclass(frozen=True, slots=True)
class RouterChange:
    name: str | None = None
    description: str | None = None
    admin_state_up: bool | None = None
    routes: tuple[Pair, ...] | None = None  # static routes (destination, nexthop)


@dataclass(frozen=True, slots=True)
class PortSpec:
    network_id: str
    name: str = ""
    description: str = ""
    project_id: str = ""
    # (subnet_id, ip_address): either may be empty — a subnet alone asks Neutron for an
    # address on it, an address alone lets Neutron find its subnet
    fixed_ips: tuple[Pair, ...] = ()
    mac_address: str = ""
    security_group_ids: tuple[str, ...] | None = None  # None: the project's default group
    port_security: bool | None = None
    admin_state_up: bool = True


@dataclass(frozen=True, slots=True)
class PortChange:
    name: str | None = None
    description: str | None = None
    security_group_ids: tuple[str, ...] | None = None
    allowed_address_pairs: tuple[Pair, ...] | None = None
    port_security: bool | None = None
    admin_state_up: bool | None = None


@dataclass(frozen=True, slots=True)
class SecurityGroupRuleSpec:
    security_group_id: str
    direction: str = "ingress"  # or egress
    ethertype: str = "IPv4"  # or IPv6
    protocol: str = ""  # a name (tcp, udp, icmp, ...) or a number; empty: any
    # tcp/udp: the port range; icmp: min is the type, max the code
    port_range_min: int | None = None
    port_range_max: int | None = None
    remote_ip_prefix: str = ""
    remote_group_id: str = ""
    description: str = ""
