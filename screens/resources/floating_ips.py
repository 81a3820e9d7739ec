"""Floating IPs: allocate, associate to a server's port, disassociate, release (one or all)."""

from __future__ import annotations

from collections.abc import AsyncIterator

from tui.backend.base import Backend
from tui.backend.models import FloatingIP
from tui.context import Context
from tui.forms import Choice, Field, Form, Values
from tui.resource import Action, Col, Drill, Resource, Scope, attr, in_context, where
from tui.screens.resources.actions import row_call
from tui.screens.resources.choices import (
    collect,
    external_network_choices,
    project_choices,
    server_choices,
)
from tui.screens.resources.columns import name_col, project_col, state_col
from tui.screens.resources.lists import one


def list_floating_ips(backend: Backend, scope: Scope) -> AsyncIterator[list[FloatingIP]]:
    pages = backend.floating_ips(project_id=scope.get("project_id"))
    server_id = scope.get("server_id")
    return pages if server_id is None else where(pages, lambda f: f.server_id == server_id)


def allocate_form(_row: object) -> Form:
    return Form(
        title="Allocate a floating IP",
        fields=(
            Field(
                "network_id",
                "From external network",
                kind="choice",
                required=True,
                choices=external_network_choices,
            ),
            Field(
                "project_id",
                "For project",
                kind="choice",
                choices=project_choices,
                help="admin only; empty: your own project",
            ),
            Field("description", "Description"),
        ),
        submit_label="Allocate",
    )


async def allocate(backend: Backend, row: object, values: Values) -> FloatingIP:
    return await backend.allocate_floating_ip(
        values["network_id"],
        project_id=values.get("project_id") or None,
        description=values.get("description") or "",
    )


async def _port_choices(backend: Backend, values: Values) -> list[Choice]:
    """Every fixed IP of every port of the chosen server: `port_id fixed_ip` values."""
    server_id = values.get("server_id")
    if not server_id:
        return []
    ports = await collect(backend.ports(device_id=str(server_id)))
    return [
        Choice(f"{p.id} {ip.ip_address}", ip.ip_address, f"port {p.id[:8]} {p.mac_address}")
        for p in ports
        for ip in p.fixed_ips
    ]


def associate_form(fip: FloatingIP) -> Form:
    return Form(
        title=f"Associate {fip.address}",
        description="Choose the server, then which of its fixed IPs (when it has several).",
        fields=(
            Field("server_id", "Server", kind="choice", required=True, choices=server_choices),
            Field(
                "target",
                "Fixed IP (port)",
                kind="choice",
                required=True,
                choices=_port_choices,
                depends_on="server_id",
            ),
        ),
        submit_label="Associate",
    )


async def associate(backend: Backend, fip: FloatingIP, values: Values) -> FloatingIP:
    port_id, _, fixed_ip = str(values["target"]).partition(" ")
    return await backend.associate_floating_ip(fip.id, port_id, fixed_ip or None)


async def disassociate(backend: Backend, fip: FloatingIP, values: Values) -> FloatingIP:
    return await backend.disassociate_floating_ip(fip.id)


async def project_floating_ips(backend: Backend, fip: FloatingIP) -> list[str]:
    items = await collect(backend.floating_ips(project_id=fip.project_id))
    return [f"{f.id} {f.address} {f.fixed_ip or '(free)'}" for f in items]


def _release_all_message(context: Context, fip: FloatingIP) -> str:
    name = context.names.project(fip.project_id)
    project = f"{name} ({fip.project_id})" if name != fip.project_id else fip.project_id
    return f"Release every floating IP of project {project}:"


async def release_project(backend: Backend, fip: FloatingIP, values: Values) -> None:
    for item in await collect(backend.floating_ips(project_id=fip.project_id)):
        await backend.release_floating_ip(item.id)


FLOATING_IPS = Resource(
    name="floating-ips",
    title="Floating IPs",
    aliases=("floatingips", "fips", "fip", "floating", "fl"),
    columns=(
        Col("Address", attr("address"), min_width=7, max_width=39),
        state_col("Status", "status"),
        Col("Fixed IP", attr("fixed_ip"), min_width=8, max_width=39),
        name_col("Server", "server", "server_id", min_width=6, max_width=36),
        Col("Description", attr("description"), min_width=6, max_width=30),
        project_col(),
        name_col("Network", "network", "network_id", min_width=8, max_width=36),
    ),
    list=list_floating_ips,
    get=lambda b, i: b.floating_ip(i),
    label=lambda f: f.address,
    drills=(
        Drill(
            "enter",
            "servers",
            lambda f: one(f.server_id, f"server of {f.address}"),
            "The server this address points at",
        ),
        Drill("o", "ports", lambda f: one(f.port_id, f"port of {f.address}"), "The port"),
    ),
    actions=(
        Action(
            "allocate",
            "n",
            "Allocate floating IP",
            allocate,
            form=allocate_form,
            on_row=False,
            follow="list",
        ),
        Action(
            "associate",
            "A",
            "Associate to a server",
            associate,
            lambda f: not f.port_id,
            form=associate_form,
            progress="associating",
        ),
        Action(
            "disassociate",
            "D",
            "Disassociate",
            disassociate,
            lambda f: bool(f.port_id),
            confirm="yes",
            progress="disassociating",
        ),
        Action(
            "release",
            "ctrl+d",
            "Release",
            row_call(lambda b, fip: b.release_floating_ip(fip.id)),
            confirm="yes",
            progress="releasing",
            follow="gone",
            message=lambda f: f"Release {f.address} back to the pool.",
        ),
        Action(
            "release_project",
            "X",
            "Release all of this project",
            release_project,
            confirm="count",
            preview=project_floating_ips,
            follow="list",
            message=in_context(_release_all_message),
        ),
    ),
)
