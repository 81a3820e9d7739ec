"""The list's row count above the table follows every change of its rows: a delete followed
until the row is gone, a bulk delete's runbook, rows merged into the list — not only `r`."""

from __future__ import annotations

import re

from textual.widgets import Static

from tests.app.test_runbook_screen import confirm_count
from tests.app_helpers import demo_app, select, settle, wait_for
from tui.runbook import State
from tui.screens.confirm import ConfirmScreen
from tui.screens.resource import ResourceScreen
from tui.screens.runbook import RunbookScreen


def shown_count(screen: ResourceScreen) -> int:
    """The count the crumbs line says ("Servers  all projects  [40]")."""
    text = str(screen.query_one("#crumbs", Static).render())
    found = re.search(r"\[(\d+)\]", text)
    assert found is not None, text
    return int(found.group(1))


async def test_a_deleted_row_leaves_the_count_at_once() -> None:
    app = demo_app(servers=12)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ResourceScreen)
        before = shown_count(screen)
        assert before == screen.table.total_count
        await select(pilot, "db-02")
        await pilot.press("ctrl+d")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press(*"db-02", "enter")
        await wait_for(pilot, lambda: screen.table.total_count == before - 1)
        await pilot.pause()
        assert shown_count(screen) == before - 1


async def test_a_bulk_delete_leaves_the_list_and_its_count() -> None:
    app = demo_app(servers=12)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ResourceScreen)
        before = shown_count(screen)
        rows = list(screen.table.rows_in_view())[:2]
        for row in rows:
            assert screen.table.select_key(row.id)
            await pilot.press("space")
        await pilot.press("ctrl+d")
        await wait_for(pilot, lambda: isinstance(app.screen, RunbookScreen))
        runbook = app.screen.runbook  # type: ignore[attr-defined]
        await confirm_count(pilot, 2)
        await wait_for(pilot, lambda: runbook.finished)
        assert runbook.count(State.DONE) == 2
        await pilot.press("escape")
        assert app.screen is screen
        await wait_for(pilot, lambda: not any(screen.table.has_key(r.id) for r in rows))
        await wait_for(pilot, lambda: not screen.fetching)
        await pilot.pause()
        assert shown_count(screen) == before - 2


async def test_rows_merged_into_the_list_count_at_once() -> None:
    app = demo_app(servers=12)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ResourceScreen)
        before = shown_count(screen)
        extra = await app.backend.server(screen.table.selected.id)
        from dataclasses import replace

        screen.table.load([replace(extra, id="merged-1")], replace=False)
        await pilot.pause()
        assert shown_count(screen) == before + 1
        screen.table.remove_keys(["merged-1"])
        await pilot.pause()
        assert shown_count(screen) == before
