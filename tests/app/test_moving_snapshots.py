"""SVG snapshots of moving servers: the live-migrate form (target hosts with what they have
free), :migrations with a live migration in progress, a server's history, where-is."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from tests.app.test_snapshots import SIZES
from tests.app_helpers import demo_app, select, settle
from tui.backend.memory import MemoryBackend
from tui.names import Names

Setup = Callable[[MemoryBackend, Names], Awaitable[None]]


async def server_id(backend: MemoryBackend, names: Names, name: str) -> str:
    async for page in backend.servers(all_projects=True):
        for s in page:
            if s.name == name:
                names.servers[s.id] = s.name  # known already: no lookup that steps a move
                return s.id
    raise AssertionError(name)


async def nothing(backend: MemoryBackend, names: Names) -> None:
    return None


async def live_migration_in_progress(backend: MemoryBackend, names: Names) -> None:
    """web-01 half-way to compute2 (held there: no poll moves it on), and a finished cold
    migration of api-04 before it."""
    api = await server_id(backend, names, "api-04")
    await backend.migrate(api, "compute1")
    await backend.server(api)
    await backend.confirm_resize(api)
    web = await server_id(backend, names, "web-01")
    await backend.live_migrate(web, "compute2")
    backend._cloud.moves.pop(web)
    record = backend._cloud.migrations[-1]
    total = record["memory_total_bytes"]
    record.update(memory_processed_bytes=total * 2 // 5, memory_remaining_bytes=total * 3 // 5)


async def history(backend: MemoryBackend, names: Names) -> None:
    web = await server_id(backend, names, "web-01")
    await backend.server_action(web, "stop")
    await backend.server_action(web, "start")
    await backend.migrate(web, "compute2")
    await backend.server(web)
    await backend.confirm_resize(web)
    await backend.live_migrate(web, "compute1")
    for _ in range(3):
        await backend.server(web)


async def shoot(size: tuple[int, int], setup: Setup, row: str, keys: tuple[str, ...]) -> str:
    app = demo_app()
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await setup(app.backend, app.context.names)
        await pilot.press("r")
        await settle(pilot)
        if row:
            await select(pilot, row)
        for key in keys:
            if key.startswith(":"):
                await pilot.press("colon", *key[1:], "enter")
            else:
                await pilot.press(key)
            await settle(pilot)
        await pilot.pause(0.4)
        return app.export_screenshot()


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize(
    ("setup", "row", "keys"),
    [
        pytest.param(nothing, "web-01", ("m",), id="live_migrate_form"),
        pytest.param(live_migration_in_progress, "", (":migrations",), id="migrations"),
        pytest.param(history, "web-01", ("H",), id="server_history"),
        pytest.param(history, "web-01", ("H", "enter"), id="action_events"),
        pytest.param(nothing, "web-01", ("w",), id="where_is"),
    ],
)
async def test_moving_screen(
    svg_snapshot: Any, setup: Setup, row: str, keys: tuple[str, ...], size: tuple[int, int]
) -> None:
    assert await shoot(size, setup, row, keys) == svg_snapshot
