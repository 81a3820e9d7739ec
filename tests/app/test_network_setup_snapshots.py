"""SVG snapshots of the network setup wizard: its preview (every call, in order), and the
summary of a run refused at the interface step and rolled back, at 80x24 and 120x40."""

from __future__ import annotations

from typing import Any

import pytest

from tests.app.test_network_setup import memory, refuse_interface
from tests.app.test_snapshots import SIZES
from tests.app_helpers import demo_app, settle, wait_for
from tui.backend.memory.data import PUBLIC_NETWORK
from tui.runbook.network_setup import NAME, setup_params
from tui.screens.runbook import RunbookScreen


async def shoot(stage: str, size: tuple[int, int]) -> str:
    app = demo_app(servers=4)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        memory(app)
        if stage == "rolled-back":
            await refuse_interface(app)
        params = setup_params(
            network="private",
            subnet="private-subnet",
            cidr="10.0.0.0/24",  # overlaps the admin project's 10.0.0.0/16: said
            router="router1",
            external_id=PUBLIC_NETWORK,
            dns=["8.8.8.8"],
        )
        runbook = await app.runbooks.plan(NAME, params, clock=lambda: 0.0)
        app.open_runbook(runbook)
        await wait_for(pilot, lambda: isinstance(app.screen, RunbookScreen))
        if stage == "rolled-back":
            app.start_runbook(runbook)
            await wait_for(pilot, lambda: runbook.finished)
        await pilot.pause(0.2)
        return app.export_screenshot()


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("stage", ["preview", "rolled-back"])
async def test_network_setup_runbook(svg_snapshot: Any, stage: str, size: tuple[int, int]) -> None:
    assert await shoot(stage, size) == svg_snapshot
