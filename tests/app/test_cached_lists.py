"""A restart shows the last-seen rows at once, marked stale with their age, before the cloud
answers; the live list replaces them; actions on a stale row are refused until then."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest

from tests.app_helpers import screen_text, settle, wait_for
from tui.app import StackdeckApp
from tui.backend.errors import ConnectionLost
from tui.backend.memory import MemoryBackend
from tui.backend.memory.clock import FIXED
from tui.backend.models import Server
from tui.config import Settings
from tui.screens.resource import ResourceScreen


class HeldBackend(MemoryBackend):
    """The memory cloud whose server list waits until the test lets it answer."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.answer = asyncio.Event()
        self.lists = 0
        self.failure: Exception | None = None

    async def servers(self, **kwargs: Any) -> AsyncIterator[list[Server]]:  # type: ignore[override]
        self.lists += 1
        await self.answer.wait()
        if self.failure is not None:
            raise self.failure
        async for page in super().servers(**kwargs):
            yield page


def cached_app(backend: MemoryBackend, **settings: Any) -> StackdeckApp:
    # not the demo: the memory cloud stands for a real one here, so its lists are cached
    options = {"refresh_seconds": 0, "start_resource": "servers", **settings}
    return StackdeckApp(backend, Settings(**options))


async def _first_start() -> list[str]:
    """A first start that lists the servers and leaves them in the cache."""
    app = cached_app(MemoryBackend(servers=12, clock=FIXED))
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ResourceScreen)
        names = sorted(r.name for r in screen.table.rows_in_view())
        await app.workers.wait_for_complete()
    return names


async def test_a_restart_shows_the_cached_rows_before_the_cloud_answers() -> None:
    names = await _first_start()
    backend = HeldBackend(servers=12, clock=FIXED)
    app = cached_app(backend)
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, ResourceScreen) and backend.lists)
        screen = app.screen
        assert isinstance(screen, ResourceScreen)
        await wait_for(pilot, lambda: screen.table.total_count == len(names))
        assert sorted(r.name for r in screen.table.rows_in_view()) == names
        assert not backend.answer.is_set()  # shown before the cloud answered
        text = screen_text(pilot)
        assert "cached 0 s ago — refreshing…" in text or "cached 1 s ago — refreshing…" in text
        assert screen.table.has_class("-stale")

        # an action on a stale row is refused, and says why
        await pilot.press("o")
        await pilot.pause()
        said = [n.message for n in app._notifications]
        assert any("is from the cache" in m and "wait for the refresh" in m for m in said), said
        assert backend.writes == []

        backend.answer.set()
        await settle(pilot)
        await wait_for(pilot, lambda: screen.stale_since is None)
        assert not screen.table.has_class("-stale")
        assert "cached" not in screen_text(pilot)
        assert screen.table.total_count == len(names)


async def test_an_unreachable_cloud_keeps_the_stale_rows_with_the_error() -> None:
    names = await _first_start()
    backend = HeldBackend(servers=12, clock=FIXED)
    app = cached_app(backend)
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, ResourceScreen) and backend.lists)
        screen = app.screen
        assert isinstance(screen, ResourceScreen)
        await wait_for(pilot, lambda: screen.table.total_count == len(names))
        backend.failure = ConnectionLost("Could not reach Nova", operation="list servers")
        backend.answer.set()
        await settle(pilot)
        assert screen.table.total_count == len(names)
        text = screen_text(pilot)
        assert "cached" in text and "✖ list servers" in text
        assert screen.stale_since is not None  # still what was there, still refused


async def test_no_cache_and_the_demo_show_no_cached_rows() -> None:
    await _first_start()
    for settings in ({"cache": False}, {"demo": True}):
        backend = HeldBackend(servers=12, clock=FIXED)
        app = cached_app(backend, **settings)
        async with app.run_test(size=(120, 30)) as pilot:
            await wait_for(pilot, lambda b=backend: b.lists)
            await pilot.pause(0.1)
            screen = app.screen
            assert isinstance(screen, ResourceScreen)
            assert screen.table.total_count == 0, settings
            backend.answer.set()
            await settle(pilot)


async def test_a_cached_row_is_refused_through_the_palette_too() -> None:
    await _first_start()
    backend = HeldBackend(servers=12, clock=FIXED)
    app = cached_app(backend)
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, ResourceScreen) and backend.lists)
        screen = app.screen
        assert isinstance(screen, ResourceScreen)
        await wait_for(pilot, lambda: screen.table.total_count > 0)
        screen.action_act("stop")
        await pilot.pause()
        assert any("is from the cache" in n.message for n in app._notifications)
        backend.answer.set()
        await settle(pilot)


async def test_cache_clear_removes_the_cached_lists() -> None:
    from tui.list_cache import ListCache

    await _first_start()
    cache = ListCache()
    assert list(cache.root.glob("*.list.json"))
    app = cached_app(MemoryBackend(servers=12, clock=FIXED))
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        await app.workers.wait_for_complete()
        await pilot.press("colon", *"cache clear", "enter")
        await wait_for(pilot, lambda: not list(cache.root.glob("*.json")))
        await wait_for(
            pilot, lambda: any("cached file(s)" in n.message for n in app._notifications)
        )


def test_the_command_line_clears_the_cache(capsys: pytest.CaptureFixture[str]) -> None:
    from tui.cli import main
    from tui.list_cache import Identity, ListCache

    cache = ListCache()
    cache.remember_identity(Identity("c", "u", "p", "r"))
    assert main(["--clear-cache"]) == 0
    assert "removed 1 cached file(s)" in capsys.readouterr().out
    assert cache.last_identity("c") is None
