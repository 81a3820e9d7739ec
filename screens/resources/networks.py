"""Neutron: networks, subnets, ports, routers, security groups and their rules."""

from __future__ import annotations

from collections.abc import AsyncIterator

from tui.backend.base import Backend
from tui.backend.models import Network, Port, Router, SecurityGroup, SecurityGroupRule, Subnet
from tui.resource import Col, Drill, Resource, Row, Scope, attr, where
from tui.screens.resources.columns import count_col, project_col, state_col, yes_no
from tui.screens.resources.lists import once, one, scoped

# -- networks -------------------------------------------------------------------------------


def list_networks(backend: Backend, scope: Scope) -> AsyncIterator[list[Network]]:
    if (agent_id := scope.get("dhcp_agent")) is not None:
        return once(backend.networks_of_dhcp_agent(agent_id))
    return backend.networks()


NETWORKS = Resource(
    name="networks",
    title="Networks",
    aliases=("network", "net", "nets"),
    columns=(
        Col("Name", attr("name"), min_width=8, max_width=30),
        state_col("Status", "status"),
        Col("Type", attr("network_type"), min_width=4, max_width=8),
        Col("Seg", attr("segmentation_id"), min_width=3, max_width=8, align="right"),
        Col("Physnet", attr("physical_network"), min_width=4, max_width=12),
        Col("External", lambda n: yes_no(n.external), min_width=3, max_width=8),
        Col("Shared", lambda n: yes_no(n.shared), min_width=3, max_width=6),
        count_col("Subnets", lambda n: len(n.subnet_ids)),
        project_col(),
        Col("ID", attr("id"), min_width=8, max_width=36),
    ),
    list=list_networks,
    get=lambda b, i: b.network(i),
    drills=(
        Drill(
            "enter",
            "subnets",
            lambda n: scoped("network_id", n.id, f"network {n.name}"),
            "Subnets of this network",
        ),
        Drill(
            "o",
            "ports",
            lambda n: scoped("network_id", n.id, f"network {n.name}"),
            "Ports on this network",
        ),
        Drill(
            "A",
            "network-agents",
            lambda n: scoped("dhcp_network", n.id, f"network {n.name}"),
            "DHCP agents serving this network",
        ),
    ),
)


# -- subnets --------------------------------------------------------------------------------


def list_subnets(backend: Backend, scope: Scope) -> AsyncIterator[list[Subnet]]:
    return backend.subnets(network_id=scope.get("network_id"))


SUBNETS = Resource(
    name="subnets",
    title="Subnets",
    aliases=("subnet", "sub"),
    columns=(
        Col("Name", attr("name"), min_width=8, max_width=30),
        Col("CIDR", attr("cidr"), min_width=9, max_width=43),
        Col("Gateway", attr("gateway_ip"), min_width=7, max_width=39),
        Col("DHCP", lambda s: yes_no(s.enable_dhcp), min_width=3, max_width=4),
        Col("Pools", lambda s: ", ".join(s.allocation_pools), min_width=8, max_width=40),
        Col("Network", attr("network_id"), min_width=8, max_width=36),
        Col("ID", attr("id"), min_width=8, max_width=36),
    ),
    list=list_subnets,
    drills=(
        Drill(
            "enter",
            "networks",
            lambda s: one(s.network_id, "network of subnet"),
            "The subnet's network",
        ),
        Drill(
            "o",
            "ports",
            lambda s: scoped("network_id", s.network_id, f"network of {s.name}"),
            "Ports on the subnet's network",
        ),
    ),
)


# -- ports ----------------------------------------------------------------------------------


def list_ports(backend: Backend, scope: Scope) -> AsyncIterator[list[Port]]:
    return backend.ports(network_id=scope.get("network_id"), device_id=scope.get("device_id"))


def port_owner(port: Port) -> Scope:
    if port.device_owner.startswith("compute:"):
        return one(port.device_id, "server of port")
    return one(port.device_id, f"{port.device_owner or 'owner'} of port")


PORTS = Resource(
    name="ports",
    title="Ports",
    aliases=("port",),
    columns=(
        Col("Name", lambda p: p.name or p.id[:8], min_width=8, max_width=24),
        state_col("Status", "status"),
        Col("Fixed IPs", lambda p: p.ip_text, min_width=9, max_width=40),
        Col("MAC", attr("mac_address"), min_width=17, max_width=17),
        Col("Owner", attr("device_owner"), min_width=5, max_width=26),
        Col("Host", attr("binding_host"), min_width=4, max_width=20),
        Col("VIF", attr("vif_type"), min_width=3, max_width=10),
        Col("Device", attr("device_id"), min_width=8, max_width=36),
        Col("Network", attr("network_id"), min_width=8, max_width=36),
    ),
    list=list_ports,
    get=lambda b, i: b.port(i),
    drills=(
        Drill(
            "enter",
            "networks",
            lambda p: one(p.network_id, "network of port"),
            "The port's network",
        ),
        Drill("O", "servers", port_owner, "The server using this port"),
    ),
)


# -- routers --------------------------------------------------------------------------------


def list_routers(backend: Backend, scope: Scope) -> AsyncIterator[list[Router]]:
    if (agent_id := scope.get("l3_agent")) is not None:
        return once(backend.routers_of_l3_agent(agent_id))
    return backend.routers()


ROUTERS = Resource(
    name="routers",
    title="Routers",
    aliases=("router", "rt"),
    columns=(
        Col("Name", attr("name"), min_width=8, max_width=30),
        state_col("Status", "status"),
        Col("External IPs", lambda r: ", ".join(r.external_ips), min_width=8, max_width=40),
        Col("HA", lambda r: yes_no(r.ha), min_width=2, max_width=3),
        Col("DVR", lambda r: yes_no(r.distributed), min_width=3, max_width=3),
        Col("Gateway net", attr("external_network_id"), min_width=8, max_width=36),
        project_col(),
        Col("ID", attr("id"), min_width=8, max_width=36),
    ),
    list=list_routers,
    drills=(
        Drill(
            "enter",
            "ports",
            lambda r: scoped("device_id", r.id, f"router {r.name}"),
            "The router's ports",
        ),
        Drill(
            "x",
            "networks",
            lambda r: one(r.external_network_id, "router gateway"),
            "The external network of the gateway",
        ),
        Drill(
            "A",
            "network-agents",
            lambda r: scoped("l3_router", r.id, f"router {r.name}"),
            "L3 agents hosting this router",
        ),
    ),
)


# -- security groups and rules --------------------------------------------------------------


def list_security_groups(backend: Backend, scope: Scope) -> AsyncIterator[list[SecurityGroup]]:
    pages = backend.security_groups(project_id=scope.get("project_id"))
    names = scope.get("names")
    if names is None:
        return pages
    wanted = set(names.split(","))
    return where(pages, lambda g: g.name in wanted)


async def list_rules(backend: Backend, scope: Scope) -> AsyncIterator[list[SecurityGroupRule]]:
    group = await backend.security_group(scope.get("security_group_id") or "")
    yield list(group.rules)


def _remote(rule: SecurityGroupRule) -> str:
    if rule.remote_group_id:
        return f"group {rule.remote_group_id[:8]}"
    return rule.remote_ip_prefix or "any"


def _rules_of(group: SecurityGroup) -> Scope:
    return scoped("security_group_id", group.id, f"group {group.name}")


SECURITY_GROUPS = Resource(
    name="security-groups",
    title="Security groups",
    aliases=("secgroups", "secgroup", "sg", "sgs", "security-group", "firewall"),
    columns=(
        Col("Name", attr("name"), min_width=8, max_width=30),
        count_col("Rules", lambda g: len(g.rules)),
        Col("Stateful", lambda g: yes_no(g.stateful), min_width=3, max_width=8),
        Col("Description", attr("description"), min_width=8, max_width=40),
        project_col(),
        Col("ID", attr("id"), min_width=8, max_width=36),
    ),
    list=list_security_groups,
    get=lambda b, i: b.security_group(i),
    drills=(Drill("enter", "security-group-rules", _rules_of, "Rules of this group"),),
)


def _direction_style(row: Row) -> str:
    return "cyan" if row.direction == "ingress" else "magenta"


SECURITY_GROUP_RULES = Resource(
    name="security-group-rules",
    title="Security group rules",
    aliases=("rules", "sgr"),
    columns=(
        Col("Direction", attr("direction"), min_width=6, max_width=8, style=_direction_style),
        Col("Ether", attr("ethertype"), min_width=4, max_width=4),
        Col("Protocol", lambda r: r.protocol or "any", min_width=4, max_width=8),
        Col("Ports", lambda r: r.port_text, min_width=4, max_width=11),
        Col("Remote", _remote, min_width=6, max_width=43),
        Col("Description", attr("description"), min_width=6, max_width=30),
        Col("ID", attr("id"), min_width=8, max_width=36),
    ),
    list=list_rules,
    scope_key="security_group_id",
    reached_from="a security group in :security-groups (enter)",
)
