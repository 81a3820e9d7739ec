"""Requests per screen against devcloud: what one load and one `r` refresh of each main list
send, counted where every request leaves the backend (`on_request`), each kept under a bound.

The counts are printed as the table of docs/performance.md ("Requests per screen"). Once per
session costs (keystone's token, each service's version discovery) are paid before counting.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from tests.app_helpers import settle
from tui.app import StackdeckApp
from tui.backend.openstack import OpenStackBackend
from tui.config import Settings
from tui.screens.resource import ResourceScreen

# screen: (most requests for one load, most for one refresh); a list of one page.
BOUNDS: dict[str, tuple[int, int]] = {
    # services and agents twice (down, disabled), hypervisors, servers in ERROR, busy servers
    # (2 when none), 6 volume error states and 11 volume transitions, one status each
    "overview": (25, 25),
    "servers": (1, 1),
    "hypervisors": (1, 1),
    "volumes": (1, 1),
    "ports": (1, 1),
    "networks": (1, 1),
    "floating-ips": (1, 1),
    "routers": (1, 1),
    "security-groups": (1, 1),
    "projects": (1, 1),
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


async def test_requests_of_one_load_and_one_refresh_per_screen(
    devcloud: Path, counts: dict[str, tuple[int, int]]
) -> None:
    backend = OpenStackBackend("devcloud-admin")
    sent = Sent()
    backend.on_request = sent
    settings = Settings(cloud="devcloud-admin", refresh_seconds=0, start_resource="flavors")
    app = StackdeckApp(backend, settings)
    async with app.run_test(size=(160, 40)) as pilot:
        await shown(app, pilot, "flavors")
        for name in BOUNDS:  # each service's versions once, then the lists by themselves
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
            counts[name] = (load.total(), refresh.total())
            if load.total() > most_load or refresh.total() > most_refresh:
                over.append(f"{name}: load {dict(load)}, refresh {dict(refresh)}")
        assert not over, "\n".join(over)
