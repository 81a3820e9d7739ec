"""Ports by project: the project each port belongs to (by name), the ports of one project
(``project_id`` scope, ``P`` on a project), and their fixed IPs written to a CSV file (``X``)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from tui.backend.base import Backend
from tui.backend.errors import BackendError
from tui.backend.models import Port, Project
from tui.context import Context
from tui.export import Column, ExportError, file_slug, path_problem, write_csv
from tui.forms import Field, Form, Values
from tui.resource import Action, Scope, in_context


def list_ports(backend: Backend, scope: Scope) -> AsyncIterator[list[Port]]:
    return backend.ports(
        network_id=scope.get("network_id"),
        device_id=scope.get("device_id"),
        project_id=scope.get("project_id"),
    )


def ports_of_project(project: Project) -> Scope:
    return Scope(filters=(("project_id", project.id),), label=f"project {project.name}")


# -- the fixed IPs of the ports shown, as CSV --------------------------------------------


@dataclass(frozen=True, slots=True)
class FixedIPLine:
    """One fixed IP of a port (a port without one: one line with none), names resolved."""

    port: Port
    subnet_id: str
    ip_address: str
    project: str
    network: str
    subnet: str
    server: str


FIXED_IP_COLUMNS = (
    Column("port_id", lambda r: r.port.id),
    Column("name", lambda r: r.port.name),
    Column("project", lambda r: r.project),
    Column("project_id", lambda r: r.port.project_id),
    Column("network", lambda r: r.network),
    Column("subnet", lambda r: r.subnet),
    Column("fixed_ip", lambda r: r.ip_address),
    Column("mac_address", lambda r: r.port.mac_address),
    Column("device_owner", lambda r: r.port.device_owner),
    Column("device_id", lambda r: r.port.device_id),
    Column("server", lambda r: r.server),
    Column("status", lambda r: r.port.status),
)


def export_name(context: Context, ports: Sequence[Port]) -> str:
    """The project the rows belong to, or "all"."""
    projects = {p.project_id for p in ports}
    if len(projects) != 1:
        return "all"
    return context.names.project(projects.pop())


def default_path(context: Context, ports: Sequence[Port]) -> str:
    return f"./fixed-ips-{file_slug(export_name(context, ports))}-{date.today().isoformat()}.csv"


def _path_check(values: Values) -> dict[str, str]:
    problem = path_problem(str(values.get("path") or ""), overwrite=bool(values.get("overwrite")))
    return {"path": problem} if problem else {}


def export_form(context: Context, ports: Sequence[Port]) -> Form:
    count = sum(max(1, len(p.fixed_ips)) for p in ports)
    return Form(
        title=f"Export the fixed IPs of {len(ports)} ports ({export_name(context, ports)})",
        description=(
            f"{count} lines, one per fixed IP, of the ports the list shows (its filter and "
            "scope): port, project, network, subnet, IP, MAC, owner, device, server, status. "
            "The file is made readable by you only (mode 0600)."
        ),
        fields=(
            Field("path", "File", required=True, default=default_path(context, ports)),
            Field("overwrite", "Overwrite an existing file", kind="bool", default=False),
        ),
        check=_path_check,
        submit_label="Write CSV",
    )


async def _names_of(backend: Backend, pages: AsyncIterator[list[Any]]) -> dict[str, str]:
    """id → name of one listing; {} when it cannot be read (the ids are written)."""
    try:
        return {r.id: r.name async for page in pages for r in page}
    except BackendError:
        return {}


async def _server_names(context: Context, backend: Backend, ports: Sequence[Port]) -> None:
    """The names of the servers using the ports, from one listing when some are unknown."""
    wanted = {p.device_id for p in ports if p.device_owner.startswith("compute:")}
    if not wanted - set(context.names.servers):
        return
    projects = {p.project_id for p in ports}
    admin = context.capabilities.admin
    one = projects.pop() if len(projects) == 1 else None
    if admin and one and one != context.info.project_id:
        pages = backend.servers(all_projects=True, project_id=one)
    else:
        pages = backend.servers(all_projects=admin and one is None)
    context.names.servers.update(await _names_of(backend, pages))


async def fixed_ip_lines(
    context: Context, backend: Backend, ports: Sequence[Port]
) -> list[FixedIPLine]:
    """The CSV's lines, with network, subnet and server names from one listing each."""
    networks, subnets, _ = await asyncio.gather(
        _names_of(backend, backend.networks()),
        _names_of(backend, backend.subnets()),
        _server_names(context, backend, ports),
    )
    lines = []
    for port in ports:
        fixed = [(ip.subnet_id, ip.ip_address) for ip in port.fixed_ips] or [("", "")]
        for subnet_id, ip_address in fixed:
            lines.append(
                FixedIPLine(
                    port=port,
                    subnet_id=subnet_id,
                    ip_address=ip_address,
                    project=context.names.project(port.project_id),
                    network=networks.get(port.network_id) or port.network_id,
                    subnet=subnets.get(subnet_id) or subnet_id,
                    server=context.names.servers.get(port.device_id, "") if port.device_id else "",
                )
            )
    return lines


async def export_fixed_ips(
    context: Context, backend: Backend, ports: Sequence[Port], values: Values
) -> str:
    lines = await fixed_ip_lines(context, backend, ports)
    path, overwrite = str(values["path"]), bool(values.get("overwrite"))
    try:
        written = await asyncio.to_thread(
            write_csv, path, lines, FIXED_IP_COLUMNS, overwrite=overwrite
        )
    except ExportError as exc:
        raise BackendError(str(exc), operation="export fixed IPs") from None
    return f"{len(lines)} fixed IPs of {len(ports)} ports written to {written}"


EXPORT_FIXED_IPS = Action(
    "export_fixed_ips",
    "X",
    "Export the fixed IPs shown (CSV)",
    in_context(export_fixed_ips),
    mutating=False,
    form=in_context(export_form),
    on_row=False,
    rows=True,
    follow="none",
    accepted=lambda _rows, written: str(written),
)
