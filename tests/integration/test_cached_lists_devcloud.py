"""The cached server list against the real devcloud: a first start lists the servers (all
projects, as admin) and keeps them; a restart shows them from the cache, marked stale,
before Nova answers, then the live list replaces them; the first live request after a cached
start asks Nova for the changes since the cached list, one request."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from tests.app_helpers import screen_text, settle, wait_for
from tui.app import StackdeckApp
from tui.backend.models import Server
from tui.backend.openstack import OpenStackBackend
from tui.config import Settings
from tui.list_cache import ListCache
from tui.screens.resource import ResourceScreen

CLOUD = "devcloud-admin"
SLOW = 1200  # wait_for rounds of 50 ms: 60 s


class HeldBackend(OpenStackBackend):
    """devcloud, with the server list held until the test lets it go to Nova."""

    def __init__(self, cloud: str) -> None:
        super().__init__(cloud)
        self.answer = asyncio.Event()
        self.lists = 0

    async def servers(self, **kwargs: Any) -> AsyncIterator[list[Server]]:  # type: ignore[override]
        self.lists += 1
        await self.answer.wait()
        async for page in super().servers(**kwargs):
            yield page


def _app(backend: OpenStackBackend) -> StackdeckApp:
    return StackdeckApp(backend, Settings(cloud=CLOUD, refresh_seconds=0, start_resource="servers"))


async def test_a_restart_shows_the_cached_servers_then_refreshes(devcloud: Path) -> None:
    first = _app(OpenStackBackend(CLOUD))
    async with first.run_test(size=(160, 40)) as pilot:
        await settle(pilot, rounds=400)
        screen = first.screen
        assert isinstance(screen, ResourceScreen) and screen.loaded, screen
        live = {r.id: r.name for r in screen.table.rows_in_view()}
        await first.workers.wait_for_complete()
    assert live, "devcloud has no servers to list"
    assert ListCache().last_identity(CLOUD) is not None

    backend = HeldBackend(CLOUD)
    second = _app(backend)
    async with second.run_test(size=(160, 40)) as pilot:
        await wait_for(pilot, lambda: isinstance(second.screen, ResourceScreen), SLOW)
        screen = second.screen
        assert isinstance(screen, ResourceScreen)
        await wait_for(pilot, lambda: screen.table.total_count == len(live), SLOW)
        assert not backend.answer.is_set()
        assert {r.id: r.name for r in screen.table.rows_in_view()} == live
        assert screen.stale_since is not None
        assert "ago — refreshing…" in screen_text(pilot)

        backend.answer.set()
        await wait_for(pilot, lambda: screen.loaded and not screen.fetching, SLOW)
        assert screen.stale_since is None
        assert "cached" not in screen_text(pilot)
        assert screen.table.total_count > 0


class CountedBackend(HeldBackend):
    """HeldBackend that also records what each server list asked for and every request."""

    def __init__(self, cloud: str) -> None:
        super().__init__(cloud)
        self.asked: list[dict[str, Any]] = []
        self.sent: list[tuple[str, str, str]] = []
        self.on_request = lambda method, service, path: self.sent.append((method, service, path))

    async def servers(self, **kwargs: Any) -> AsyncIterator[list[Server]]:  # type: ignore[override]
        self.asked.append(kwargs)
        async for page in super().servers(**kwargs):
            yield page


async def test_a_restart_catches_up_with_one_changes_since_request(devcloud: Path) -> None:
    first = _app(OpenStackBackend(CLOUD))
    async with first.run_test(size=(160, 40)) as pilot:
        await settle(pilot, rounds=400)
        screen = first.screen
        assert isinstance(screen, ResourceScreen) and screen.loaded, screen
        live = {r.id: r.name for r in screen.table.rows_in_view()}
        await first.workers.wait_for_complete()
    assert live, "devcloud has no servers to list"

    backend = CountedBackend(CLOUD)
    second = _app(backend)
    async with second.run_test(size=(160, 40)) as pilot:
        await wait_for(pilot, lambda: isinstance(second.screen, ResourceScreen), SLOW)
        screen = second.screen
        assert isinstance(screen, ResourceScreen)
        await wait_for(pilot, lambda: screen.table.total_count == len(live), SLOW)
        assert screen.stale_since is not None
        await wait_for(pilot, lambda: backend.asked, SLOW)
        before = len(backend.sent)
        backend.answer.set()
        await wait_for(pilot, lambda: screen.stale_since is None and not screen.fetching, SLOW)
        assert screen.error is None, screen.error
        # the first live list asked Nova for the changes since the cached list, only
        assert len(backend.asked) == 1, backend.asked
        assert backend.asked[0].get("changes_since") is not None, backend.asked
        lists = [s for s in backend.sent[before:] if "/servers" in s[2]]
        assert len(lists) == 1, lists
        # exactly what devcloud holds (others' tests boot and delete servers meanwhile: a
        # refresh by changes catches up with what they did after the first one)
        for _ in range(3):
            listed = OpenStackBackend.servers(backend, all_projects=True)
            now = {r.id async for page in listed for r in page}
            if {r.id for r in screen.table.rows_in_view()} == now:
                break
            await pilot.press("r")
            await wait_for(pilot, lambda: screen.loaded and not screen.fetching, SLOW)
        assert {r.id for r in screen.table.rows_in_view()} == now
        # the cached rows are named too, not only the ones that changed
        projects = {p.id: p.name async for page in backend.projects() for p in page}
        web = next(r for r in screen.table.rows_in_view() if r.name == "web-1")

        def web_line() -> str:
            return next(
                (ln for ln in screen_text(pilot).splitlines() if ln.split()[:1] == ["web-1"]), ""
            )

        await wait_for(pilot, lambda: projects[web.project_id] in web_line(), SLOW)
