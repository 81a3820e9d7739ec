"""Neutron networks and their subnets."""

from __future__ import annotations

from collections.abc import AsyncIterator

from tui.backend.base import Backend
from tui.backend.models import Network, Subnet
from tui.resource import Action, Col, Drill, Resource, Scope, View, attr, in_context
from tui.screens.resources.actions import row_call
from tui.screens.resources.columns import count_col, project_col, state_col, yes_no
from tui.screens.resources.lists import once, one, scoped
from tui.screens.resources.network_forms import (
    create_network,
    create_network_form,
    create_subnet,
    create_subnet_form,
    delete_network,
    edit_network,
    edit_network_form,
    edit_subnet,
    edit_subnet_form,
    network_contents,
    subnet_ports,
)
from tui.screens.resources.network_setup import SETUP_ACTION

# -- networks -------------------------------------------------------------------------------


def list_networks(backend: Backend, scope: Scope) -> AsyncIterator[list[Network]]:
    if (agent_id := scope.get("dhcp_agent")) is not None:
        return once(backend.networks_of_dhcp_agent(agent_id))
    return backend.networks()


def namespace_shell(network: Network) -> object:
    from tui.screens.namespace_shell import network_shell

    return network_shell(network)


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
    teaches="network",
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
    actions=(
        Action(
            "create",
            "n",
            "Create network",
            create_network,
            form=in_context(create_network_form),
            on_row=False,
            follow="list",
        ),
        SETUP_ACTION,
        Action("edit", "e", "Edit network", edit_network, form=in_context(edit_network_form)),
        Action(
            "add_subnet",
            "S",
            "Add subnet",
            create_subnet,
            form=create_subnet_form,
            follow="row",
        ),
        Action(
            "delete",
            "ctrl+d",
            "Delete",
            delete_network,
            confirm="name",
            preview=network_contents,
            progress="deleting",
            follow="gone",
            message=lambda n: f"Delete network {n.name or n.id} and its subnets.",
        ),
    ),
    views=(
        View(
            "s",
            "netns-shell",
            "Shell in its DHCP namespace (network node)",
            namespace_shell,
            lambda n: bool(n.subnet_ids),
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
    get=lambda b, i: b.subnet(i),
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
    actions=(
        Action(
            "create",
            "n",
            "Create subnet",
            create_subnet,
            form=create_subnet_form,
            on_row=False,
            follow="list",
        ),
        Action("edit", "e", "Edit subnet", edit_subnet, form=edit_subnet_form),
        Action(
            "delete",
            "ctrl+d",
            "Delete",
            row_call(lambda b, subnet: b.delete_subnet(subnet.id)),
            confirm="name",
            preview=subnet_ports,
            progress="deleting",
            follow="gone",
            message=lambda s: f"Delete subnet {s.name or s.id} ({s.cidr}).",
        ),
    ),
)
