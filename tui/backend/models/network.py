"""Neutron: networks, subnets, ports, routers, floating IPs, security groups, agents."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Self

from tui.backend.models.common import Json, as_bool, as_int, as_str


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
            id=as_str(d.get("id")),
            name=as_str(d.get("name")),
            status=as_str(d.get("status")),
            project_id=as_str(d.get("project_id") or d.get("tenant_id")),
            shared=as_bool(d.get("shared")),
            external=as_bool(d.get("router:external")),
            admin_state_up=as_bool(d.get("admin_state_up", True)),
            network_type=as_str(d.get("provider:network_type")),
            physical_network=as_str(d.get("provider:physical_network")),
            segmentation_id=as_str(d.get("provider:segmentation_id")),
            mtu=as_int(d.get("mtu")),
            subnet_ids=tuple(d.get("subnets") or ()),
            raw=d,
        )


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
            id=as_str(d.get("id")),
            name=as_str(d.get("name")),
            network_id=as_str(d.get("network_id")),
            project_id=as_str(d.get("project_id") or d.get("tenant_id")),
            cidr=as_str(d.get("cidr")),
            ip_version=as_int(d.get("ip_version")) or 4,
            gateway_ip=as_str(d.get("gateway_ip")),
            enable_dhcp=as_bool(d.get("enable_dhcp")),
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
            id=as_str(d.get("id")),
            name=as_str(d.get("name")),
            network_id=as_str(d.get("network_id")),
            project_id=as_str(d.get("project_id") or d.get("tenant_id")),
            mac_address=as_str(d.get("mac_address")),
            status=as_str(d.get("status")),
            admin_state_up=as_bool(d.get("admin_state_up", True)),
            device_id=as_str(d.get("device_id")),
            device_owner=as_str(d.get("device_owner")),
            fixed_ips=tuple(
                FixedIP(as_str(ip.get("subnet_id")), as_str(ip.get("ip_address")))
                for ip in d.get("fixed_ips") or ()
            ),
            security_group_ids=tuple(d.get("security_groups") or ()),
            binding_host=as_str(d.get("binding:host_id")),
            vif_type=as_str(d.get("binding:vif_type")),
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
            id=as_str(d.get("id")),
            name=as_str(d.get("name")),
            project_id=as_str(d.get("project_id") or d.get("tenant_id")),
            status=as_str(d.get("status")),
            admin_state_up=as_bool(d.get("admin_state_up", True)),
            external_network_id=as_str(gateway.get("network_id")),
            external_ips=tuple(
                as_str(ip.get("ip_address")) for ip in gateway.get("external_fixed_ips") or ()
            ),
            distributed=as_bool(d.get("distributed")),
            ha=as_bool(d.get("ha")),
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
        owner = as_str(details.get("device_owner"))
        return cls(
            id=as_str(d.get("id")),
            address=as_str(d.get("floating_ip_address")),
            fixed_ip=as_str(d.get("fixed_ip_address")),
            port_id=as_str(d.get("port_id")),
            network_id=as_str(d.get("floating_network_id")),
            router_id=as_str(d.get("router_id")),
            project_id=as_str(d.get("project_id") or d.get("tenant_id")),
            status=as_str(d.get("status")),
            server_id=as_str(details.get("device_id")) if owner.startswith("compute:") else "",
            description=as_str(d.get("description")),
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
            return None if value is None else as_int(value)

        return cls(
            id=as_str(d.get("id")),
            security_group_id=as_str(d.get("security_group_id")),
            direction=as_str(d.get("direction")),
            ethertype=as_str(d.get("ethertype")),
            protocol=as_str(d.get("protocol")),
            port_range_min=port(d.get("port_range_min")),
            port_range_max=port(d.get("port_range_max")),
            remote_ip_prefix=as_str(d.get("remote_ip_prefix")),
            remote_group_id=as_str(d.get("remote_group_id")),
            description=as_str(d.get("description")),
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
            id=as_str(d.get("id")),
            name=as_str(d.get("name")),
            project_id=as_str(d.get("project_id") or d.get("tenant_id")),
            description=as_str(d.get("description")),
            stateful=as_bool(d.get("stateful", True)),
            rules=tuple(SecurityGroupRule.from_api(r) for r in d.get("security_group_rules") or ()),
            raw=d,
        )


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
            id=as_str(d.get("id")),
            agent_type=as_str(d.get("agent_type")),
            binary=as_str(d.get("binary")),
            host=as_str(d.get("host")),
            alive=as_bool(d.get("alive")),
            admin_state_up=as_bool(d.get("admin_state_up", True)),
            availability_zone=as_str(d.get("availability_zone")),
            heartbeat=as_str(d.get("heartbeat_timestamp")),
            raw=d,
        )

    @property
    def name(self) -> str:
        return f"{self.binary}@{self.host}"


def agent_hosts(agents: Iterable[NetworkAgent]) -> list[str]:
    """The hosts of some agents, live and enabled agents first, without duplicates."""
    ordered = sorted(
        (a for a in agents if a.host), key=lambda a: (not a.alive, not a.admin_state_up)
    )
    return list(dict.fromkeys(a.host for a in ordered))
