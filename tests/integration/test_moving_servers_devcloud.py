"""Moving a server from the keyboard on devcloud's real Nova (fake driver on compute1 and
compute2): live-migrate to the other host, cold-migrate back and confirm; then the server's
migrations, :migrations and its history show what the test did; where-is names its host."""

from __future__ import annotations

import contextlib
import time
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from tests.app_helpers import screen_text, select, settle, wait_for
from tui.app import StackdeckApp
from tui.backend.errors import NotFound
from tui.backend.models import BootSpec, Server
from tui.backend.openstack import OpenStackBackend
from tui.config import Settings
from tui.screens.confirm import ConfirmScreen
from tui.screens.describe import DescribeScreen
from tui.screens.form import FormScreen
from tui.screens.resource import ResourceScreen
from tui.widgets.picker import Picker

CIRROS = "cirros-0.6.2-x86_64-disk"
RUN = uuid.uuid4().hex[:6]
WAIT = 1200  # 50 ms rounds: a minute


async def collect(pages: AsyncIterator[list[Any]]) -> list[Any]:
    return [item async for page in pages for item in page]


@pytest.fixture
async def booted(admin: OpenStackBackend, demo: OpenStackBackend) -> AsyncIterator[Server]:
    """One ACTIVE server booted by the demo user, deleted whatever the test's outcome."""
    flavor = next(f for f in await collect(demo.flavors()) if f.name == "m1.tiny")
    image = next(i for i in await collect(demo.images()) if i.name == CIRROS)
    network = next(n for n in await collect(demo.networks()) if n.name == "demo-net")
    spec = BootSpec(
        name=f"sdmove-{RUN}", flavor_id=flavor.id, image_id=image.id, network_ids=(network.id,)
    )
    made = await demo.create_servers(spec)
    try:
        deadline = time.monotonic() + 120
        server = await admin.server(made[0].id)
        while server.status != "ACTIVE" or server.task_state:
            assert server.status != "ERROR" and time.monotonic() < deadline, server
            await _sleep(1)
            server = await admin.server(made[0].id)
        yield server
    finally:
        for s in made:
            with contextlib.suppress(NotFound):
                await admin.server_action(s.id, "delete")


async def _sleep(seconds: float) -> None:
    import asyncio

    await asyncio.sleep(seconds)


def current(app: StackdeckApp) -> ResourceScreen:
    assert isinstance(app.screen, ResourceScreen), app.screen
    return app.screen


async def confirm(pilot: Any) -> str:
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, ConfirmScreen), rounds=WAIT)
    said = " ".join(str(pilot.app.screen.body).split())
    await pilot.click("#confirm-yes")
    return said


async def test_live_migrate_then_cold_migrate_and_confirm_from_the_keyboard(
    devcloud: Path, booted: Server
) -> None:
    started = time.monotonic()
    name, source = booted.name, booted.host
    other = {"compute1": "compute2", "compute2": "compute1"}[source]
    settings = Settings(cloud="devcloud-admin", refresh_seconds=0, start_resource="servers")
    app = StackdeckApp(OpenStackBackend("devcloud-admin"), settings)
    async with app.run_test(size=(160, 40), notifications=True) as pilot:
        await settle(pilot, rounds=400)
        servers = current(app)
        await select(pilot, name)

        # live-migrate to the other host, chosen among the hosts with what they have free
        await pilot.press("m")
        await wait_for(pilot, lambda: isinstance(app.screen, FormScreen), rounds=WAIT)
        picker = app.screen.query_one("#input-host", Picker)
        await wait_for(pilot, lambda: not picker._loading, rounds=WAIT)
        assert [c.value for c in picker._choices] == ["(scheduler)", other]
        assert "vCPU free" in picker.choice(other).detail
        picker.select(other)
        await pilot.press("ctrl+s")
        said = await confirm(pilot)
        assert f"Live-migrate {name} from {source} to {other}" in said
        await wait_for(pilot, lambda: servers.table.selected.host == other, rounds=WAIT)
        await wait_for(pilot, lambda: not servers.in_flight, rounds=WAIT)
        assert servers.table.selected.status == "ACTIVE"

        # cold-migrate back (the scheduler's choice: the only other host), then confirm
        await pilot.press("c")
        await wait_for(pilot, lambda: isinstance(app.screen, FormScreen), rounds=WAIT)
        await pilot.press("ctrl+s")
        said = await confirm(pilot)
        assert f"Cold-migrate {name} (ACTIVE) from {other} to a host the scheduler" in said
        await wait_for(pilot, lambda: servers.table.selected.status == "VERIFY_RESIZE", rounds=WAIT)
        await wait_for(pilot, lambda: not servers.in_flight, rounds=WAIT)
        assert servers.table.selected.host == source
        await pilot.press("y")
        await confirm(pilot)
        await wait_for(pilot, lambda: servers.table.selected.status == "ACTIVE", rounds=WAIT)
        await wait_for(pilot, lambda: not servers.in_flight, rounds=WAIT)
        assert servers.table.selected.host == source

        # its migrations: newest first
        await pilot.press("O")
        await settle(pilot, rounds=400)
        mine = current(app)
        rows = list(mine.table.rows_in_view())
        assert [(m.type, m.status) for m in rows] == [
            ("migration", "confirmed"),
            ("live-migration", "completed"),
        ]
        assert f"{other} → {source}" in screen_text(pilot)
        await pilot.press("escape")
        await settle(pilot)

        # the cloud-wide list names the server
        await pilot.press("colon", *"mig", "enter")
        await settle(pilot, rounds=400)
        await pilot.press("slash", *name, "enter")
        await pilot.pause()
        assert current(app).table.row_count == 2
        assert f"{source} → {other}" in screen_text(pilot)

        # its history: what the test did, newest first, and a move's events
        await pilot.press("colon", *"srv", "enter")
        await settle(pilot, rounds=400)
        await select(pilot, name)
        await pilot.press("H")
        await settle(pilot, rounds=400)
        history = current(app)
        actions = [a.action for a in history.table.rows_in_view()]
        assert actions[:3] == ["confirmResize", "migrate", "live-migration"]
        assert actions[-1] == "create"
        await select(
            pilot,
            next(
                history.resource.label(a)
                for a in history.table.rows_in_view()
                if a.action == "live-migration"
            ),
        )
        await pilot.press("enter")
        await settle(pilot, rounds=400)
        events = [e.event for e in current(app).table.rows_in_view()]
        assert "compute_live_migration" in events
        assert "Success" in screen_text(pilot)

        # where is it
        await pilot.press("colon", *"srv", "enter")
        await settle(pilot, rounds=400)
        await select(pilot, name)
        await pilot.press("w")
        await wait_for(pilot, lambda: isinstance(app.screen, DescribeScreen), rounds=WAIT)
        await wait_for(pilot, lambda: "Network" in screen_text(pilot), rounds=WAIT)
        assert f"Compute host       {source}" in screen_text(pilot)
    print(f"\nmoved a server twice from the keyboard in {time.monotonic() - started:.1f}s")
