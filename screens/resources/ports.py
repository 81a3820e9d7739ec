"""Neutron ports: where a server, router or DHCP agent meets a network."""

from __future__ import annotations

from collections.abc import AsyncIterator

from tui.backend.base import Backend
from tui.backend.models import Port
from tui.resource import Col, Drill, Resource, Scope, attr
from tui.screens.resources.columns import state_col
from tui.screens.resources.lists import one


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
