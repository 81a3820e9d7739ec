"""Requests per screen against devcloud: what one load and one `r` refresh of each main list
send, counted where every request leaves the backend (`on_request`), each kept under a bound;
then more rows are made (networks, ports, routers, floating IPs, projects, flavors, server
groups, security groups) and the counts stay under the same bounds: they do not grow with
the rows (names come from one listing per kind, never a request per row).

The counts are printed as the table of docs/performance.md ("Requests per screen"). Once per
session costs (keystone's token, each service's version discovery) are paid before counting.
"""

from __future__ import annotations

import asyncio
import uuid
from collections import Counter
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

import pytest

from tests.app_helpers import settle
from tui.app import StackdeckApp
from tui.backend.openstack import OpenStackBackend
from tui.config import Settings
from tui.screens.resource import ResourceScreen

# screen: (most requests for one load, most for one refresh); a list of one page. A list
# naming ids (projects, networks, servers) may add one listing per kind when ids it has not
# seen come (other tests share devcloud): "+ n" below.
BOUNDS: dict[str, tuple[int, int]] = {
    # services and agents (each read by two checks: down, disabled), hypervisors, servers in
    # ERROR, busy servers (2 when none, 3 when some), volumes in an error state
    # (status~=error) and in transition (status~=ing, status=maintenance)
    "overview": (10, 10),
    "servers": (1 + 1, 1 + 1),
    "hypervisors": (1, 1),
    "volumes": (1 + 1, 1 + 1),
    "ports": (1 + 2, 1 + 2),
    "networks": (1 + 1, 1 + 1),
    "floating-ips": (1 + 3, 1 + 3),
    "routers": (1 + 2, 1 + 2),
    "security-groups": (1, 1),
    "projects": (1, 1),
    "migrations": (1 + 2, 1 + 2),
    "server-groups": (1 + 1, 1 + 1),
    "quotas": (6, 6),  # Nova, Neutron, Cinder: the project's and the defaults
    "flavors": (1, 1),
    "images": (1, 1),
    "compute-services": (1, 1),
    "network-agents": (1, 1),
}


class Sent:
    """Every request the backend sends, by (method, service, path)."""

    def __init__(self) -> None:
        self.calls: Counter[tuple[str, str, str]] = Counter()

    def __call__(self, method: str, service: str, path: str) -> None:
        self.calls[(method, service, path)] += 1

    def take(self) -> Counter[tuple[str, str, str]]:
        taken, self.calls = self.calls, Counter()
        return taken


async def shown(app: StackdeckApp, pilot, name: str) -> ResourceScreen:  # type: ignore[no-untyped-def]
    await settle(pilot, rounds=600)
    for _ in range(20):  # names or counts some lists fetch once the rows are in
        await pilot.pause(0.05)
    await settle(pilot, rounds=600)
    screen = app.screen
    assert isinstance(screen, ResourceScreen) and screen.resource.name == name, screen
    assert screen.error is None, screen.error
    failed = [r for r in screen.table.rows_in_view() if getattr(r, "state", "") == "error"]
    assert not failed, failed  # an overview line whose requests failed counts nothing
    return screen


@pytest.fixture(scope="module")
def counts() -> dict[str, tuple[int, int]]:
    table: dict[str, tuple[int, int]] = {}
    yield table
    print("\n| Screen | Load | Refresh (r) |\n|---|---:|---:|")
    for name, (load, refresh) in table.items():
        print(f"| {name} | {load} | {refresh} |")


async def counted(
    app: StackdeckApp, pilot, sent: Sent, table: dict[str, tuple[int, int]]
) -> list[str]:  # type: ignore[no-untyped-def]
    """Each screen's load and refresh counted into `table`; the screens over their bounds."""
    for name in BOUNDS:  # each service's versions and the names shown once, then the lists
        await pilot.press("colon", *name, "enter")
        await shown(app, pilot, name)
    sent.take()
    over: list[str] = []
    for name, (most_load, most_refresh) in BOUNDS.items():
        await pilot.press("colon", *name, "enter")
        await shown(app, pilot, name)
        load = sent.take()
        await pilot.press("r")
        await shown(app, pilot, name)
        refresh = sent.take()
        table[name] = (load.total(), refresh.total())
        if load.total() > most_load or refresh.total() > most_refresh:
            over.append(f"{name}: load {dict(load)}, refresh {dict(refresh)}")
    return over


MORE = 4  # rows of each kind made between the two rounds


def more_rows(conn: Any, tag: str) -> list[Callable[[], object]]:
    """MORE rows of each cheap kind; the calls that delete them."""
    undo: list[Callable[[], object]] = []
    public = conn.network.find_network("public")
    for n in range(MORE):
        net = conn.network.create_network(name=f"{tag}-net-{n}")
        undo.append(partial(conn.network.delete_network, net))
        subnet = conn.network.create_subnet(
            network_id=net.id, ip_version=4, cidr=f"10.{200 + n}.0.0/24", name=f"{tag}-sub-{n}"
        )
        undo.append(partial(conn.network.delete_subnet, subnet))
        port = conn.network.create_port(network_id=net.id, name=f"{tag}-port-{n}")
        undo.append(partial(conn.network.delete_port, port))
        router = conn.network.create_router(name=f"{tag}-router-{n}")
        undo.append(partial(conn.network.delete_router, router))
        if public is not None:
            fip = conn.network.create_ip(floating_network_id=public.id)
            undo.append(partial(conn.network.delete_ip, fip))
        group = conn.network.create_security_group(name=f"{tag}-sg-{n}")
        undo.append(partial(conn.network.delete_security_group, group))
        project = conn.identity.create_project(name=f"{tag}-project-{n}", domain_id="default")
        undo.append(partial(conn.identity.delete_project, project))
        flavor = conn.compute.create_flavor(name=f"{tag}-flavor-{n}", ram=64, vcpus=1, disk=1)
        undo.append(partial(conn.compute.delete_flavor, flavor))
        sgroup = conn.compute.create_server_group(name=f"{tag}-group-{n}", policy="affinity")
        undo.append(partial(conn.compute.delete_server_group, sgroup))
    return undo


async def test_requests_of_one_load_and_one_refresh_per_screen(
    devcloud: Path, counts: dict[str, tuple[int, int]]
) -> None:
    import openstack

    backend = OpenStackBackend("devcloud-admin")
    sent = Sent()
    backend.on_request = sent
    settings = Settings(cloud="devcloud-admin", refresh_seconds=0, start_resource="flavors")
    app = StackdeckApp(backend, settings)
    conn = openstack.connect(cloud="devcloud-admin")
    undo: list[Callable[[], object]] = []
    try:
        async with app.run_test(size=(160, 40)) as pilot:
            await shown(app, pilot, "flavors")
            over = await counted(app, pilot, sent, counts)
            assert not over, "\n".join(over)
            undo = await asyncio.to_thread(more_rows, conn, f"rq-{uuid.uuid4().hex[:6]}")
            more: dict[str, tuple[int, int]] = {}
            over = await counted(app, pilot, sent, more)
            print(f"\nwith {MORE} more of each kind:", more)
            assert not over, "with more rows:\n" + "\n".join(over)
    finally:
        for step in reversed(undo):
            try:
                await asyncio.to_thread(step)
            except Exception as exc:  # cleaning up: report, go on
                print(f"cleanup failed: {exc}")
