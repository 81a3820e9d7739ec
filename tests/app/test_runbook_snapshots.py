"""SVG snapshots of the runbook screen: a bulk stop's preview, its progress, and a partly
failed summary, at 80x24 and 120x40."""

from __future__ import annotations

from typing import Any

import pytest

from tests.app.test_runbook_screen import SlowCloud, stoppable
from tests.app.test_snapshots import SIZES
from tests.app_helpers import demo_app, settle, wait_for
from tui.backend.errors import Conflict
from tui.backend.memory import MemoryBackend
from tui.runbook import State
from tui.runbook.bulk import NAME, bulk_params
from tui.screens.resources.servers import SERVERS
from tui.screens.runbook import RunbookScreen


async def shoot(stage: str, size: tuple[int, int]) -> str:
    app = demo_app(servers=20)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        backend = app.backend
        assert isinstance(backend, MemoryBackend)
        rows = [r for r in stoppable(app, 4)]
        shutoff = [r for r in app.screen.table.rows_in_view() if r.status == "SHUTOFF"]  # type: ignore[attr-defined]
        rows.insert(2, shutoff[0])  # skipped: not possible in state SHUTOFF
        stop = SERVERS.action("stop")
        assert stop is not None
        if stage == "summary":
            original = backend.server_action

            async def refuses(server_id: str, action: str, **args: object) -> None:
                if server_id == rows[1].id:
                    raise Conflict(
                        f"Instance {server_id} is locked", status=409, request_id="req-locked-1"
                    )
                await original(server_id, action, **args)

            backend.server_action = refuses  # type: ignore[method-assign]
        elif stage == "progress":
            SlowCloud(backend)
        runbook = await app.runbooks.plan(
            NAME, bulk_params(SERVERS, stop, rows), rows, clock=lambda: 0.0, concurrency=2
        )
        app.open_runbook(runbook)
        await wait_for(pilot, lambda: isinstance(app.screen, RunbookScreen))
        if stage != "preview":
            app.start_runbook(runbook)
        if stage == "progress":
            await wait_for(pilot, lambda: runbook.count(State.WAITING) == 2)
        if stage == "summary":
            await wait_for(pilot, lambda: runbook.finished)
        await pilot.pause(0.2)
        return app.export_screenshot()


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("stage", ["preview", "progress", "summary"])
async def test_runbook_screen(svg_snapshot: Any, stage: str, size: tuple[int, int]) -> None:
    assert await shoot(stage, size) == svg_snapshot


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
async def test_marked_servers(svg_snapshot: Any, size: tuple[int, int]) -> None:
    app = demo_app(servers=20)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await pilot.press("space", "space", "down", "space")  # the cursor rests on a marked row
        await pilot.press("up")
        await pilot.pause(0.2)
        assert app.export_screenshot() == svg_snapshot
