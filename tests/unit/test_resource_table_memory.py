"""Memory stays flat across refreshes: merging changes into a loaded table again and again
keeps no history (changed rows, flashes, drawn lines beyond the bounded line cache)."""

from __future__ import annotations

import dataclasses
import gc
import tracemalloc

import pytest

from tests.unit.test_resource_table import Item, TableApp, items
from tui.widgets.resource_table import ResourceTable

pytestmark = pytest.mark.asyncio

ROWS = 2000
WARM_UP = 50  # merges that fill the bounded caches (drawn lines) first
MEASURED = 80
CHANGING = 100  # the rows that change: all of them changed during the warm-up
ALLOWED_GROWTH = 32 * 1024  # bytes; one merge's worth of leaked rows would be more


class QuietApp(TableApp):
    def on_resource_table_highlighted(self, event: ResourceTable.Highlighted) -> None:
        pass  # the test app's record of highlights would grow by itself


def changes(round_: int, rows: list[Item]) -> tuple[list[Item], list[str]]:
    """A refresh's worth: ten rows changed, one deleted and one created (ids stay unique)."""
    changed = [
        dataclasses.replace(rows[(round_ * 10 + i) % CHANGING], note=f"round {round_}")
        for i in range(10)
    ]
    created = items(1, start=ROWS + round_)
    gone = [f"id-{ROWS + round_ - 1}"] if round_ else []
    return changed + created, gone


async def test_repeated_merges_keep_no_history() -> None:
    rows = items(ROWS)
    async with QuietApp().run_test(size=(80, 24)) as pilot:
        table = pilot.app.query_one(ResourceTable)
        table.load(rows, replace=True)
        await pilot.pause()
        table.sort_by(1)

        async def merges(start: int, count: int) -> None:
            for round_ in range(start, start + count):
                page, gone = changes(round_, rows)
                table.merge(page, removed=gone)
                await pilot.pause()  # drawn, flash timers started

        # traced from the start: what a merge replaces was allocated while tracing, so a
        # bounded cache that turns over nets out, and only what is kept adds up
        tracemalloc.start()
        try:
            await merges(0, WARM_UP)
            gc.collect()
            before = tracemalloc.get_traced_memory()[0]
            await merges(WARM_UP, MEASURED)
            table._end_flash()  # the last flash ends as its timer would
            gc.collect()
            grown = tracemalloc.get_traced_memory()[0] - before
        finally:
            tracemalloc.stop()
        assert table.total_count == ROWS + 1
        assert grown < ALLOWED_GROWTH, f"{grown:,} bytes kept over {MEASURED} merges"
