"""Building Neutron networks and subnets: the forms, what they send, what a delete says.

`create_network_form(context, row)` and `create_network(backend, row, values)` are the
create-network action's form and run, usable on their own (the network wizard offers them).
Every address field is parsed by `tui.net_values` as it is typed; the rules between fields
(a pool outside the CIDR, a gateway inside a pool, a route of the other IP version) are the
form's `check`, so nothing reaches Neutron that it would refuse for its addresses.
"""

from __future__ import annotations

from typing import Any

from tui import net_values
from tui.backend.base import Backend
from tui.backend.errors import Conflict
from tui.backend.models import (
    Network,
    NetworkChange,
    NetworkSpec,
    Port,
    Subnet,
    SubnetChange,
    SubnetSpec,
)
from tui.context import Context
from tui.forms import Choice, Field, Form, Values, valid_name
from tui.net_values import BadValue, field_check
from tui.resource import Scope
from tui.screens.resources.choices import collect, fixed, network_choices, project_choices
from tui.text import safe

SHOWN = 8  # ports or subnets named in a refusal or a confirmation
TUNNELS = ("vxlan", "geneve", "gre")
NEUTRON_TYPES = ("flat", "vlan", "vxlan", "geneve", "gre", "local")
IPV6_MODES = (
    ("slaac", "slaac"),
    ("dhcpv6-stateful", "dhcpv6-stateful"),
    ("dhcpv6-stateless", "dhcpv6-stateless"),
)


def _is_admin(context: Context) -> bool:
    return context.capabilities.admin


# -- provider choices: what the cloud shows of its ML2 configuration ------------------------


async def _provider_facts(backend: Backend) -> tuple[dict[str, int], dict[str, str]]:
    """Network types with how many networks use them; physical networks with where seen.

    No API lists ML2's type drivers: what Neutron shows is the networks' provider
    attributes (an admin sees them), and the agents' `configurations` (an OVS or Linux
    bridge agent's bridge_mappings and tunnel_types).
    """
    types: dict[str, int] = {}
    physnets: dict[str, str] = {}
    for network in await collect(backend.networks()):
        if network.network_type:
            types[network.network_type] = types.get(network.network_type, 0) + 1
        if network.physical_network:
            physnets.setdefault(network.physical_network, f"used by {network.name or network.id}")
    try:
        agents = await collect(backend.network_agents())
    except Exception:  # the agents are an extension: a cloud may not list them
        agents = []
    for agent in agents:
        config = agent.raw.get("configurations") or {}
        for tunnel in config.get("tunnel_types") or ():
            types.setdefault(str(tunnel), 0)
        for physnet in config.get("bridge_mappings") or {}:
            physnets.setdefault(str(physnet), f"bridge mapping of {agent.host}")
        for physnet in config.get("interface_mappings") or {}:
            physnets.setdefault(str(physnet), f"interface mapping of {agent.host}")
    return types, physnets


async def network_type_choices(backend: Backend, values: Values) -> list[Choice]:
    types, physnets = await _provider_facts(backend)
    choices = [Choice("", "Neutron's default", "the cloud's tenant network type")]
    seen = sorted(types, key=lambda t: (-types[t], t))
    for kind in seen:
        count = types[kind]
        detail = f"{count} network(s) use it" if count else "an agent tunnels it"
        choices.append(Choice(kind, kind, detail))
    for kind in NEUTRON_TYPES:
        if kind in types:
            continue
        if kind in ("flat", "vlan") and physnets:
            detail = "physical networks are mapped"
        else:
            detail = "not seen on this cloud: Neutron says whether ML2 allows it"
        choices.append(Choice(kind, kind, detail))
    return choices


async def physical_network_choices(backend: Backend, values: Values) -> list[Choice]:
    _, physnets = await _provider_facts(backend)
    return [Choice(name, name, where) for name, where in sorted(physnets.items())]


def _wants_physnet(values: Values) -> bool:
    return str(values.get("network_type") or "") in ("flat", "vlan")


def _wants_segment(values: Values) -> bool:
    return str(values.get("network_type") or "") in ("vlan", *TUNNELS)


# -- networks -------------------------------------------------------------------------------


def create_network_form(context: Context, _row: Any = None) -> Form:
    admin = _is_admin(context)
    fields: list[Field] = [
        Field("name", "Name", required=True, validate=valid_name),
        Field("description", "Description"),
    ]
    if admin:
        fields.append(
            Field(
                "project_id",
                "Project",
                kind="choice",
                choices=project_choices,
                help="empty: your own project",
            )
        )
    fields += [
        Field("admin_state_up", "Admin state up", kind="bool", default=True),
        Field("port_security", "Port security", kind="bool", default=True),
        Field(
            "mtu",
            "MTU",
            kind="int",
            minimum=68,
            maximum=65535,
            placeholder="Neutron's (the physical network's less the overlay)",
        ),
    ]
    if admin:
        fields += [
            Field("shared", "Shared (every project may use it)", kind="bool", default=False),
            Field("external", "External (router gateways, floating IPs)", kind="bool"),
            Field(
                "network_type",
                "Provider network type",
                kind="choice",
                choices=network_type_choices,
                help="The types come from the networks' provider attributes and the agents' "
                "tunnel types; no API lists ML2's type drivers, Neutron refuses what it lacks",
            ),
            Field(
                "physical_network",
                "Physical network",
                kind="choice",
                choices=physical_network_choices,
                visible=_wants_physnet,
                help="From the networks using one and the agents' bridge mappings",
            ),
            Field(
                "segmentation_id",
                "Segmentation ID",
                kind="int",
                minimum=1,
                maximum=16777215,
                visible=_wants_segment,
                placeholder="empty: Neutron picks a free one",
                help="VLAN 1-4094; VXLAN/Geneve/GRE up to 16777215",
            ),
        ]
    return Form(
        title="Create network",
        description=(
            "Provider attributes, sharing and external are for admins."
            if admin
            else "Shared, external and provider networks are made by an admin."
        ),
        fields=tuple(fields),
        submit_label="Create",
        check=_check_network,
    )


def _check_network(values: Values) -> dict[str, str]:
    kind = str(values.get("network_type") or "")
    segment = values.get("segmentation_id")
    if kind == "vlan" and segment is not None and not 1 <= segment <= 4094:
        return {"segmentation_id": "a VLAN ID is 1 to 4094"}
    if kind in ("flat", "vlan") and not values.get("physical_network"):
        return {"physical_network": f"a {kind} network needs its physical network"}
    return {}


async def create_network(backend: Backend, _row: Any, values: Values) -> Network:
    kind = str(values.get("network_type") or "")
    return await backend.create_network(
        NetworkSpec(
            name=values["name"],
            project_id=str(values.get("project_id") or ""),
            description=str(values.get("description") or ""),
            admin_state_up=bool(values.get("admin_state_up", True)),
            shared=bool(values.get("shared")),
            external=bool(values.get("external")),
            port_security=bool(values.get("port_security", True)),
            mtu=values.get("mtu"),
            network_type=kind,
            physical_network=str(values.get("physical_network") or "") if kind else "",
            segmentation_id=values.get("segmentation_id") if _wants_segment(values) else None,
        )
    )


def edit_network_form(context: Context, network: Network) -> Form:
    admin = _is_admin(context)
    fields = [
        Field("name", "Name", default=network.name, validate=valid_name),
        Field("description", "Description", default=network.description),
        Field("admin_state_up", "Admin state up", kind="bool", default=network.admin_state_up),
        Field("port_security", "Port security", kind="bool", default=network.port_security),
        Field("mtu", "MTU", kind="int", default=network.mtu or None, minimum=68, maximum=65535),
    ]
    if admin:
        fields += [
            Field("shared", "Shared", kind="bool", default=network.shared),
            Field("external", "External", kind="bool", default=network.external),
        ]
    return Form(
        title=f"Edit network {network.name or network.id}",
        description="Only what you change is sent.",
        fields=tuple(fields),
        submit_label="Save",
    )


async def edit_network(backend: Backend, network: Network, values: Values) -> Network:
    def changed(name: str, now: Any) -> Any:
        if name not in values:
            return None
        value = values[name]
        return None if value == now or (value in ("", None) and not now) else value

    change = NetworkChange(
        name=changed("name", network.name),
        description=changed("description", network.description),
        admin_state_up=changed("admin_state_up", network.admin_state_up),
        shared=changed("shared", network.shared),
        external=changed("external", network.external),
        port_security=changed("port_security", network.port_security),
        mtu=changed("mtu", network.mtu),
    )
    if change == NetworkChange():
        return network
    return await backend.update_network(network.id, change)


def _port_line(port: Port) -> str:
    owner = port.device_owner or "no owner"
    device = f" device {port.device_id}" if port.device_id else ""
    return safe(f"port {port.id} ({owner}{device}) {port.ip_text}".rstrip())


def _listed(lines: list[str]) -> list[str]:
    shown = [f"  {line}" for line in lines[:SHOWN]]
    if len(lines) > SHOWN:
        shown.append(f"  … and {len(lines) - SHOWN} more")
    return shown


async def _subnets_of(backend: Backend, network: Network) -> list[Subnet]:
    return await collect(backend.subnets(network_id=network.id))


async def network_contents(backend: Backend, network: Network) -> list[str]:
    """What a network holds: its subnets and ports (the confirmation says it before a delete)."""
    subnets = await _subnets_of(backend, network)
    ports = await collect(backend.ports(network_id=network.id))
    lines: list[str] = []
    if subnets:
        lines.append(f"{len(subnets)} subnet(s), deleted with it:")
        lines += _listed([safe(f"{s.name or s.id} {s.cidr}") for s in subnets])
    else:
        lines.append("No subnet.")
    in_use = [p for p in ports if p.device_owner != "network:dhcp"]
    if in_use:
        lines.append(f"{len(in_use)} port(s) in use: Neutron refuses while they are there:")
        lines += _listed([_port_line(p) for p in in_use])
    elif ports:
        lines.append(f"{len(ports)} DHCP port(s), deleted with it.")
    return lines


async def delete_network(backend: Backend, network: Network, _values: Values) -> None:
    try:
        await backend.delete_network(network.id)
    except Conflict as exc:  # NetworkInUse: say what is in the way, to clean it
        try:
            ports = await collect(backend.ports(network_id=network.id))
            subnets = await _subnets_of(backend, network)
        except Exception:
            raise exc from None
        in_use = [p for p in ports if p.device_owner != "network:dhcp"]
        lines = [exc.message]
        if in_use:
            lines.append(f"Ports in the way ({len(in_use)}):")
            lines += _listed([_port_line(p) for p in in_use])
        if subnets:
            lines.append(f"Subnets ({len(subnets)}):")
            lines += _listed([safe(f"subnet {s.id} {s.name} {s.cidr}") for s in subnets])
        exc.message = "\n".join(lines)
        raise


# -- subnets: parsing what was typed --------------------------------------------------------


def _version(values: Values) -> int:
    return 6 if str(values.get("ip_version") or "4") == "6" else 4


def check_addresses(values: Values, cidr_text: str) -> dict[str, str]:
    """The rules between a subnet's address fields; errors by field."""
    errors: dict[str, str] = {}
    version = _version(values)
    network = None
    if cidr_text:
        try:
            network = net_values.cidr(cidr_text, version)
        except BadValue as error:
            return {"cidr": str(error)}
    pools: tuple[tuple[str, str], ...] = ()
    try:
        pools = net_values.pools(str(values.get("allocation_pools") or ""), network)
        for start, _end in pools:
            net_values.address(start, version)
    except BadValue as error:
        errors["allocation_pools"] = str(error)
    gateway = str(values.get("gateway_ip") or "")
    if gateway and not values.get("no_gateway"):
        try:
            if network is not None:
                net_values.gateway(gateway, network, pools)
            else:
                net_values.address(gateway, version)
        except BadValue as error:
            errors["gateway_ip"] = str(error)
    try:
        net_values.routes(str(values.get("host_routes") or ""), version)
    except BadValue as error:
        errors["host_routes"] = str(error)
    return errors


def _pools_text(subnet: Subnet) -> str:
    return ", ".join(f"{start}-{end}" for start, end in subnet.pool_pairs)


def _routes_text(subnet: Subnet) -> str:
    return ", ".join(f"{dest} via {hop}" for dest, hop in subnet.host_routes)


def _address_fields(subnet: Subnet | None = None) -> list[Field]:
    return [
        Field(
            "no_gateway",
            "No gateway",
            kind="bool",
            default=subnet is not None and not subnet.gateway_ip,
        ),
        Field(
            "gateway_ip",
            "Gateway IP",
            default=subnet.gateway_ip if subnet else "",
            placeholder="empty: the first address of the CIDR",
            validate=field_check(net_values.address),
            visible=lambda values: not values.get("no_gateway"),
        ),
        Field(
            "enable_dhcp",
            "DHCP",
            kind="bool",
            default=subnet.enable_dhcp if subnet else True,
        ),
        Field(
            "allocation_pools",
            "Allocation pools",
            default=_pools_text(subnet) if subnet else "",
            placeholder="START-END, START-END (empty: the whole CIDR but the gateway)",
            validate=field_check(net_values.pools),
        ),
        Field(
            "dns_nameservers",
            "DNS name servers",
            default=", ".join(subnet.dns_nameservers) if subnet else "",
            placeholder="192.0.2.53, 2001:db8::53",
            validate=field_check(net_values.nameservers),
        ),
        Field(
            "host_routes",
            "Host routes",
            default=_routes_text(subnet) if subnet else "",
            placeholder="DESTINATION via NEXTHOP, e.g. 10.2.0.0/16 via 10.1.0.254",
            validate=field_check(net_values.routes),
        ),
    ]


async def subnet_pool_choices(backend: Backend, values: Values) -> list[Choice]:
    version = _version(values)
    pools = await collect(backend.subnet_pools())
    return [Choice("", "none: type a CIDR", "")] + [
        Choice(p.id, p.name or p.id, f"{', '.join(p.prefixes)} /{p.default_prefixlen}")
        for p in pools
        if p.ip_version == version
    ]


def _is_v6(values: Values) -> bool:
    return _version(values) == 6


def _network_of(row: Any) -> str:
    if isinstance(row, Network):
        return row.id
    if isinstance(row, Scope):
        return row.get("network_id") or ""
    return ""


def create_subnet_form(row: Any = None) -> Form:
    """On a network's row: a subnet of it; on :subnets: any network (preset when the list
    is one network's)."""
    network_id = _network_of(row)
    title = "Create subnet"
    if isinstance(row, Network):
        title = f"Add a subnet to {row.name or row.id}"
    fields = [
        Field(
            "network_id",
            "Network",
            kind="choice",
            required=True,
            default=network_id or None,
            choices=network_choices,
        ),
        Field("name", "Name"),
        Field(
            "ip_version",
            "IP version",
            kind="choice",
            required=True,
            default="4",
            choices=fixed(("4", "IPv4"), ("6", "IPv6")),
        ),
        Field(
            "cidr",
            "CIDR",
            placeholder="10.0.0.0/24 or fd00:1::/64",
            validate=field_check(net_values.cidr),
            help="or leave empty and take one from a subnet pool",
        ),
        Field(
            "subnetpool_id",
            "Subnet pool",
            kind="choice",
            choices=subnet_pool_choices,
            depends_on="ip_version",
        ),
        Field(
            "prefixlen",
            "Prefix length (from the pool)",
            kind="int",
            minimum=1,
            maximum=128,
            visible=lambda values: bool(values.get("subnetpool_id")),
            placeholder="the pool's default",
        ),
        *_address_fields(),
        Field(
            "ipv6_ra_mode",
            "IPv6 router advertisements",
            kind="choice",
            choices=fixed(("", "none"), *IPV6_MODES),
            visible=_is_v6,
        ),
        Field(
            "ipv6_address_mode",
            "IPv6 address mode",
            kind="choice",
            choices=fixed(("", "none"), *IPV6_MODES),
            visible=_is_v6,
        ),
        Field("description", "Description"),
    ]
    return Form(
        title=title,
        description="Addresses are checked before anything is sent.",
        fields=tuple(fields),
        submit_label="Create",
        check=_check_new_subnet,
    )


def _check_new_subnet(values: Values) -> dict[str, str]:
    cidr_text = str(values.get("cidr") or "")
    if not cidr_text and not values.get("subnetpool_id"):
        return {"cidr": "a CIDR, or a subnet pool to take one from"}
    if cidr_text and values.get("subnetpool_id"):
        return {"cidr": "a CIDR or a subnet pool, not both"}
    return check_addresses(values, cidr_text)


def _listed_values(values: Values) -> dict[str, Any]:
    version = _version(values)
    return {
        "allocation_pools": net_values.pools(str(values.get("allocation_pools") or "")),
        "dns_nameservers": net_values.nameservers(str(values.get("dns_nameservers") or "")),
        "host_routes": net_values.routes(str(values.get("host_routes") or ""), version),
    }


async def create_subnet(backend: Backend, _row: Any, values: Values) -> Subnet:
    no_gateway = bool(values.get("no_gateway"))
    return await backend.create_subnet(
        SubnetSpec(
            network_id=str(values["network_id"]),
            name=str(values.get("name") or ""),
            ip_version=_version(values),
            cidr=str(values.get("cidr") or ""),
            subnetpool_id=str(values.get("subnetpool_id") or ""),
            prefixlen=values.get("prefixlen") if values.get("subnetpool_id") else None,
            gateway_ip="" if no_gateway else str(values.get("gateway_ip") or ""),
            no_gateway=no_gateway,
            enable_dhcp=bool(values.get("enable_dhcp", True)),
            ipv6_ra_mode=str(values.get("ipv6_ra_mode") or "") if _is_v6(values) else "",
            ipv6_address_mode=str(values.get("ipv6_address_mode") or "") if _is_v6(values) else "",
            description=str(values.get("description") or ""),
            **_listed_values(values),
        )
    )


def edit_subnet_form(subnet: Subnet) -> Form:
    def check(values: Values) -> dict[str, str]:
        return check_addresses({**values, "ip_version": str(subnet.ip_version)}, subnet.cidr)

    return Form(
        title=f"Edit subnet {subnet.name or subnet.id} ({subnet.cidr})",
        description="Pools, name servers and routes are replaced by what the fields hold.",
        fields=(
            Field("name", "Name", default=subnet.name),
            *_address_fields(subnet),
            Field("description", "Description", default=subnet.description),
        ),
        submit_label="Save",
        check=check,
    )


async def edit_subnet(backend: Backend, subnet: Subnet, values: Values) -> Subnet:
    listed = _listed_values({**values, "ip_version": str(subnet.ip_version)})
    no_gateway = bool(values.get("no_gateway"))
    gateway = str(values.get("gateway_ip") or "")
    change = SubnetChange(
        name=None if values.get("name", "") == subnet.name else str(values.get("name") or ""),
        description=None
        if values.get("description", "") == subnet.description
        else str(values.get("description") or ""),
        no_gateway=no_gateway and bool(subnet.gateway_ip),
        gateway_ip=None if no_gateway or gateway in ("", subnet.gateway_ip) else gateway,
        enable_dhcp=None
        if bool(values.get("enable_dhcp")) == subnet.enable_dhcp
        else bool(values.get("enable_dhcp")),
        allocation_pools=None
        if listed["allocation_pools"] in ((), subnet.pool_pairs)
        else listed["allocation_pools"],
        dns_nameservers=None
        if listed["dns_nameservers"] == subnet.dns_nameservers
        else listed["dns_nameservers"],
        host_routes=None if listed["host_routes"] == subnet.host_routes else listed["host_routes"],
    )
    if change == SubnetChange():
        return subnet
    return await backend.update_subnet(subnet.id, change)


async def subnet_ports(backend: Backend, subnet: Subnet) -> list[str]:
    """The confirmation of a subnet's delete: the ports with an address on it."""
    ports = await collect(backend.ports(network_id=subnet.network_id))
    using = [
        p
        for p in ports
        if p.device_owner != "network:dhcp" and any(ip.subnet_id == subnet.id for ip in p.fixed_ips)
    ]
    if not using:
        return ["No port has an address on it."]
    return [
        f"{len(using)} port(s) have an address on it: Neutron refuses while they are there:",
        *_listed([_port_line(p) for p in using]),
    ]
