"""A key whose view or action the selected row cannot serve says why, instead of nothing:
SSH without an IP, SSH by floating IP without one, a console without a host, an action the
state does not allow. `?` still lists those keys (marked "not now")."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from tests.app_helpers import demo_app, select, settle, wait_for
from tui.screens.help import HelpScreen, screen_keys
from tui.screens.resource import ResourceScreen


def notes(app: Any) -> list[str]:
    return [n.message for n in app._notifications]


async def press_and_hear(pilot: Any, key: str, said: str) -> None:
    app = pilot.app
    before = len(notes(app))
    screen = app.screen
    await pilot.press(key)
    await wait_for(pilot, lambda: len(notes(app)) > before)
    assert app.screen is screen, "the key opened something"
    assert said in notes(app)[-1], notes(app)[-1]


async def test_ssh_and_console_keys_say_why_the_server_cannot_serve_them() -> None:
    app = demo_app(servers=12)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ResourceScreen)
        await select(pilot, "search-08")  # BUILD, no address yet
        await press_and_hear(
            pilot,
            "s",
            "server search-08 has no fixed IP: SSH through the DHCP namespace needs one",
        )
        await select(pilot, "db-02")  # a fixed IP, no floating IP
        await press_and_hear(pilot, "S", "server db-02 has no floating IP — associate one with F")
        build = screen.table.selected
        screen.table.load([replace(build, host="", status="BUILD")], replace=False)
        await pilot.pause()
        await press_and_hear(pilot, "v", "server db-02 is not on a host yet (BUILD)")
        listed = {key: (text, enabled) for key, text, enabled in screen_keys(screen)}
        assert listed["s"] == ("SSH (DHCP namespace)", True)
        assert listed["S"] == ("SSH (floating IP)", False)  # shown "(not now)"
        assert listed["v"] == ("VNC console URL", False)
        await pilot.press("question_mark")
        await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen))


async def test_an_action_the_state_refuses_says_so() -> None:
    app = demo_app(servers=12)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await settle(pilot)
        await select(pilot, "api-04")  # SHUTOFF
        await press_and_hear(pilot, "p", "Pause is not available for api-04 (SHUTOFF)")
        assert app.backend.writes == []
