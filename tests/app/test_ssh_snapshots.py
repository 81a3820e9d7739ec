"""Snapshots of the SSH connect form, the terminal screen and the VNC modal (80x24, 120x40)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.app.test_ssh_screens import select, terminal_text, wait_for
from tests.app_helpers import demo_app, settle
from tui.backend.sessions import LocalPtySession
from tui.backend.ssh import SshTarget
from tui.screens.form import FormScreen
from tui.screens.vnc import VncScreen
from tui.widgets.keybar import KeyBar

SIZES = [(80, 24), (120, 40)]
GREETING = "printf 'Welcome to cirros\\n\\033[1;32mcirros@web-01\\033[0m:~$ '; sleep 60"


async def fixed_shell(target: SshTarget, cols: int, rows: int, prompt: Any) -> Any:
    return await LocalPtySession.start(["sh", "-c", GREETING], cols, rows)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
async def test_connect_form(svg_snapshot: Any, size: tuple[int, int]) -> None:
    app = demo_app()
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await select(pilot, "web-01")
        await pilot.press("s")
        await wait_for(pilot, lambda: isinstance(app.screen, FormScreen))
        await pilot.pause(0.3)
        assert app.export_screenshot() == svg_snapshot


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
async def test_terminal_screen(svg_snapshot: Any, size: tuple[int, int]) -> None:
    app = demo_app()
    app.ssh_connector = fixed_shell  # type: ignore[attr-defined]
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await select(pilot, "web-01")
        await pilot.press("s")
        await wait_for(pilot, lambda: isinstance(app.screen, FormScreen))
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: "cirros@web-01" in terminal_text(pilot))
        await wait_for(pilot, lambda: app.screen.query_one(KeyBar).shown == " ctrl+] Leave ")
        await pilot.pause(0.2)
        assert app.export_screenshot() == svg_snapshot


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
async def test_vnc_modal(svg_snapshot: Any, size: tuple[int, int]) -> None:
    app = demo_app()
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await select(pilot, "web-01")
        await pilot.press("v")
        await wait_for(pilot, lambda: isinstance(app.screen, VncScreen))
        await pilot.pause(0.3)
        assert app.export_screenshot() == svg_snapshot
