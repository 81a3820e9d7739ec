"""SVG snapshots of start-up's own screens: a first connection that failed, and the notice
over a terminal below 80x24."""

from __future__ import annotations

from typing import Any

from tests.app_helpers import demo_app, screen_text, settle, wait_for
from tui.app import StackdeckApp
from tui.backend.errors import ConnectionLost
from tui.backend.memory import MemoryBackend
from tui.config import Settings


async def test_connection_failed_80x24(svg_snapshot: Any) -> None:
    backend = MemoryBackend(cloud="prod", is_admin=False)

    async def refused() -> object:
        raise ConnectionLost(
            "Cannot reach the cloud: Unable to establish connection to "
            "https://keystone.example.net:5000/v3/auth/tokens: [Errno 111] Connection refused",
            operation="authenticate",
        )

    backend.connect = refused  # type: ignore[method-assign,assignment]
    app = StackdeckApp(backend, Settings(refresh_seconds=0, start_resource=""))
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: "q quit" in screen_text(pilot))
        await pilot.pause(0.3)
        assert app.export_screenshot() == svg_snapshot


async def test_small_terminal_notice_60x20(svg_snapshot: Any) -> None:
    app = demo_app()
    async with app.run_test(size=(60, 20)) as pilot:
        await settle(pilot)
        await wait_for(pilot, lambda: "too small" in screen_text(pilot))
        await pilot.pause(0.3)
        assert app.export_screenshot() == svg_snapshot
