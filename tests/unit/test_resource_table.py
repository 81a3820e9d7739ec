"""Pilot tests for the virtual resource table (widgets/resource_table.py)."""

from __future__ import annotations

import os
import random
from dataclasses import dataclass
from pathlib import Path

import pytest
from textual.app import App, ComposeResult

from tui.resource import Col, Row, attr
from tui.widgets.resource_table import ResourceTable, fit, fit_widths, narrows

os.environ.pop("TEXTUAL_THEME", None)

STYLES = Path(__file__).resolve().parents[2] / "styles" / "table.tcss"


@dataclass(frozen=True, slots=True)
class Item:
    id: str
    name: str
    status: str
    size: int
    note: str = ""


def status_style(row: Item) -> str | None:
    return "green" if row.status == "ACTIVE" else "bold red" if row.status == "ERROR" else None


COLUMNS = (
    Col("Name", attr("name"), max_width=20),
    Col("Status", attr("status"), style=status_style),
    Col("Size", lambda row: str(row.size), align="right", sort_key=lambda row: row.size),
)


def items(count: int, start: int = 0) -> list[Item]:
    statuses = ("ACTIVE", "SHUTOFF", "ERROR")
    return [
        Item(id=f"id-{i}", name=f"server-{i:05d}", status=statuses[i % 3], size=i % 17)
        for i in range(start, start + count)
    ]


class TableApp(App[None]):
    CSS_PATH = str(STYLES)

    def __init__(self, columns: tuple[Col, ...] = COLUMNS) -> None:
        super().__init__()
        self.columns = columns
        self.highlighted: list[Row] = []
        self.selected: list[Row] = []

    def compose(self) -> ComposeResult:
        yield ResourceTable(self.columns, key=lambda row: row.id, empty_message="No servers")

    def on_resource_table_highlighted(self, event: ResourceTable.Highlighted) -> None:
        self.highlighted.append(event.row)

    def on_resource_table_selected(self, event: ResourceTable.Selected) -> None:
        self.selected.append(event.row)


def lines(table: ResourceTable) -> list[str]:
    return [table.render_line(y).text for y in range(table.scrollable_content_region.height)]


def names(table: ResourceTable) -> list[str]:
    return [row.name for row in table.rows_in_view()]


def screen_line(table: ResourceTable) -> int:
    return table.cursor_row - table.scroll_offset.y


# -- pure helpers ------------------------------------------------------------------------


def test_fit_pads_truncates_and_aligns() -> None:
    assert fit("abc", 5) == "abc  "
    assert fit("abc", 5, "right") == "  abc"
    assert fit("abcdef", 4) == "abc…"
    assert fit("abc", 0) == ""
    assert fit("a\nb", 3) == "a␊b"
    assert fit("x\x1b]52;c;\x9b", 12) == "x␛]52;c;\\x9b"
    assert fit("日本語", 4) == "日 …"


def test_fit_widths_shrinks_widest_first_down_to_minimum() -> None:
    assert fit_widths([10, 30, 5], [4, 4, 4], 100) == [10, 30, 5]
    assert fit_widths([10, 30, 5], [4, 4, 4], 30) == [10, 13, 5]
    assert fit_widths([10, 30, 5], [4, 20, 4], 20) == [4, 20, 4]


def test_narrows() -> None:
    assert narrows(("we",), ("web",))
    assert narrows(("web",), ("web", "1"))
    assert narrows(("a", "b"), ("ab",))
    assert not narrows(("web",), ("we",))
    assert not narrows(("web", "1"), ("web",))


# -- streaming and rendering -------------------------------------------------------------


async def test_first_page_shows_before_the_next_one_arrives() -> None:
    app = TableApp()
    async with app.run_test(size=(80, 24)) as pilot:
        table = app.query_one(ResourceTable)
        table.waiting = True
        await pilot.pause()
        assert table.waiting
        assert lines(table)[1].startswith("Loading…")

        table.load(items(50), replace=True)
        await pilot.pause()
        shown = lines(table)
        assert shown[0].split() == ["Name", "Status", "Size"]
        assert shown[1].split() == ["server-00000", "ACTIVE", "0"]
        assert table.row_count == table.total_count == 50
        assert not table.waiting

        table.load(items(50, start=50), replace=False)
        await pilot.pause()
        assert table.total_count == 100
        assert names(table)[-1] == "server-00099"
        assert lines(table)[1].split()[0] == "server-00000"


async def test_empty_and_no_match_messages() -> None:
    app = TableApp()
    async with app.run_test(size=(80, 24)) as pilot:
        table = app.query_one(ResourceTable)
        table.load([], replace=True)
        await pilot.pause()
        assert lines(table)[1].startswith("No servers")
        assert table.selected is None

        table.load(items(3), replace=True)
        table.filter_text = "nothing-like-this"
        await pilot.pause()
        assert table.row_count == 0
        assert lines(table)[1].startswith("No rows match 'nothing-like-this'")


async def test_header_stays_when_scrolled_and_cells_are_styled() -> None:
    app = TableApp()
    async with app.run_test(size=(80, 24)) as pilot:
        table = app.query_one(ResourceTable)
        table.load(items(500), replace=True)
        await pilot.pause()
        table.scroll_to(y=100, animate=False)
        await pilot.pause()
        shown = lines(table)
        assert shown[0].split() == ["Name", "Status", "Size"]
        assert shown[1].split()[0] == "server-00100"

        table.cursor_row = 101
        await pilot.pause()
        shutoff = [segment for segment in table.render_line(1) if segment.text.strip() == "SHUTOFF"]
        error = [segment for segment in table.render_line(2) if segment.text.strip() == "ERROR"]
        cursor_style = table.get_component_rich_style("resource-table--cursor")
        assert error[0].style.bgcolor == cursor_style.bgcolor
        assert error[0].style.color == cursor_style.color, "the cursor row reads in one colour"
        assert shutoff[0].style.bgcolor != cursor_style.bgcolor

        table.cursor_row = 100
        await pilot.pause()
        error = [segment for segment in table.render_line(2) if segment.text.strip() == "ERROR"]
        assert error[0].style.bold
        assert error[0].style.color.name == "red"


async def test_columns_shrink_to_fit_80_columns_with_ellipsis() -> None:
    columns = (
        Col("Name", attr("name"), max_width=40),
        Col("Status", attr("status"), min_width=6),
        Col("Note", attr("note"), min_width=8, max_width=60),
        Col("Size", lambda row: str(row.size), align="right"),
    )
    rows = [
        Item(
            id=str(i),
            name=f"a-very-long-server-name-{i:04d}-x" * 2,
            status="ACTIVE",
            size=i,
            note="n" * 70,
        )
        for i in range(30)
    ]
    app = TableApp(columns)
    async with app.run_test(size=(80, 24)) as pilot:
        table = app.query_one(ResourceTable)
        table.load(rows, replace=True)
        await pilot.pause()
        available = table.scrollable_content_region.width
        assert table.virtual_size.width <= available
        shown = lines(table)
        assert "…" in shown[1]
        assert shown[1].split()[1] == "ACTIVE"
        assert shown[1].rstrip().endswith(" 0")
        assert all(len(line) <= table.size.width for line in shown)
        assert not table.show_horizontal_scrollbar


async def test_widths_grow_as_pages_arrive() -> None:
    app = TableApp()
    async with app.run_test(size=(80, 24)) as pilot:
        table = app.query_one(ResourceTable)
        table.load([Item("a", "ab", "ACTIVE", 1)], replace=True)
        await pilot.pause()
        narrow = lines(table)[1]
        table.load([Item("b", "a-much-longer-name", "ACTIVE", 1)], replace=False)
        await pilot.pause()
        wide = lines(table)[1]
        assert narrow.index("ACTIVE") < wide.index("ACTIVE")
        assert wide.index("ACTIVE") == len("a-much-longer-name") + 1


# -- filtering ---------------------------------------------------------------------------


async def test_filter_narrows_and_widens() -> None:
    app = TableApp()
    async with app.run_test(size=(80, 24)) as pilot:
        table = app.query_one(ResourceTable)
        table.load(items(300), replace=True)
        table.filter_text = "error"
        assert table.row_count == 100
        assert {row.status for row in table.rows_in_view()} == {"ERROR"}
        table.filter_text = "error 0001"
        assert names(table) == [f"server-{i:05d}" for i in range(10, 20) if i % 3 == 2]
        table.filter_text = "ERROR   server-0001"
        assert table.row_count == 3
        table.filter_text = "active"
        assert table.row_count == 100
        table.filter_text = ""
        assert table.row_count == table.total_count == 300
        await pilot.pause()
        assert lines(table)[1].split()[0] == "server-00000"


async def test_filter_applies_to_appended_pages() -> None:
    app = TableApp()
    async with app.run_test(size=(80, 24)):
        table = app.query_one(ResourceTable)
        table.load(items(30), replace=True)
        table.filter_text = "shutoff"
        table.load(items(30, start=30), replace=False)
        assert table.row_count == 20
        assert {row.status for row in table.rows_in_view()} == {"SHUTOFF"}


async def test_incremental_filter_matches_brute_force() -> None:
    words = ["web", "db", "cache", "api", "worker", "edge", "Ærø", "日本"]
    generator = random.Random(7)
    rows = [
        Item(
            id=str(i),
            name="-".join(generator.sample(words, 2)) + f"-{i}",
            status=generator.choice(["ACTIVE", "ERROR", "SHUTOFF", "BUILD"]),
            size=generator.randrange(100),
        )
        for i in range(2000)
    ]

    def brute(query: str, ordered: list[Item]) -> list[str]:
        terms = query.lower().split()
        return [
            row.id
            for row in ordered
            if all(term in "\n".join(col.get(row) for col in COLUMNS).lower() for term in terms)
        ]

    app = TableApp()
    async with app.run_test(size=(80, 24)):
        table = app.query_one(ResourceTable)
        for page in range(0, len(rows), 500):
            table.load(rows[page : page + 500], replace=page == 0)
        checked: list[int] = []
        original_match = table._match

        def spy(indices: list[int], terms: object) -> list[int]:
            checked.append(len(indices))
            return original_match(indices, terms)  # type: ignore[arg-type]

        table._match = spy  # type: ignore[method-assign]
        alphabet = "webdcahpiorkgæø日本 -0123456789"
        query = ""
        for step in range(400):
            if step == 200:
                table.sort_by(2, reverse=True)
            action = generator.random()
            if action < 0.6:
                query += generator.choice(alphabet)
            elif action < 0.85:
                query = query[:-1]
            else:
                query = generator.choice([*words, "", "1 2", "error web"])
            before = table.row_count
            checked.clear()
            table.filter_text = query
            ordered = rows
            if table.sort_column is not None:
                sort_key = COLUMNS[table.sort_column].key
                ordered = sorted(rows, key=sort_key, reverse=table.sort_reverse)
            assert [row.id for row in table.rows_in_view()] == brute(query, ordered), query
            if checked and action < 0.6 and query.strip() and before < table.total_count:
                assert checked[0] <= before


async def test_one_keystroke_only_rechecks_current_matches() -> None:
    app = TableApp()
    async with app.run_test(size=(80, 24)):
        table = app.query_one(ResourceTable)
        table.load(items(1000), replace=True)
        table.filter_text = "error"
        seen: list[int] = []
        original = table._match
        table._match = lambda indices, terms: (
            seen.append(len(indices))
            or original(  # type: ignore[method-assign]
                indices, terms
            )
        )
        table.filter_text = "error 5"
        assert seen == [table.total_count // 3]


# -- sorting -----------------------------------------------------------------------------


async def test_sort_both_directions_with_numeric_key_and_stable_ties() -> None:
    app = TableApp()
    async with app.run_test(size=(80, 24)) as pilot:
        table = app.query_one(ResourceTable)
        table.load(items(40), replace=True)
        table.sort_by(2)
        assert (table.sort_column, table.sort_reverse) == (2, False)
        sizes = [row.size for row in table.rows_in_view()]
        assert sizes == sorted(sizes)
        assert names(table)[:3] == ["server-00000", "server-00017", "server-00034"]
        await pilot.pause()
        assert lines(table)[0].split() == ["Name", "Status", "Size▲"]

        table.sort_by(2)
        assert table.sort_reverse
        assert [row.size for row in table.rows_in_view()][:3] == [16, 16, 15]
        assert names(table)[:2] == ["server-00016", "server-00033"]
        await pilot.pause()
        assert "▼" in lines(table)[0]

        table.sort_by(0, reverse=True)
        assert names(table)[0] == "server-00039"
        table.sort_by(0)
        assert names(table)[0] == "server-00000"
        table.sort_by(0, reverse=False)
        assert not table.sort_reverse


async def test_sort_stays_applied_to_appended_pages_and_filters() -> None:
    app = TableApp()
    async with app.run_test(size=(80, 24)):
        table = app.query_one(ResourceTable)
        table.load(items(100), replace=True)
        table.sort_by(2, reverse=True)
        table.filter_text = "active"
        table.load(items(100, start=100), replace=False)
        view = list(table.rows_in_view())
        expected = sorted(
            (row for row in items(200) if row.status == "ACTIVE"),
            key=lambda row: row.size,
            reverse=True,
        )
        assert view == expected
        table.filter_text = ""
        assert list(table.rows_in_view()) == sorted(
            items(200), key=lambda row: row.size, reverse=True
        )


async def test_sort_keys_and_header_click() -> None:
    app = TableApp()
    async with app.run_test(size=(80, 24)) as pilot:
        table = app.query_one(ResourceTable)
        table.load(items(20), replace=True)
        await pilot.pause()
        await pilot.press("greater_than_sign")
        assert table.sort_column == 0
        await pilot.press("greater_than_sign", "greater_than_sign", "greater_than_sign")
        assert table.sort_column == 2
        await pilot.press("asterisk")
        assert table.sort_reverse
        await pilot.press("less_than_sign")
        assert (table.sort_column, table.sort_reverse) == (1, True)

        status_x = lines(table)[0].index("Status")
        await pilot.click(ResourceTable, offset=(status_x + 1, 0))
        assert (table.sort_column, table.sort_reverse) == (1, False)
        await pilot.click(ResourceTable, offset=(status_x + 1, 0))
        assert (table.sort_column, table.sort_reverse) == (1, True)
        await pilot.click(ResourceTable, offset=(1, 0))
        assert (table.sort_column, table.sort_reverse) == (0, False)
        assert names(table)[0] == "server-00000"


async def test_sorting_keeps_the_cursor_on_its_row() -> None:
    app = TableApp()
    async with app.run_test(size=(80, 24)):
        table = app.query_one(ResourceTable)
        table.load(items(200), replace=True)
        assert table.select_key("id-150")
        table.sort_by(2, reverse=True)
        assert table.selected.id == "id-150"
        table.filter_text = "server-0015"
        assert table.selected.id == "id-150"


# -- cursor, keys, messages --------------------------------------------------------------


async def test_key_navigation() -> None:
    app = TableApp()
    async with app.run_test(size=(80, 24)) as pilot:
        table = app.query_one(ResourceTable)
        table.load(items(200), replace=True)
        table.focus()
        await pilot.pause()
        page = table.scrollable_content_region.height - 1
        await pilot.press("j", "j", "down")
        assert table.cursor_row == 3
        await pilot.press("k", "up")
        assert table.cursor_row == 1
        await pilot.press("pagedown")
        assert table.cursor_row == 1 + page
        assert screen_line(table) == 1
        await pilot.press("ctrl+f")
        assert table.cursor_row == 1 + 2 * page
        await pilot.press("pageup", "ctrl+b")
        assert table.cursor_row == 1
        await pilot.press("G")
        assert table.cursor_row == 199
        await pilot.pause()
        shown = lines(table)
        assert shown[-1].split()[0] == "server-00199"
        assert shown[0].split()[0] == "Name"
        await pilot.press("g")
        assert table.cursor_row == 0
        assert table.scroll_offset.y == 0
        await pilot.press("end", "up", "home", "up")
        assert table.cursor_row == 0


async def test_cursor_moves_refresh_only_two_lines() -> None:
    app = TableApp()
    async with app.run_test(size=(80, 24)) as pilot:
        table = app.query_one(ResourceTable)
        table.load(items(200), replace=True)
        table.focus()
        await pilot.pause()
        built: list[Item] = []
        original = table._build_row

        def spy(row: Item, *args: object, **kwargs: object) -> object:
            built.append(row)
            return original(row, *args, **kwargs)  # type: ignore[arg-type]

        table._build_row = spy  # type: ignore[method-assign]
        await pilot.press("j")
        await pilot.pause()
        lines(table)
        assert sorted(row.name for row in built) == ["server-00000", "server-00001"]


async def test_highlighted_and_selected_messages() -> None:
    app = TableApp()
    async with app.run_test(size=(80, 24)) as pilot:
        table = app.query_one(ResourceTable)
        table.load(items(10), replace=True)
        table.focus()
        await pilot.pause()
        assert [row.id for row in app.highlighted] == ["id-0"]
        await pilot.press("j", "j", "k")
        await pilot.pause()
        assert [row.id for row in app.highlighted] == ["id-0", "id-1", "id-2", "id-1"]
        await pilot.press("k", "k")
        await pilot.pause()
        assert len(app.highlighted) == 5
        await pilot.press("enter")
        await pilot.pause()
        assert [row.id for row in app.selected] == ["id-0"]

        await pilot.click(ResourceTable, offset=(2, 4))
        await pilot.pause()
        assert table.selected.id == "id-3"
        assert app.highlighted[-1].id == "id-3"
        await pilot.click(ResourceTable, offset=(2, 4))
        await pilot.pause()
        assert app.selected[-1].id == "id-3"

        table.load([*items(10)], replace=True)
        await pilot.pause()
        assert len(app.highlighted) == 6
        changed = Item("id-3", "server-00003", "ERROR", 3)
        table.load([changed], replace=False)
        await pilot.pause()
        assert app.highlighted[-1] is changed
        assert table.total_count == 10


async def test_cursor_stays_on_resource_across_refresh() -> None:
    app = TableApp()
    async with app.run_test(size=(80, 24)) as pilot:
        table = app.query_one(ResourceTable)
        first = items(1000)
        for page in range(0, 1000, 100):
            table.load(first[page : page + 100], replace=page == 0)
        await pilot.pause()
        assert table.select_key("id-500")
        await pilot.pause()
        line_before = screen_line(table)

        refreshed = [Item("new-0", "server-new", "BUILD", 1), *first]
        table.load(refreshed[:100], replace=True)
        assert table.total_count == 100
        assert table.selected.id != "id-500"
        for page in range(100, len(refreshed), 100):
            table.load(refreshed[page : page + 100], replace=False)
        await pilot.pause()
        assert table.selected.id == "id-500"
        assert table.cursor_row == 501
        assert screen_line(table) == line_before
        assert lines(table)[line_before + 1].split()[0] == "server-00500"


async def test_cursor_follows_moved_row_across_refresh_when_sorted() -> None:
    app = TableApp()
    async with app.run_test(size=(80, 24)) as pilot:
        table = app.query_one(ResourceTable)
        table.load(items(100), replace=True)
        table.sort_by(2)
        assert table.select_key("id-40")
        position = table.cursor_row
        grown = [*items(100, start=100), *items(100)]
        table.load(grown[:100], replace=True)
        table.load(grown[100:], replace=False)
        await pilot.pause()
        assert table.selected.id == "id-40"
        assert table.cursor_row != position


async def test_user_move_during_refresh_wins() -> None:
    app = TableApp()
    async with app.run_test(size=(80, 24)) as pilot:
        table = app.query_one(ResourceTable)
        table.load(items(300), replace=True)
        table.focus()
        assert table.select_key("id-250")
        table.load(items(100), replace=True)
        await pilot.press("home", "j")
        table.load(items(200, start=100), replace=False)
        assert table.selected.id == "id-1"


async def test_select_key_waits_for_rows_not_loaded_yet() -> None:
    app = TableApp()
    async with app.run_test(size=(80, 24)):
        table = app.query_one(ResourceTable)
        table.load(items(10), replace=True)
        assert not table.select_key("id-42")
        table.load(items(50, start=10), replace=False)
        assert table.selected.id == "id-42"
        table.filter_text = "shutoff"
        assert not table.select_key("id-42")


async def test_set_columns_resets_sort_and_search_text() -> None:
    app = TableApp()
    async with app.run_test(size=(80, 24)) as pilot:
        table = app.query_one(ResourceTable)
        table.load(items(30), replace=True)
        table.sort_by(2)
        table.set_columns([Col("Identifier", attr("id"))])
        assert table.sort_column is None
        table.filter_text = "id-2"
        assert table.row_count == 11
        table.filter_text = "server"
        assert table.row_count == 0
        table.filter_text = ""
        await pilot.pause()
        assert lines(table)[0].split() == ["Identifier"]
        assert lines(table)[1].split() == ["id-0"]


# -- scale -------------------------------------------------------------------------------


@pytest.mark.parametrize("count", [100_000])
async def test_100k_rows_load_filter_and_scroll(count: int) -> None:
    app = TableApp()
    async with app.run_test(size=(80, 24)) as pilot:
        table = app.query_one(ResourceTable)
        table.focus()
        rows = items(count)
        for page in range(0, count, 1000):
            table.load(rows[page : page + 1000], replace=page == 0)
            if page == 0:
                await pilot.pause()
                assert lines(table)[1].split()[0] == "server-00000"
        assert table.total_count == count
        table.filter_text = "9"
        expected = sum("9" in f"{row.name}\n{row.status}\n{row.size}" for row in rows)
        assert table.row_count == expected
        await pilot.press("G")
        await pilot.pause()
        last = table.rows_in_view()[-1]
        assert table.selected == last
        assert lines(table)[-1].split()[0] == last.name
        table.filter_text = ""
        assert table.selected == last
        await pilot.press("G")
        await pilot.pause()
        assert lines(table)[-1].split()[0] == "server-99999"


async def test_cursor_style_follows_focus_and_theme() -> None:
    app = TableApp()
    async with app.run_test(size=(80, 24)) as pilot:
        table = app.query_one(ResourceTable)
        table.load(items(5), replace=True)
        table.focus()
        await pilot.pause()

        def cursor_background() -> object:
            return table.render_line(1)._segments[0].style.bgcolor

        focused = cursor_background()
        table.blur()
        await pilot.pause()
        blurred = cursor_background()
        assert focused != blurred
        table.focus()
        app.theme = "nord"
        await pilot.pause()
        assert cursor_background() not in (focused, blurred)


async def test_loading_does_not_cover_or_disable_the_rows() -> None:
    app = TableApp()
    async with app.run_test(size=(80, 24)) as pilot:
        table = app.query_one(ResourceTable)
        table.focus()
        table.waiting = True
        table.load(items(20), replace=True)
        await pilot.pause()
        assert not table.waiting
        assert app.focused is table
        await pilot.press("j")
        assert table.cursor_row == 1
        assert lines(table)[1].split()[0] == "server-00000"


async def test_sorted_message() -> None:
    received: list[tuple[int, bool]] = []

    class SortApp(TableApp):
        def on_resource_table_sorted(self, event: ResourceTable.Sorted) -> None:
            received.append((event.column, event.reverse))

    app = SortApp()
    async with app.run_test(size=(80, 24)) as pilot:
        table = app.query_one(ResourceTable)
        table.load(items(5), replace=True)
        table.sort_by(1)
        table.sort_by(1)
        await pilot.pause()
        assert received == [(1, False), (1, True)]
