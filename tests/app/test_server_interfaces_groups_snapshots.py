"""Snapshots of the interface forms on a server's row (attach, detach), the server groups
list and its create form, at 80x24 and 120x40."""

from __future__ import annotations

from typing import Any

import pytest

from tests.app.test_snapshots import SIZES
from tests.app_helpers import demo_app, select, settle

size_ids = pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")


async def shoot_on(server: str, keys: tuple[str, ...], size: tuple[int, int]) -> str:
    """The screen after `keys`, pressed on the row of `server` (or on a list for ":name")."""
    app = demo_app()
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        backend: Any = app.context.backend
        await backend.create_server_group("web-spread", "anti-affinity", max_server_per_host=2)
        await backend.create_server_group("db-together", "affinity")
        if server:
            await select(pilot, server)
        for key in keys:
            if key.startswith(":"):
                await pilot.press("colon", *key[1:], "enter")
            else:
                await pilot.press(key)
            await settle(pilot)
        await pilot.pause(0.3)
        return app.export_screenshot()


@size_ids
async def test_attach_interface_form(svg_snapshot: Any, size: tuple[int, int]) -> None:
    assert await shoot_on("web-01", ("A",), size) == svg_snapshot


@size_ids
async def test_detach_interface_form(svg_snapshot: Any, size: tuple[int, int]) -> None:
    assert await shoot_on("web-01", ("D",), size) == svg_snapshot


@size_ids
async def test_server_groups_list(svg_snapshot: Any, size: tuple[int, int]) -> None:
    assert await shoot_on("", (":server-groups",), size) == svg_snapshot


@size_ids
async def test_server_group_create_form(svg_snapshot: Any, size: tuple[int, int]) -> None:
    assert await shoot_on("", (":server-groups", "n"), size) == svg_snapshot
