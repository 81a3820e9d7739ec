"""A bulk stop then start of two servers as runbooks against devcloud's real Nova: each
server followed until it settles, one audit line per call, tied to its runbook."""

from __future__ import annotations

import asyncio
import contextlib
import time
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

from tui.backend.audit import AuditLog
from tui.backend.errors import NotFound
from tui.backend.models import BootSpec, Server
from tui.backend.openstack import OpenStackBackend
from tui.runbook import RecipeRegistry, Runbooks, RunbookStore, State
from tui.runbook.bulk import NAME, BulkAction, bulk_params
from tui.screens.resources.registry import lookup
from tui.screens.resources.servers import SERVERS

CIRROS = "cirros-0.6.2-x86_64-disk"
PREFIX = f"rb-{uuid.uuid4().hex[:6]}"


async def first_named(pages: AsyncIterator[list[object]], name: str) -> object:
    async for page in pages:
        for item in page:
            if getattr(item, "name", None) == name:
                return item
    raise AssertionError(f"no {name}")


async def wait_status(backend: OpenStackBackend, server_id: str, status: str) -> Server:
    deadline = time.monotonic() + 120
    while True:
        server = await backend.server(server_id)
        if server.status == status and not server.task_state:
            return server
        assert time.monotonic() < deadline, f"{server.name} never {status}: {server.status}"
        await asyncio.sleep(1)


async def test_bulk_stop_then_start_of_two_servers(devcloud: Path, tmp_path: Path) -> None:
    audit = AuditLog(tmp_path / "audit.jsonl")
    backend = OpenStackBackend("devcloud-demo", audit=audit)
    await backend.connect()
    recipes = RecipeRegistry()
    recipes.register(BulkAction(lookup))
    runbooks = Runbooks(backend, recipes, RunbookStore(tmp_path / "runbooks"))
    flavor = await first_named(backend.flavors(), "m1.tiny")
    image = await first_named(backend.images(), CIRROS)
    network = await first_named(backend.networks(), "demo-net")
    spec = BootSpec(
        name=PREFIX,
        flavor_id=flavor.id,  # type: ignore[attr-defined]
        image_id=image.id,  # type: ignore[attr-defined]
        count=2,
        network_ids=(network.id,),  # type: ignore[attr-defined]
    )
    servers = await backend.create_servers(spec)
    try:
        assert len(servers) == 2
        active = [await wait_status(backend, s.id, "ACTIVE") for s in servers]

        for action, goal in (("stop", "SHUTOFF"), ("start", "ACTIVE")):
            declared = SERVERS.action(action)
            assert declared is not None
            rows = [await backend.server(s.id) for s in active]
            runbook = await runbooks.plan(NAME, bulk_params(SERVERS, declared, rows), rows)
            assert [i.state for i in runbook.items] == [State.PENDING] * 2
            runbook.start()
            summary = await asyncio.wait_for(runbook.wait(), 180)
            assert [i.key for i in summary.done] == [s.id for s in active], summary
            for server in active:
                assert (await backend.server(server.id)).status == goal
            lines = audit.of_runbook(runbook.id)
            assert sorted((r.action, r.target, r.result) for r in lines) == sorted(
                (action, f"server {s.id}", "ok") for s in active
            )
            assert all(r.request_id.startswith("req-") for r in lines)
    finally:
        for server in servers:
            with contextlib.suppress(NotFound):
                await backend.server_action(server.id, "delete")
        for server in servers:
            deadline = time.monotonic() + 90
            with contextlib.suppress(NotFound):
                while time.monotonic() < deadline:
                    await backend.server(server.id)
                    await asyncio.sleep(1)
        await backend.close()


async def test_bulk_stop_and_start_of_marked_servers_from_the_keyboard(
    devcloud: Path, tmp_path: Path
) -> None:
    """`/` filter, `+` mark all shown, `o` stop: preview, `y`, type 2; then `u` start."""
    from tests.app_helpers import screen_text, settle, wait_for
    from tui.app import StackdeckApp
    from tui.config import Settings
    from tui.screens.confirm import ConfirmScreen
    from tui.screens.resource import ResourceScreen

    prefix = f"rbk-{uuid.uuid4().hex[:6]}"
    backend = OpenStackBackend("devcloud-demo")
    await backend.connect()
    flavor = await first_named(backend.flavors(), "m1.tiny")
    image = await first_named(backend.images(), CIRROS)
    network = await first_named(backend.networks(), "demo-net")
    spec = BootSpec(
        name=prefix,
        flavor_id=flavor.id,  # type: ignore[attr-defined]
        image_id=image.id,  # type: ignore[attr-defined]
        count=2,
        network_ids=(network.id,),  # type: ignore[attr-defined]
    )
    servers = await backend.create_servers(spec)
    audit = AuditLog(tmp_path / "audit.jsonl")
    settings = Settings(cloud="devcloud-demo", refresh_seconds=0, start_resource="servers")
    app = StackdeckApp(OpenStackBackend("devcloud-demo", audit=audit), settings)
    try:
        for server in servers:
            await wait_status(backend, server.id, "ACTIVE")
        async with app.run_test(size=(140, 40), notifications=True) as pilot:
            await settle(pilot, rounds=400)
            await pilot.press("slash", *prefix, "enter")
            list_screen = app.screen
            assert isinstance(list_screen, ResourceScreen)
            await wait_for(pilot, lambda: list_screen.table.row_count == 2)
            for key, goal in (("o", "SHUTOFF"), ("u", "ACTIVE")):
                if "2 marked" not in screen_text(pilot):  # the marks outlive a run
                    await pilot.press("plus")
                    await pilot.pause(0.2)
                assert "2 marked" in screen_text(pilot)
                await pilot.press(key)
                await wait_for(pilot, lambda: "preview" in screen_text(pilot), rounds=200)
                await pilot.press("y")
                await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
                await pilot.press("2", "enter")
                await wait_for(pilot, lambda: "Finished in" in screen_text(pilot), rounds=3000)
                assert "2 done, 0 failed" in screen_text(pilot)
                for server in servers:
                    assert (await backend.server(server.id)).status == goal
                await pilot.press("escape")
                await wait_for(pilot, lambda: app.screen is list_screen)
                await pilot.press("r")
                await settle(pilot, rounds=400)
        done = [(r.action, r.target, r.result) for r in audit.records() if r.runbook]
        assert sorted(done) == sorted(
            (action, f"server {s.id}", "ok") for action in ("stop", "start") for s in servers
        )
    finally:
        for server in servers:
            with contextlib.suppress(NotFound):
                await backend.server_action(server.id, "delete")
        await backend.close()
