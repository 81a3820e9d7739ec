"""SVG snapshots of every screen at 80x24 and 120x40 (reviewed like code in snapshots/)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.app_helpers import demo_app, settle

SIZES = [(80, 24), (120, 40)]


async def shoot(keys: tuple[str, ...], size: tuple[int, int], **app_args: Any) -> str:
    app = demo_app(**app_args)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        for key in keys:
            if key.startswith(":"):
                await pilot.press("colon", *key[1:], "enter")
            else:
                await pilot.press(key)
            await settle(pilot)
        await pilot.pause(0.3)
        return app.export_screenshot()


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize(
    ("name", "keys"),
    [
        pytest.param("servers", (), id="servers"),
        pytest.param("hypervisors", ("colon", "h", "v", "enter"), id="hypervisors"),
        pytest.param("host", ("colon", "h", "v", "enter", "j", "enter"), id="host_servers"),
        pytest.param("projects", ("colon", "p", "r", "o", "j", "enter"), id="projects"),
        pytest.param("filtered", ("slash", "e", "r", "r", "o", "r"), id="filtered"),
        pytest.param("in_error", (":servers status=error",), id="servers_in_error"),
        pytest.param("describe", ("d",), id="describe"),
        pytest.param("help", ("question_mark",), id="help"),
        pytest.param("command_line", ("colon", "h", "y"), id="command_line"),
        pytest.param("networks", (":networks",), id="networks"),
        pytest.param("ports", ("down", "enter"), id="server_ports"),
        pytest.param("volumes", (":volumes",), id="volumes"),
        pytest.param("fips", (":fips",), id="floating_ips"),
        pytest.param("sg_rules", (":sg", "enter"), id="security_group_rules"),
        pytest.param("flavors", (":flavors",), id="flavors"),
        pytest.param("boot", ("n",), id="boot_form"),
        pytest.param("volume_form", (":volumes", "n"), id="volume_form"),
        pytest.param("delete", ("ctrl+d",), id="confirm_delete"),
        pytest.param("console", ("l",), id="console_log"),
    ],
)
async def test_screen(
    svg_snapshot: Any, name: str, keys: tuple[str, ...], size: tuple[int, int]
) -> None:
    assert await shoot(keys, size) == svg_snapshot


async def test_forbidden_hypervisors_80x24(svg_snapshot: Any) -> None:
    svg = await shoot(("colon", "h", "v", "enter"), (80, 24), is_admin=False)
    assert svg == svg_snapshot
