"""Snapshots of the quota defaults form, the projects whose quotas are not the defaults, and
a server list with a server in a cell that is down."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from tests.app.test_snapshots import SIZES
from tests.app_helpers import demo_app, settle, wait_for
from tui.backend.memory import MemoryBackend
from tui.screens.form import FormScreen

Setup = Callable[[MemoryBackend], Awaitable[None]]


async def nothing(backend: MemoryBackend) -> None:
    return None


async def overrides(backend: MemoryBackend) -> None:
    names = {n: i for i, n in backend.project_names().items()}
    await backend.update_quotas("network", names["demo"], {"port": 900, "floatingip": 80})
    await backend.update_quotas("compute", names["demo"], {"cores": 128})
    await backend.update_quotas("block-storage", names["ops"], {"gigabytes": -1})


async def down_cell(backend: MemoryBackend) -> None:
    backend.mark_cell_down(backend.last_servers(2))


async def shoot(setup: Setup, keys: tuple[str, ...], size: tuple[int, int]) -> str:
    app = demo_app()
    assert isinstance(app.backend, MemoryBackend)
    await setup(app.backend)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        for key in keys:
            if key.startswith(":"):
                await pilot.press("colon", *key[1:], "enter")
            else:
                await pilot.press(key)
            await settle(pilot)
        if keys and not keys[-1].startswith(":"):  # a key that opens a form, once read
            await wait_for(pilot, lambda: isinstance(app.screen, FormScreen))
        await pilot.pause(0.3)
        return app.export_screenshot()


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize(
    ("setup", "keys"),
    [
        pytest.param(nothing, (":quota-defaults", "e"), id="quota_defaults_form"),
        pytest.param(overrides, (":quota-overrides",), id="quota_overrides"),
        pytest.param(down_cell, (), id="servers_down_cell"),
    ],
)
async def test_quota_defaults_ports_cells_screen(
    svg_snapshot: Any, setup: Setup, keys: tuple[str, ...], size: tuple[int, int]
) -> None:
    assert await shoot(setup, keys, size) == svg_snapshot
