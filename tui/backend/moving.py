"""Questions about moving servers answered over any Backend, the same for both backends:
where a server could go (``target_hosts``) and where it is (``where_is``).

Both gather existing backend calls concurrently; nothing here talks HTTP itself.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from functools import partial
from typing import TYPE_CHECKING, Any, TypeVar

from tui.backend.errors import BackendError, Forbidden

if TYPE_CHECKING:
    from tui.backend.base import Backend
    from tui.backend.models import HostCandidate, Port, Server, Whereabouts

T = TypeVar("T")


async def collect(pages: AsyncIterator[list[T]]) -> list[T]:
    return [item async for page in pages for item in page]


async def target_hosts(backend: Backend, server: Server | str) -> list[HostCandidate]:
    """Hosts a server could move to: enabled and up compute services' hypervisors other
    than its own, with their free vCPU, RAM and disk, most free RAM first (admin)."""
    from tui.backend.models import target_hosts as pick

    if isinstance(server, str):
        server = await backend.server(server)
    hypervisors, services = await asyncio.gather(
        collect(backend.hypervisors()), collect(backend.compute_services())
    )
    return pick(server, hypervisors, services)


async def _attempt(what: str, call: Callable[[], Awaitable[T]], problems: list[str]) -> T | None:
    """One lookup of where-is: a failure is a line saying why, not the end of the answer."""
    try:
        return await call()
    except Forbidden:
        problems.append(f"{what}: needs admin rights")
    except BackendError as exc:
        problems.append(f"{what}: {exc.message}")
    return None


async def where_is(backend: Backend, server_id: str) -> Whereabouts:
    """Where one server is: compute host, hypervisor, zone, the aggregates holding the host,
    its ports with their networks, the DHCP agent hosts serving them, floating IPs.

    The lookups after the server itself run concurrently; each one that fails becomes a
    problem line and the rest still show.
    """
    from tui.backend.models import Whereabouts

    server = await backend.server(server_id)
    problems: list[str] = []
    aggregates, ports = await asyncio.gather(
        _attempt("aggregates", lambda: collect(backend.aggregates()), problems),
        _attempt("ports", lambda: collect(backend.ports(device_id=server.id)), problems),
    )
    ports = ports or []
    network_ids = sorted({p.network_id for p in ports})
    networks, agents, fips = await asyncio.gather(
        asyncio.gather(
            *(_attempt(f"network {n}", partial(backend.network, n), problems) for n in network_ids)
        ),
        asyncio.gather(
            *(
                _attempt(
                    f"DHCP agents of network {n}",
                    partial(backend.dhcp_agent_hosts, n),
                    problems,
                )
                for n in network_ids
            )
        ),
        asyncio.gather(
            *(
                _attempt(
                    f"floating IPs of port {p.id}",
                    partial(collect, backend.floating_ips(port_id=p.id)),
                    problems,
                )
                for p in ports
            )
        ),
    )
    names = {n: (net.name if net else n) for n, net in zip(network_ids, networks, strict=True)}
    lines: list[tuple[str, str]] = [
        ("Server", f"{server.name} ({server.id})"),
        ("Status", server.status + (f" ({server.task_state})" if server.task_state else "")),
        ("Compute host", server.host or "-"),
        ("Hypervisor", server.hypervisor_hostname or "-"),
        ("Availability zone", server.availability_zone or "-"),
    ]
    holding = [a for a in aggregates or () if server.host and server.host in a.hosts]
    for aggregate in holding:
        zone = f" (zone {aggregate.availability_zone})" if aggregate.availability_zone else ""
        lines.append(("Aggregate", f"{aggregate.name}{zone}"))
    if aggregates is not None and not holding:
        lines.append(("Aggregate", "-"))
    for n, hosts in zip(network_ids, agents, strict=True):
        served = ", ".join(hosts) if hosts else "no DHCP agent"
        lines.append(("Network", f"{names[n]} ({n}): DHCP on {served}"))
    for port, port_fips in zip(ports, fips, strict=True):
        lines.append(("Port", _port_line(port, names)))
        for fip in port_fips or ():
            lines.append(("Floating IP", f"{fip.address} -> {fip.fixed_ip or port.ip_text}"))
    return Whereabouts(
        server_id=server.id, name=server.name, lines=tuple(lines), problems=tuple(problems)
    )


def _port_line(port: Port, names: dict[str, Any]) -> str:
    where = f" bound to {port.binding_host}" if port.binding_host else ""
    network = names.get(port.network_id, port.network_id)
    address = port.ip_text or "-"
    return f"{address} {port.mac_address} on {network} ({port.status}){where} [{port.id}]"
