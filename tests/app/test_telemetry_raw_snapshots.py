"""SVG snapshots of the telemetry screens and the raw API browser at 80x24 and 120x40."""

from __future__ import annotations

from typing import Any

import pytest
from textual.pilot import Pilot

from tests.app.test_telemetry_raw_screens import command, open_measures
from tests.app_helpers import demo_app, select, settle, wait_for
from tui.screens.raw import RawScreen

SIZES = [(80, 24), (120, 40)]


async def metrics(pilot: Pilot[None]) -> None:
    await command(pilot, "metrics")


async def measures(pilot: Pilot[None]) -> None:
    await open_measures(pilot, "web-01")


async def raw_json(pilot: Pilot[None]) -> None:
    await command(pilot, "raw")
    await select(pilot, "compute public")
    await pilot.press("enter")
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, RawScreen)
    screen.path_input.value = "/os-hypervisors"
    await pilot.press("enter")
    await wait_for(pilot, lambda: screen.requests == 1 and not screen.fetching)


SCENES = {"metrics": metrics, "measures": measures, "raw_json": raw_json}


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("scene", list(SCENES))
async def test_telemetry_raw(svg_snapshot: Any, scene: str, size: tuple[int, int]) -> None:
    app = demo_app()
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await SCENES[scene](pilot)
        await pilot.pause(0.3)
        assert app.export_screenshot() == svg_snapshot


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
async def test_no_telemetry_service(svg_snapshot: Any, size: tuple[int, int]) -> None:
    app = demo_app(services=("compute", "identity", "image", "network", "metering"))
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await metrics(pilot)
        await pilot.pause(0.3)
        assert app.export_screenshot() == svg_snapshot
