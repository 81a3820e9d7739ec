"""SVG snapshots of keeping a server: the rebuild form and its confirmation (type the name),
the snapshot-image form, the rescue form, the metadata-and-tags form, and the diagnostics
facts with their CPU, NIC and disk tables."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from textual.widgets import Input

from tests.app.test_snapshots import SIZES
from tests.app_helpers import demo_app, screen_text, select, settle, wait_for
from tui.screens.describe import DescribeScreen
from tui.screens.form import FormScreen
from tui.widgets.picker import Picker


async def shoot(size: tuple[int, int], keys: tuple[str, ...], *, submit: bool = False) -> str:
    app = demo_app()
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await select(pilot, "db-02")
        for key in keys:
            await pilot.press(key)
            await settle(pilot)
        screen = app.screen
        if isinstance(screen, FormScreen):
            for picker in screen.query(Picker):
                await wait_for(pilot, lambda p=picker: not p._loading)
        if isinstance(screen, DescribeScreen):
            await wait_for(pilot, lambda: "Uptime" in screen_text(pilot))
        if submit:
            await pilot.press("ctrl+s")
            await pilot.pause(0.3)
        await pilot.pause(0.4)
        for box in app.screen.query(Input):
            box.cursor_blink = False  # a steady cursor: the shot does not hang on the timing
        await pilot.pause()
        return app.export_screenshot()


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        "tui.screens.resources.server_maintenance.now", lambda: datetime(2026, 1, 5, 9, 30)
    )


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize(
    ("keys", "submit"),
    [
        pytest.param(("ctrl+r",), False, id="rebuild_form"),
        pytest.param(("ctrl+r",), True, id="rebuild_confirmation"),
        pytest.param(("C",), False, id="snapshot_image_form"),
        pytest.param(("x",), False, id="rescue_form"),
        pytest.param(("ctrl+t",), False, id="metadata_and_tags_form"),
        pytest.param(("f",), False, id="diagnostics"),
    ],
)
async def test_server_maintenance_screen(
    svg_snapshot: Any, keys: tuple[str, ...], submit: bool, size: tuple[int, int]
) -> None:
    assert await shoot(size, keys, submit=submit) == svg_snapshot
