"""A server's network interfaces (`nova interface-attach` / `interface-detach`): a new port
on a network the server's project can use (at a fixed IP of one of its subnets when asked),
or an existing unbound port of the project; or one of its ports taken off. Offered in the
states Nova allows (tui/backend/states.py); the row is followed until its addresses change."""

from __future__ import annotations

import ipaddress
from typing import TYPE_CHECKING

from tui.backend.base import Backend
from tui.backend.states import allows
from tui.forms import Choice, Field, Form, Values
from tui.resource import Action
from tui.screens.resources.choices import collect
from tui.text import safe

if TYPE_CHECKING:
    from tui.backend.models import Network, Port, Server

SHOWN_CIDRS = 3
_may_detach = allows("detach_interface")


def _usable_by(network: Network, project_id: str) -> bool:
    return network.project_id == project_id or network.shared or network.external


def _attach_form(server: Server) -> Form:
    cidrs: dict[str, list[str]] = {}  # each offered network's subnets, filled as they load

    async def networks(backend: Backend, _values: Values) -> list[Choice]:
        subnets = await collect(backend.subnets())
        cidrs.clear()
        for subnet in subnets:
            cidrs.setdefault(subnet.network_id, []).append(subnet.cidr)
        usable = [n for n in await collect(backend.networks()) if _usable_by(n, server.project_id)]
        return [
            Choice(n.id, n.name or n.id, ", ".join(cidrs.get(n.id, ["no subnet"])[:SHOWN_CIDRS]))
            for n in usable
        ]

    async def free_ports(backend: Backend, _values: Values) -> list[Choice]:
        ports = await collect(backend.ports())
        return [
            Choice(p.id, p.name or p.id[:8], f"{p.ip_text or 'no address'} MAC {p.mac_address}")
            for p in ports
            if p.project_id == server.project_id and not p.device_id and not p.device_owner
        ]

    def fixed_ip(value: object, values: Values) -> str | None:
        from tui.net_values import BadValue, address  # (its models load when first used)

        try:
            found = address(str(value))
        except BadValue as error:
            return str(error)
        network_id = values.get("network_id")
        if not network_id:
            return None  # the cross-check says it needs a network
        subnets = cidrs.get(str(network_id), [])
        if not any(found in ipaddress.ip_network(c) for c in subnets):
            where = ", ".join(subnets) or "none"
            return f"{found} is in no subnet of the network chosen ({where})"
        return None

    return Form(
        title=f"Attach a network interface to {server.name}",
        description="A network (Nova makes the port) or an existing unbound port: one of them.",
        fields=(
            Field(
                "network_id",
                "Network",
                kind="choice",
                choices=networks,
                help="the project's, shared and external networks",
            ),
            Field(
                "fixed_ip",
                "Fixed IP",
                validate=fixed_ip,
                help="optional, with a network: an address of one of its subnets",
            ),
            Field(
                "port_id",
                "Existing port",
                kind="choice",
                choices=free_ports,
                help="or: an unbound port of the server's project",
            ),
        ),
        submit_label="Attach",
        check=_one_of,
    )


def _one_of(values: Values) -> dict[str, str]:
    network, port = values.get("network_id"), values.get("port_id")
    if network and port:
        return {"port_id": "a network or a port, not both"}
    if not network and not port:
        return {"network_id": "choose a network or an existing port"}
    if port and values.get("fixed_ip"):
        return {"fixed_ip": "a fixed IP goes with a network: the port keeps its own"}
    return {}


async def attach(backend: Backend, server: Server, values: Values) -> str:
    from tui.net_values import address

    fixed = values.get("fixed_ip") or ""
    return await backend.attach_interface(
        server.id,
        network_id=values.get("network_id") or "",
        port_id=values.get("port_id") or "",
        fixed_ip=str(address(fixed)) if fixed else "",
    )


def _port_choice(port: Port, names: dict[str, str]) -> Choice:
    network = names.get(port.network_id) or port.network_id[:8]
    return Choice(port.id, f"{network} {port.ip_text or 'no address'}", f"MAC {port.mac_address}")


def _detach_form(server: Server) -> Form:
    async def its_ports(backend: Backend, _values: Values) -> list[Choice]:
        ports = await collect(backend.ports(device_id=server.id))
        wanted = {p.network_id for p in ports}
        names = {n.id: n.name for n in await collect(backend.networks()) if n.id in wanted}
        return [_port_choice(p, names) for p in ports]

    return Form(
        title=f"Detach a network interface from {server.name}",
        fields=(Field("port_id", "Port", kind="choice", required=True, choices=its_ports),),
        submit_label="Detach",
    )


def _detach_plan(server: Server, values: Values) -> str:
    return safe(
        f"Detach port {values['port_id']} from {server.name}. A port Nova made for it is "
        "deleted; a port it was given stays, unbound."
    )


async def detach(backend: Backend, server: Server, values: Values) -> frozenset[str]:
    """The port's addresses: Nova detaches after answering, and the server shows them
    until it has."""
    port = await backend.port(values["port_id"])
    await backend.detach_interface(server.id, port.id)
    return frozenset(ip.ip_address for ip in port.fixed_ips)


def _detached(addresses: frozenset[str], server: Server) -> bool:
    return addresses.isdisjoint(a.addr for a in server.addresses)


SERVER_INTERFACE_ACTIONS = (
    Action(
        "attach_interface",
        "A",
        "Attach a network interface",
        attach,
        allows("attach_interface"),
        form=_attach_form,
        progress="attaching",
    ),
    Action(
        "detach_interface",
        "D",
        "Detach a network interface",
        detach,
        lambda s: _may_detach(s) and bool(s.addresses),
        confirm="yes",
        form=_detach_form,
        plan=_detach_plan,
        progress="detaching",
        until=_detached,
    ),
)
