"""Refreshing a list keeps the operator's place: `r` and the auto-refresh ask the cloud for
what changed (servers: Nova's changes-since), merge it into the rows shown, drop deleted
rows, and keep the cursor; lists without a changes lister are listed in full and merged."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from datetime import datetime
from typing import Any

from textual.pilot import Pilot

from tests.app_helpers import demo_app, screen_text, settle, wait_for
from tui.app import StackdeckApp
from tui.backend.errors import BackendError
from tui.backend.memory import MemoryBackend
from tui.backend.memory.clock import FIXED
from tui.config import Settings
from tui.screens.resource import FULL_REFRESH_AFTER, FULL_REFRESH_EVERY, ResourceScreen


def current(app: object) -> ResourceScreen:
    screen = app.screen  # type: ignore[attr-defined]
    assert isinstance(screen, ResourceScreen)
    return screen


def counted(backend: Any, method: str) -> list[dict[str, Any]]:
    """The calls of `backend.method` from now on, by their keyword arguments."""
    calls: list[dict[str, Any]] = []
    original: Callable[..., AsyncIterator[Any]] = getattr(backend, method)

    def counting(**kwargs: Any) -> AsyncIterator[Any]:
        calls.append(kwargs)
        return original(**kwargs)

    setattr(backend, method, counting)
    return calls


async def refreshed(pilot: Pilot[None], calls: list[dict[str, Any]], key: str = "r") -> None:
    before = len(calls)
    await pilot.press(key)
    screen = current(pilot.app)
    await wait_for(pilot, lambda: len(calls) > before and not screen.fetching)
    await pilot.pause()


async def test_r_shows_the_clouds_changes_and_keeps_the_cursor() -> None:
    app = demo_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = current(app)
        backend = screen.context.backend
        calls = counted(backend, "servers")
        rows = list(screen.table.rows_in_view())
        on, renamed, deleted = rows[5], rows[8], rows[3]
        screen.table.cursor_row = 5
        screen.table.toggle_mark()
        line = screen.table.cursor_row - screen.table.scroll_offset.y
        await backend.server_action(renamed.id, "rename", name="renamed-by-the-cloud")
        await backend.server_action(deleted.id, "delete")

        await refreshed(pilot, calls)
        text = screen_text(pilot)
        assert "renamed-by-the-cloud" in text
        assert screen.table.total_count == len(rows) - 1
        assert not screen.table.has_key(deleted.id)
        assert screen.table.selected is not None and screen.table.selected.id == on.id
        assert screen.table.cursor_row - screen.table.scroll_offset.y == line - 1
        assert screen.table.is_marked(on.id)
        assert f"[{len(rows) - 1}]" in text
        assert len(calls) == 1 and isinstance(calls[0]["changes_since"], datetime)
        assert screen.table.is_flashing(renamed.id)


async def test_while_r_asks_the_cloud_the_crumbs_say_refreshing_over_the_rows_shown() -> None:
    app = demo_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = current(app)
        backend = screen.context.backend
        answer = asyncio.Event()
        listing: Callable[..., AsyncIterator[Any]] = backend.servers

        async def slow(**kwargs: Any) -> AsyncIterator[Any]:
            await answer.wait()
            async for page in listing(**kwargs):
                yield page

        backend.servers = slow
        total = screen.table.total_count
        await pilot.press("r")
        await wait_for(pilot, lambda: screen.fetching)
        await pilot.pause()
        text = screen_text(pilot)
        assert "refreshing…" in text and "loading…" not in text
        assert screen.table.total_count == total
        answer.set()
        await wait_for(pilot, lambda: not screen.fetching)
        await pilot.pause()
        assert "refreshing…" not in screen_text(pilot)


async def test_the_row_under_the_cursor_deleted_moves_the_cursor_to_its_neighbour() -> None:
    app = demo_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = current(app)
        calls = counted(screen.context.backend, "servers")
        rows = list(screen.table.rows_in_view())
        screen.table.cursor_row = 4
        await screen.context.backend.server_action(rows[4].id, "delete")
        await refreshed(pilot, calls)
        assert screen.table.selected is not None and screen.table.selected.id == rows[5].id
        assert "changes_since" in calls[0]


async def test_every_so_many_refreshes_one_lists_everything() -> None:
    app = demo_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = current(app)
        calls = counted(screen.context.backend, "servers")
        screen._by_changes = FULL_REFRESH_EVERY - 1
        await refreshed(pilot, calls)
        await refreshed(pilot, calls)
        assert [c.get("changes_since") is not None for c in calls] == [True, False]
        await refreshed(pilot, calls)
        assert calls[-1].get("changes_since") is not None


async def test_a_refresh_long_after_the_last_full_list_lists_everything() -> None:
    app = demo_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = current(app)
        calls = counted(screen.context.backend, "servers")
        await refreshed(pilot, calls)
        screen._full_at -= FULL_REFRESH_AFTER + 1
        await refreshed(pilot, calls)
        await refreshed(pilot, calls)
        assert [c.get("changes_since") is not None for c in calls] == [True, False, True]


async def test_f5_lists_everything_and_sees_an_address_changed_from_outside() -> None:
    app = demo_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = current(app)
        backend = screen.context.backend
        calls = counted(backend, "servers")
        server = next(r for r in screen.table.rows_in_view() if r.addresses)
        cloud = backend._cloud  # type: ignore[attr-defined]
        cloud._readdress(cloud.servers.get(server.id), {})  # Nova's cache: not a change

        def shown() -> Any:
            return next(r for r in screen.table.loaded_rows() if r.id == server.id)

        await refreshed(pilot, calls)
        assert shown().addresses, "changes-since does not see it"
        await refreshed(pilot, calls, key="f5")
        assert not shown().addresses
        assert [c.get("changes_since") is not None for c in calls] == [True, False]


async def deletable(backend: Any, volumes: list[Any]) -> Any:
    """The first of `volumes` the cloud deletes (one without snapshots, not attached)."""
    for volume in volumes:
        try:
            await backend.delete_volume(volume.id)
        except BackendError:
            continue
        return volume
    raise AssertionError("no volume could be deleted")


async def test_a_list_without_changes_is_listed_in_full_and_merged() -> None:
    app = demo_app(start="volumes")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = current(app)
        backend = screen.context.backend
        calls = counted(backend, "volumes")
        rows = list(screen.table.rows_in_view())
        keep = rows[2]
        screen.table.cursor_row = 2
        gone = await deletable(backend, [v for v in rows if v.id != keep.id])
        await refreshed(pilot, calls)
        assert not screen.table.has_key(gone.id)
        assert screen.table.total_count == len(rows) - 1
        assert screen.table.selected is not None and screen.table.selected.id == keep.id
        assert len(calls) == 1


async def test_auto_refresh_at_the_resources_interval_and_paused_with_full_stop() -> None:
    backend = MemoryBackend(servers=40, clock=FIXED)
    settings = Settings(demo=True, refresh_seconds=0, start_resource="servers")
    settings.refresh = {"servers": 0.2}
    app = StackdeckApp(backend, settings)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = current(app)
        calls = counted(backend, "servers")
        assert "⟳ every 0.2s" in screen_text(pilot)
        await wait_for(pilot, lambda: len(calls) >= 2)
        assert all(c.get("changes_since") is not None for c in calls)
        await pilot.press("full_stop")
        await wait_for(pilot, lambda: not screen.fetching)
        paused_at = len(calls)
        await pilot.pause(0.6)
        assert len(calls) == paused_at
        assert "⟳ paused" in screen_text(pilot)
        await pilot.press("full_stop")
        await wait_for(pilot, lambda: len(calls) > paused_at)


async def test_pause_says_how_to_turn_auto_refresh_on_when_it_is_off() -> None:
    app = demo_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("full_stop")
        said = "Auto-refresh is off for servers"
        await wait_for(pilot, lambda: any(said in n.message for n in app._notifications))
        assert not current(app).refresh_paused
