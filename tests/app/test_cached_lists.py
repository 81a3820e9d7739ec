"""A restart shows the last-seen rows at once, marked stale with their age, before the cloud
answers; the cloud's changes since the cached list (servers), else the live list, bring them
current; the header says the rows are cached until then; actions on a stale row are refused
until then."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from tests.app_helpers import screen_text, settle, wait_for
from tui.app import StackdeckApp
from tui.backend.errors import ConnectionLost
from tui.backend.memory import MemoryBackend
from tui.backend.memory.clock import FIXED
from tui.backend.models import BootSpec, Server
from tui.config import Settings
from tui.screens.resource import ResourceScreen


class HeldBackend(MemoryBackend):
    """The memory cloud whose server list waits until the test lets it answer."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.answer = asyncio.Event()
        self.lists = 0
        self.calls: list[dict[str, Any]] = []
        self.failure: Exception | None = None

    async def servers(self, **kwargs: Any) -> AsyncIterator[list[Server]]:  # type: ignore[override]
        self.lists += 1
        self.calls.append(kwargs)
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


async def _change_the_cloud(backend: MemoryBackend) -> dict[str, str]:
    """Delete, rename and boot a server: the cloud's servers (id: name) afterwards."""
    listed = MemoryBackend.servers  # not held
    servers = [s async for page in listed(backend, all_projects=True) for s in page]
    gone, renamed = servers[2], servers[5]
    await backend.server_action(gone.id, "delete")
    await backend.server_action(renamed.id, "rename", name="renamed-meanwhile")
    image = next(iter(backend._cloud.images)).id
    await backend.create_servers(BootSpec(name="booted-meanwhile", flavor_id="1", image_id=image))
    return {s.id: s.name async for page in listed(backend, all_projects=True) for s in page}


async def test_a_restart_catches_up_by_the_clouds_changes_only() -> None:
    names = await _first_start()
    backend = HeldBackend(servers=12, clock=FIXED)
    now = await _change_the_cloud(backend)
    app = cached_app(backend)
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, ResourceScreen) and backend.lists)
        screen = app.screen
        assert isinstance(screen, ResourceScreen)
        await wait_for(pilot, lambda: screen.table.total_count == len(names))
        # the stale rows first: as they were
        assert sorted(r.name for r in screen.table.rows_in_view()) == names
        assert "renamed-meanwhile" not in screen_text(pilot)

        backend.answer.set()
        await wait_for(pilot, lambda: screen.stale_since is None and not screen.fetching)
        await settle(pilot)
        assert {r.id: r.name for r in screen.table.rows_in_view()} == now
        # one request, for the changes since the cached list only
        assert len(backend.calls) == 1, backend.calls
        assert isinstance(backend.calls[0].get("changes_since"), datetime)

        # the full resync cadence goes on from there
        assert screen._by_changes == 1


async def test_an_old_cache_is_listed_in_full() -> None:
    from tui.list_cache import ListCache

    await _first_start()
    for path in ListCache().root.glob("*.list.json"):  # saved two hours ago
        _age_file(path, hours=2)
    backend = HeldBackend(servers=12, clock=FIXED)
    now = await _change_the_cloud(backend)
    app = cached_app(backend)
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, ResourceScreen) and backend.lists)
        screen = app.screen
        assert isinstance(screen, ResourceScreen)
        assert screen.stale_since is not None
        backend.answer.set()
        await wait_for(pilot, lambda: screen.stale_since is None and not screen.fetching)
        await settle(pilot)
        assert {r.id: r.name for r in screen.table.rows_in_view()} == now
        assert len(backend.calls) == 1 and backend.calls[0].get("changes_since") is None


def _age_file(path: Path, *, hours: float) -> None:
    """Make a cached list look `hours` older (its header's saved_at)."""
    import json

    head, _, rows = path.read_bytes().partition(b"\n")
    header = json.loads(head)
    header["saved_at"] = time.time() - hours * 3600
    path.write_bytes(json.dumps(header).encode() + b"\n" + rows)


async def test_the_header_says_cached_until_the_cloud_answers() -> None:
    from tui.widgets.header import CloudHeader

    names = await _first_start()
    backend = HeldBackend(servers=12, clock=FIXED)
    app = cached_app(backend)
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, ResourceScreen) and backend.lists)
        screen = app.screen
        assert isinstance(screen, ResourceScreen)
        await wait_for(pilot, lambda: screen.table.total_count == len(names))
        await pilot.pause()
        header = screen.query_one(CloudHeader).render().plain
        assert "connected" not in header
        assert "cached · 0 s old · refreshing" in header or "cached · 1 s old" in header, header

        backend.answer.set()
        await wait_for(pilot, lambda: screen.stale_since is None and not screen.fetching)
        await pilot.pause()
        header = screen.query_one(CloudHeader).render().plain
        assert "● connected" in header and "cached" not in header


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
        assert "cloud unreachable" in text and "connected" not in text
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


async def test_a_tampered_cache_file_cannot_put_escapes_on_the_screen() -> None:
    from tui.list_cache import ListCache

    names = await _first_start()
    for path in ListCache().root.glob("*.list.json"):
        body = path.read_bytes().replace(names[0].encode(), b"evil\\u001b]0;pwned\\u0007")
        path.write_bytes(body)
    backend = HeldBackend(servers=12, clock=FIXED)
    app = cached_app(backend)
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_for(pilot, lambda: "evil␛]0;pwned␇" in screen_text(pilot))
        screen = app.screen
        assert isinstance(screen, ResourceScreen) and screen.stale_since is not None
        assert not any("\x1b" in r.name or "\x07" in r.name for r in screen.table.rows_in_view())
        backend.answer.set()
        await settle(pilot)


async def test_marked_cached_rows_are_refused_too() -> None:
    await _first_start()
    backend = HeldBackend(servers=12, clock=FIXED)
    app = cached_app(backend)
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, ResourceScreen) and backend.lists)
        screen = app.screen
        assert isinstance(screen, ResourceScreen)
        await wait_for(pilot, lambda: screen.table.total_count > 0)
        await pilot.press("space", "space")
        assert len(screen.table.marked_rows()) == 2
        await pilot.press("o")
        screen.action_act("stop")
        await pilot.pause()
        said = [n.message for n in app._notifications if "is from the cache" in n.message]
        assert len(said) == 2, [n.message for n in app._notifications]
        assert app.screen is screen and backend.writes == []  # no runbook preview either
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


async def test_cached_rows_of_an_unreachable_cloud_80x24(svg_snapshot: Any) -> None:
    from tui.list_cache import ListCache

    await _first_start()
    for path in ListCache().root.glob("*.list.json"):
        _age_file(path, hours=4 / 60)  # "4 min old"
    backend = MemoryBackend(servers=12, clock=FIXED)

    async def refused() -> object:
        raise ConnectionLost(
            "Cannot reach the cloud: Unable to establish connection to "
            "https://keystone.example.net:5000/v3/auth/tokens: [Errno 111] Connection refused",
            operation="authenticate",
        )

    backend.connect = refused  # type: ignore[method-assign,assignment]
    app = cached_app(backend)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: "cached 4 min · unreachable" in screen_text(pilot))
        screen = app.screen
        assert isinstance(screen, ResourceScreen)
        assert screen.table.total_count == 12 and screen.stale_since is not None
        await pilot.pause(0.3)
        assert app.export_screenshot() == svg_snapshot
