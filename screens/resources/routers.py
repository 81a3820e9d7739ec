"""Neutron routers: their interfaces, gateway and the L3 agents hosting them."""

from __future__ import annotations

from collections.abc import AsyncIterator

from tui.backend.base import Backend
from tui.backend.models import Router
from tui.resource import Col, Drill, Resource, Scope, View, attr
from tui.screens.resources.columns import project_col, state_col, yes_no
from tui.screens.resources.lists import once, one, scoped


def list_routers(backend: Backend, scope: Scope) -> AsyncIterator[list[Router]]:
    if (agent_id := scope.get("l3_agent")) is not None:
        return once(backend.routers_of_l3_agent(agent_id))
    return backend.routers()


def namespace_shell(router: Router) -> object:
    from tui.screens.namespace_shell import router_shell

    return router_shell(router)


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
    views=(
        View("s", "netns-shell", "Shell in its qrouter namespace (network node)", namespace_shell),
    ),
)
