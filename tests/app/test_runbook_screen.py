"""The runbook screen on the memory cloud: a bulk stop previewed, confirmed by typing the
count, followed to its summary; a partly failed run; pause and abort; the resume offer
after a restart."""

from __future__ import annotations

import asyncio
from typing import Any

from textual.pilot import Pilot

from tests.app_helpers import demo_app, screen_text, settle, wait_for
from tui.app import StackdeckApp
from tui.backend.errors import Conflict
from tui.backend.memory import MemoryBackend
from tui.backend.models import Server
from tui.config import Settings
from tui.runbook import Phase, Runbook, State
from tui.screens.confirm import ConfirmScreen
from tui.screens.resource import ResourceScreen
from tui.screens.resources.servers import SERVERS
from tui.screens.runbook import RunbookScreen
from tui.screens.runbook_dialogs import ItemDetailScreen, ResumeScreen


def stoppable(app: StackdeckApp, count: int) -> list[Server]:
    screen = app.screen
    assert isinstance(screen, ResourceScreen)
    rows = [r for r in screen.table.rows_in_view() if r.status == "ACTIVE" and not r.task_state]
    assert len(rows) >= count
    return rows[:count]


class SlowCloud:
    """The cloud answers each server's first read, then stays busy until `answer()`."""

    def __init__(self, backend: MemoryBackend) -> None:
        self.backend = backend
        self.original = backend.server
        self.seen: set[str] = set()
        self.released = asyncio.Event()
        backend.server = self.server  # type: ignore[method-assign]

    async def server(self, server_id: str) -> Server:
        if server_id in self.seen:
            await self.released.wait()
        self.seen.add(server_id)
        return await self.original(server_id)

    def answer(self) -> None:
        self.released.set()


async def preview(pilot: Pilot[None], rows: list[Any], action: str = "stop") -> Runbook:
    app = pilot.app
    assert isinstance(app, StackdeckApp)
    found = SERVERS.action(action)
    assert found is not None
    app.run_bulk(app.context, SERVERS, found, rows)
    await wait_for(pilot, lambda: isinstance(app.screen, RunbookScreen))
    await pilot.pause()
    screen = app.screen
    assert isinstance(screen, RunbookScreen)
    return screen.runbook


async def confirm_count(pilot: Pilot[None], count: int) -> None:
    await pilot.press("y")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, ConfirmScreen))
    await pilot.press(*str(count), "enter")


async def test_bulk_stop_of_five_servers_from_preview_to_summary() -> None:
    app = demo_app(servers=20)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await settle(pilot)
        rows = stoppable(app, 5)
        runbook = await preview(pilot, rows)
        text = screen_text(pilot)
        assert "Stop: 5 servers" in text and "preview" in text and "nothing sent" in text
        assert f"Stop {rows[0].name} → wait until it settles" in text
        assert app.backend.writes == []  # type: ignore[attr-defined]

        await pilot.press("y")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        assert "Type 5 to confirm" in screen_text(pilot)
        await pilot.press("4", "enter")  # the wrong count does nothing
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("backspace", "5", "enter")
        await wait_for(pilot, lambda: runbook.phase is not Phase.PREVIEW)
        assert isinstance(app.screen, RunbookScreen)
        await wait_for(pilot, lambda: runbook.finished)
        await pilot.pause()
        text = screen_text(pilot)
        assert "Finished in" in text and "5 done, 0 failed, 0 skipped, 0 aborted" in text
        backend = app.backend
        assert isinstance(backend, MemoryBackend)
        assert [(await backend.server(r.id)).status for r in rows] == ["SHUTOFF"] * 5
        assert sorted(backend.writes) == sorted(("stop", f"server {r.name} ({r.id})") for r in rows)


async def test_a_partly_failed_run_names_each_failure_with_its_request_id() -> None:
    app = demo_app(servers=20)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await settle(pilot)
        rows = stoppable(app, 3)
        backend = app.backend
        assert isinstance(backend, MemoryBackend)
        original = backend.server_action

        async def refuses_one(server_id: str, action: str, **args: object) -> None:
            if server_id == rows[1].id:
                raise Conflict(
                    f"Instance {server_id} is locked", status=409, request_id="req-locked-1"
                )
            await original(server_id, action, **args)

        backend.server_action = refuses_one  # type: ignore[method-assign]
        runbook = await preview(pilot, rows)
        await confirm_count(pilot, 3)
        await wait_for(pilot, lambda: runbook.finished)
        await pilot.pause()
        text = screen_text(pilot)
        assert "2 done, 1 failed" in text
        assert f"HTTP 409: Instance {rows[1].id} is locked (request req-locked-1)" in text

        screen = app.screen
        assert isinstance(screen, RunbookScreen)
        assert screen.table.select_key(rows[1].id)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ItemDetailScreen))
        detail = screen_text(pilot)
        assert "Request id: req-locked-1" in detail and "HTTP status: 409" in detail
        assert f"Stop {rows[1].name}" in detail
        await pilot.press("escape")

        backend.server_action = original  # type: ignore[method-assign]
        await pilot.press("R")
        await wait_for(pilot, lambda: runbook.finished and runbook.count(State.DONE) == 3)
        assert "3 done, 0 failed" in screen_text(pilot)


async def test_pause_holds_the_queue_and_abort_leaves_the_rest_untouched() -> None:
    app = demo_app(servers=20)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await settle(pilot)
        rows = stoppable(app, 5)
        backend = app.backend
        assert isinstance(backend, MemoryBackend)
        cloud = SlowCloud(backend)  # the first items wait on the cloud
        runbook = await preview(pilot, rows)
        runbook.concurrency = 2
        await confirm_count(pilot, 5)
        await wait_for(pilot, lambda: runbook.count(State.WAITING) == 2)
        await pilot.press("p")
        assert runbook.phase is Phase.PAUSED
        assert "paused" in screen_text(pilot)
        cloud.answer()  # the two finish, no third starts
        await wait_for(pilot, lambda: runbook.count(State.DONE) == 2, rounds=100)
        assert runbook.count(State.PENDING) == 3

        await pilot.press("x")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.click("#confirm-yes")
        await wait_for(pilot, lambda: runbook.finished)
        assert runbook.phase is Phase.ABORTED
        await pilot.pause()
        assert "Aborted in" in screen_text(pilot)
        assert "2 done, 0 failed, 0 skipped, 3 aborted" in screen_text(pilot)
        assert len(backend.writes) == 2
        assert {(await backend.server(r.id)).status for r in rows[2:]} == {"ACTIVE"}


async def test_esc_leaves_it_running_and_runbooks_opens_it_again() -> None:
    app = demo_app(servers=20)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(pilot)
        rows = stoppable(app, 2)
        backend = app.backend
        assert isinstance(backend, MemoryBackend)
        cloud = SlowCloud(backend)
        runbook = await preview(pilot, rows)
        await confirm_count(pilot, 2)
        await wait_for(pilot, lambda: runbook.count(State.WAITING) == 2)
        await pilot.press("escape")
        assert isinstance(app.screen, ResourceScreen)
        cloud.answer()
        await wait_for(pilot, lambda: runbook.finished)
        await pilot.press("colon", *"runbooks", "enter")
        await pilot.pause()
        assert "Stop: 2 servers" in screen_text(pilot)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, RunbookScreen))
        assert "2 done" in screen_text(pilot)


async def test_a_restarted_stackdeck_offers_to_resume_and_does_not_resend() -> None:
    backend = MemoryBackend(servers=20)
    settings = Settings(demo=True, refresh_seconds=0, start_resource="servers")
    first = StackdeckApp(backend, settings)
    async with first.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        rows = stoppable(first, 3)
        cloud = SlowCloud(backend)  # stackdeck is killed while the cloud works
        runbook = await preview(pilot, rows)
        await confirm_count(pilot, 3)
        await wait_for(pilot, lambda: runbook.count(State.WAITING) == 3)
    backend.server = cloud.original  # type: ignore[method-assign]
    assert len(backend.writes) == 3
    backend.writes.clear()

    again = StackdeckApp(backend, settings)
    async with again.run_test(size=(120, 40), notifications=True) as pilot:
        await wait_for(pilot, lambda: isinstance(again.screen, ResumeScreen))
        await pilot.pause()
        text = screen_text(pilot)
        assert "An unfinished runbook was found" in text and "Stop: 3 servers" in text
        await pilot.press("r")
        await wait_for(pilot, lambda: isinstance(again.screen, RunbookScreen))
        resumed = again.screen.runbook  # type: ignore[attr-defined]
        await wait_for(pilot, lambda: resumed.finished)
        assert resumed.count(State.DONE) == 3
        assert backend.writes == []  # found stopped: nothing sent again
    assert again.runbooks.unfinished() == []


async def test_marked_rows_run_a_row_action_in_bulk() -> None:
    app = demo_app(servers=20)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ResourceScreen)
        rows = stoppable(app, 3)
        for row in rows:
            assert screen.table.select_key(row.id)
            await pilot.press("space")
        await pilot.pause()
        assert "● 3 marked" in screen_text(pilot)
        await pilot.press("o")  # stop: over the marked rows
        await wait_for(pilot, lambda: isinstance(app.screen, RunbookScreen))
        runbook = app.screen.runbook  # type: ignore[attr-defined]
        assert sorted(i.key for i in runbook.items) == sorted(r.id for r in rows)
        await confirm_count(pilot, 3)
        await wait_for(pilot, lambda: runbook.finished)
        assert runbook.count(State.DONE) == 3
        await pilot.press("escape")
        assert app.screen is screen
        await pilot.press("minus")
        await pilot.pause()
        assert "marked" not in screen_text(pilot)
        await pilot.press("plus")  # every row the filter shows
        await pilot.pause()
        assert f"● {screen.table.row_count} marked" in screen_text(pilot)
