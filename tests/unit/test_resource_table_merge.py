"""The table's merge (a refresh): rows change in place, come and go, and the operator keeps
the place: cursor row and its line on screen, sort, filter, marks; changed rows flash."""

from __future__ import annotations

import dataclasses

import pytest
from textual.pilot import Pilot

from tests.unit.test_resource_table import Item, TableApp, items, names, screen_line
from tui.widgets.resource_table import FLASH_SECONDS, ResourceTable

pytestmark = pytest.mark.asyncio


class CountingApp(TableApp):
    def __init__(self) -> None:
        super().__init__()
        self.counted: list[tuple[int, int]] = []

    def on_resource_table_counted(self, event: ResourceTable.Counted) -> None:
        self.counted.append((event.table.total_count, event.table.row_count))


def renamed(item: Item, name: str) -> Item:
    return dataclasses.replace(item, name=name)


async def loaded(pilot: Pilot[None], rows: list[Item]) -> ResourceTable:
    table = pilot.app.query_one(ResourceTable)
    table.load(rows, replace=True)
    await pilot.pause()
    return table


async def test_cursor_stays_on_a_changed_row_on_the_same_screen_line() -> None:
    rows = items(500)
    async with TableApp().run_test(size=(80, 24)) as pilot:
        table = await loaded(pilot, rows)
        table.sort_by(0)  # by name
        table.cursor_row = 250
        line = screen_line(table)
        on = table.selected
        # the row under the cursor sorts elsewhere now; another one changes; one comes
        changed = table.merge(
            [renamed(on, "server-00000-a"), renamed(rows[10], "zz"), *items(1, 900)]
        )
        await pilot.pause()
        assert changed == {on.id, rows[10].id, "id-900"}
        assert table.selected.name == "server-00000-a"
        assert table.cursor_row == 1  # sorted by name, after server-00000
        assert table.total_count == 501
        assert names(table)[-1] == "zz"
        assert table.sort_column == 0

        table.cursor_row = 300
        line, on = screen_line(table), table.selected
        table.merge([renamed(rows[499], "server-00499-b")])  # elsewhere on the list
        await pilot.pause()
        assert table.selected is on and screen_line(table) == line


async def test_cursor_on_a_deleted_row_goes_to_its_neighbour() -> None:
    rows = items(50)
    async with TableApp().run_test(size=(80, 24)) as pilot:
        table = await loaded(pilot, rows)
        table.cursor_row = 20
        table.merge([], removed=[rows[20].id, "id-not-loaded"])
        await pilot.pause()
        assert table.selected == rows[21]
        assert table.total_count == 49
        table.action_cursor_last()
        table.merge([], removed=[rows[49].id])
        await pilot.pause()
        assert table.selected == rows[48]


async def test_filter_sort_and_marks_survive_a_merge() -> None:
    rows = items(60)
    async with TableApp().run_test(size=(80, 24)) as pilot:
        table = await loaded(pilot, rows)
        table.sort_by(2, reverse=True)  # by size, largest first
        table.filter_text = "error"
        shown = table.row_count
        table.cursor_row = 3
        marked = table.selected
        table.toggle_mark()
        table.cursor_row = 4
        doomed = table.selected
        table.toggle_mark()
        neighbour = table.rows_in_view()[5]  # takes the cursor when the doomed row goes

        error_row = next(
            r for r in rows if r.status == "ERROR" and r not in (marked, doomed, neighbour)
        )
        table.merge(
            [dataclasses.replace(error_row, status="ACTIVE"), Item("id-new", "new", "ERROR", 99)],
            removed=[doomed.id],
        )
        await pilot.pause()
        assert table.filter_text == "error"
        assert all(r.status == "ERROR" for r in table.rows_in_view())
        assert table.row_count == shown - 2 + 1  # one left the filter, one deleted, one came
        assert table.rows_in_view()[0].id == "id-new"  # size 99 sorts first, reversed
        assert (table.sort_column, table.sort_reverse) == (2, True)
        assert table.is_marked(marked.id) and not table.is_marked(doomed.id)
        assert [r.id for r in table.marked_rows()] == [marked.id]
        assert table.selected == neighbour


async def test_counts_update_and_changed_rows_flash_then_stop() -> None:
    rows = items(20)
    app = CountingApp()
    async with app.run_test(size=(80, 24)) as pilot:
        table = await loaded(pilot, rows)
        table.merge([renamed(rows[1], "changed")], removed=[rows[2].id])
        await pilot.pause()
        assert table.total_count == 19
        assert app.counted[-1] == (19, 19)
        assert table.is_flashing(rows[1].id) and not table.is_flashing(rows[0].id)
        flash = table.get_component_rich_style("resource-table--changed")
        line = table.render_line(2)  # header, then rows 0 and 1
        assert "changed" in line.text
        assert any(seg.style and seg.style.bgcolor == flash.bgcolor for seg in line)
        await pilot.pause(FLASH_SECONDS + 0.3)
        assert not table.is_flashing(rows[1].id)
        assert not any(
            seg.style and seg.style.bgcolor == flash.bgcolor for seg in table.render_line(2)
        )


async def test_an_unchanged_merge_changes_nothing() -> None:
    rows = items(30)
    async with TableApp().run_test(size=(80, 24)) as pilot:
        table = await loaded(pilot, rows)
        table.cursor_row = 7
        assert table.merge([dataclasses.replace(r) for r in rows]) == set()
        assert table.cursor_row == 7 and table.total_count == 30
        assert not any(table.is_flashing(r.id) for r in rows)
