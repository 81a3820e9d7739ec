"""A virtual table for resource lists, drawn line by line with Textual's Line API.

Only the lines on screen are rendered, so scrolling costs the same at 100 rows or at
100,000. Rows stream in page by page with `load`; filtering and sorting stay applied to
every page. A filter keystroke that narrows the query re-checks only the current matches.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache
from typing import Any, ClassVar, overload

from rich.cells import cell_len, set_cell_size
from rich.errors import StyleSyntaxError
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding, BindingType
from textual.cache import LRUCache
from textual.geometry import Offset, Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.timer import Timer

from tui.guard import GuardedHandlers
from tui.resource import Col, Row
from tui.text import safe

GAP = 1
ELLIPSIS = "…"
SORT_ARROWS = ("▲", "▼")
LOADING_MESSAGE = "Loading…"
STRIP_CACHE_SIZE = 1024
BADGE_STYLE = Style(bold=True, italic=True)
MARKED_UNDER_CURSOR = Style(bold=True, underline=True)
FLASH_SECONDS = 1.0  # how long a row changed by a refresh shows it


def text_width(text: str) -> int:
    """Cells taken by `text` on a terminal."""
    return len(text) if text.isascii() else cell_len(text)


def fit(text: str, width: int, align: str = "left") -> str:
    """Pad or truncate `text` (with an ellipsis) to exactly `width` cells."""
    if width <= 0:
        return ""
    if not text.isprintable():  # a newline in a description; escapes were gated on entry
        text = safe(text)
    length = text_width(text)
    if length > width:
        head = text[: width - 1] if text.isascii() else set_cell_size(text, width - 1)
        return head + ELLIPSIS
    padding = " " * (width - length)
    return padding + text if align == "right" else text + padding


def fit_widths(natural: Sequence[int], minimum: Sequence[int], available: int) -> list[int]:
    """Shrink the widest columns, never below their minimum, until the row fits `available`."""
    widths = list(natural)
    excess = sum(widths) + GAP * max(0, len(widths) - 1) - available
    while excess > 0:
        shrinkable = [i for i, width in enumerate(widths) if width > minimum[i]]
        if not shrinkable:
            break
        widest = max(shrinkable, key=lambda i: (widths[i], i))
        widths[widest] -= 1
        excess -= 1
    return widths


def narrows(old: Sequence[str], new: Sequence[str]) -> bool:
    """Whether every row matching the `new` terms also matches the `old` ones."""
    return all(any(term in candidate for candidate in new) for term in old)


@lru_cache(maxsize=256)
def parse_style(style: str) -> Style:
    try:
        return Style.parse(style)
    except StyleSyntaxError:
        return Style.null()


class RowsView(Sequence[Row]):
    """The rows of a table in display order, without copying them."""

    __slots__ = ("_indices", "_rows")

    def __init__(self, rows: list[Row], indices: list[int]) -> None:
        self._rows = rows
        self._indices = indices

    def __len__(self) -> int:
        return len(self._indices)

    @overload
    def __getitem__(self, index: int) -> Row: ...

    @overload
    def __getitem__(self, index: slice) -> list[Row]: ...

    def __getitem__(self, index: int | slice) -> Row | list[Row]:
        if isinstance(index, slice):
            return [self._rows[i] for i in self._indices[index]]
        return self._rows[self._indices[index]]


class _Pass:
    """What every line of one frame of the table shares (a plain class: no dataclass to
    build at start-up)."""

    __slots__ = ("available", "focused", "offset", "style", "width")

    def __init__(
        self, style: Style, width: int, offset: Offset, focused: bool, available: int
    ) -> None:
        self.style, self.width, self.offset = style, width, offset
        self.focused, self.available = focused, available


class ResourceTable(GuardedHandlers, ScrollView, can_focus=True):
    """A virtual, filterable, sortable table of resources."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up,k", "cursor_up", "Up", show=False),
        Binding("down,j", "cursor_down", "Down", show=False),
        Binding("pageup,ctrl+b", "cursor_page_up", "Page up", show=False),
        Binding("pagedown,ctrl+f", "cursor_page_down", "Page down", show=False),
        Binding("home,g", "cursor_first", "First row", show=False),
        Binding("end,G", "cursor_last", "Last row", show=False),
        Binding("enter", "select", "Open / drill down", show=False),
        Binding("less_than_sign", "sort_left", "Sort by the column on the left", show=False),
        Binding("greater_than_sign", "sort_right", "Sort by the column on the right", show=False),
        Binding("asterisk", "sort_flip", "Reverse the sort order", show=False),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "resource-table--cursor",
        "resource-table--header",
        "resource-table--empty",
        "resource-table--marked",
        "resource-table--changed",
    }

    DEFAULT_CSS = "ResourceTable { height: 1fr; }"

    class Highlighted(Message):
        """The cursor moved to another row, or the row under it was reloaded with new data."""

        def __init__(self, table: ResourceTable, row: Row) -> None:
            super().__init__()
            self.table = table
            self.row = row

        @property
        def control(self) -> ResourceTable:
            return self.table

    class Selected(Message):
        """The row under the cursor was chosen with `enter` or a click."""

        def __init__(self, table: ResourceTable, row: Row) -> None:
            super().__init__()
            self.table = table
            self.row = row

        @property
        def control(self) -> ResourceTable:
            return self.table

    class Sorted(Message):
        """The rows were sorted by `column` (an index into the columns)."""

        def __init__(self, table: ResourceTable, column: int, reverse: bool) -> None:
            super().__init__()
            self.table = table
            self.column = column
            self.reverse = reverse

        @property
        def control(self) -> ResourceTable:
            return self.table

    class Counted(Message):
        """The number of rows loaded or shown changed (a page, a delete, a filter)."""

        def __init__(self, table: ResourceTable) -> None:
            super().__init__()
            self.table = table

        @property
        def control(self) -> ResourceTable:
            return self.table

    def __init__(
        self,
        columns: Sequence[Col],
        key: Callable[[Row], str],
        *,
        empty_message: str = "No items",
        badge_column: int = 0,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._key = key
        self.empty_message = empty_message
        self._loading = False
        self._columns: tuple[Col, ...] = tuple(columns)
        self._rows: list[Row] = []
        self._keys: list[str] = []
        self._index: dict[str, int] = {}
        self._search: list[str] = []
        self._natural: list[int] = self._title_widths()
        self._widths: list[int] = list(self._natural)
        self._line_width = self._sum_widths(self._widths)
        self._layout_width = 0
        self._order: list[int] = []
        self._view: list[int] = self._order
        self._filter_text = ""
        self._terms: tuple[str, ...] = ()
        self._sort_column: int | None = None
        self._sort_reverse = False
        self._sort_keys: list[Any] = []
        self._cursor = 0
        self._pending: tuple[str, int | None] | None = None
        self._highlighted: tuple[str, Row] | None = None
        self._generation = 0
        self._badges: dict[str, str] = {}
        self._marks: set[str] = set()  # keys the operator marked (kept across refreshes)
        self._badge_column = badge_column
        self._strips: LRUCache[tuple[Any, ...], Strip] = LRUCache(STRIP_CACHE_SIZE)
        self._counted = (0, 0)
        self._flashing: set[str] = set()  # keys of rows a refresh just changed
        self._flash_timer: Timer | None = None
        self._drawing: _Pass | None = None  # set while Textual draws the table's lines

    # -- public state -------------------------------------------------------------------

    @property
    def columns(self) -> tuple[Col, ...]:
        return self._columns

    @property
    def row_count(self) -> int:
        """Rows shown: those loaded that match the filter."""
        return len(self._view)

    @property
    def total_count(self) -> int:
        """Rows loaded, whether they match the filter or not."""
        return len(self._rows)

    @property
    def sort_column(self) -> int | None:
        return self._sort_column

    @property
    def sort_reverse(self) -> bool:
        return self._sort_reverse

    @property
    def cursor_row(self) -> int:
        """Index of the cursor in the filtered, sorted rows."""
        return self._cursor

    @cursor_row.setter
    def cursor_row(self, index: int) -> None:
        self._move_cursor(index)

    @property
    def selected(self) -> Row | None:
        """The row under the cursor."""
        return self._rows[self._view[self._cursor]] if self._view else None

    @property
    def waiting(self) -> bool:
        """True while the table waits for its first rows (it shows "Loading…" then).

        Not Textual's `Widget.loading`, which would cover and disable the table: once rows
        are there they stay usable while further pages stream in.
        """
        return self._loading and not self._rows

    @waiting.setter
    def waiting(self, value: bool) -> None:
        self._loading = value
        self.refresh()

    @property
    def filter_text(self) -> str:
        return self._filter_text

    @filter_text.setter
    def filter_text(self, value: str) -> None:
        self._filter_text = value
        terms = tuple(sorted(set(value.lower().split()), key=len, reverse=True))
        if terms == self._terms:
            self.refresh()
            return
        anchor, offset = self._anchor()
        if not terms:
            view = self._order
        elif self._terms and narrows(self._terms, terms):
            view = self._match(self._view, [t for t in terms if t not in self._terms])
        else:
            view = self._match(self._order, terms)
        self._terms = terms
        self._view = view
        self._show_view(anchor, offset, fallback=0)

    def rows_in_view(self) -> Sequence[Row]:
        """The filtered, sorted rows; a view that is valid until the next change."""
        return RowsView(self._rows, self._view)

    # -- public operations ----------------------------------------------------------------

    def set_columns(self, columns: Sequence[Col]) -> None:
        """Show other columns; widths and sorting start afresh."""
        anchor, offset = self._anchor()
        self._columns = tuple(columns)
        self._sort_column = None
        self._sort_reverse = False
        self._sort_keys = []
        self._recompute()
        self._show_view(anchor, offset, fallback=0)

    def refresh_cells(self) -> None:
        """Compute every row's cells again (names learned since the rows came): the text
        drawn, searched, sorted by and measured; the cursor, sort, filter and marks stay."""
        anchor, offset = self._anchor()
        self._recompute()
        self._show_view(anchor, offset, fallback=self._cursor)

    def _recompute(self) -> None:
        self._natural = self._title_widths()
        getters = [column.get for column in self._columns]
        cells = [[get(row) for get in getters] for row in self._rows]
        self._search = ["\n".join(row_cells).lower() for row_cells in cells]
        if self._sort_column is not None:
            self._sort_keys = list(map(self._columns[self._sort_column].key, self._rows))
        self._grow_widths(cells)
        self._rebuild_order()
        self._generation += 1
        self._relayout(force=True)

    def load(self, rows: Iterable[Row], *, replace: bool) -> None:
        """Add a page of rows; `replace=True` starts a new data set (a first page or a refresh).

        A row whose key is already loaded replaces the earlier one. Across a refresh the
        cursor returns to the resource it was on as soon as that resource is loaded again,
        unless the cursor was moved in between.
        """
        anchor, offset = self._anchor()
        if replace:
            anchor = None
            self._start_data_set()
        added, updated = self._ingest(rows)
        if replace or updated:
            self._rebuild_order()
            self._generation += 1
        else:
            self._append_order(added)
        self._relayout()
        if self._pending is not None:
            key, pending_offset = self._pending
            index = self._index.get(key)
            if index is not None and self._position(index) is not None:
                anchor, offset = index, pending_offset
                self._pending = None
        self._show_view(anchor, offset, fallback=self._cursor)

    def set_badge(self, key: str, badge: str | None) -> None:
        """Mark a row (e.g. "⟳ stopping" while an action is in flight); None clears it."""
        if badge:
            self._badges[key] = badge
        else:
            self._badges.pop(key, None)
        self._relayout()  # the badge column widens while badges show, and narrows after
        self.refresh()

    # -- marks ---------------------------------------------------------------------------

    def toggle_mark(self) -> bool | None:
        """Mark or unmark the row under the cursor; its new state (None: no row)."""
        row = self.selected
        if row is None:
            return None
        key = self._key(row)
        marked = key not in self._marks
        if marked:
            self._marks.add(key)
        else:
            self._marks.discard(key)
        self.refresh()
        return marked

    def mark_shown(self) -> int:
        """Mark every row the filter shows (all marked already: unmark them); how many."""
        shown = {self._keys[i] for i in self._view}
        if shown <= self._marks:
            self._marks -= shown
        else:
            self._marks |= shown
        self.refresh()
        return len(shown)

    def clear_marks(self) -> None:
        self._marks.clear()
        self.refresh()

    def get_marked_style(self) -> Style:
        return self.get_component_rich_style("resource-table--marked")

    def is_marked(self, key: str) -> bool:
        return key in self._marks

    def marked_rows(self) -> list[Row]:
        """The marked rows still loaded, in the order they arrived (cost: the marks only)."""
        index = self._index
        found = sorted(index[k] for k in self._marks if k in index)
        return [self._rows[i] for i in found]

    def has_key(self, key: str) -> bool:
        return key in self._index

    def badge(self, key: str) -> str | None:
        return self._badges.get(key)

    def remove_keys(self, keys: Iterable[str]) -> None:
        """Drop rows (a deleted resource) without reloading the list."""
        gone = set(keys) & self._index.keys()
        if not gone:
            return
        anchor, offset = self._anchor()
        anchor_key = None if anchor is None else self._keys[anchor]
        self._drop(gone)
        self._rebuild_order()
        self._generation += 1
        new_anchor = None if anchor_key is None else self._index.get(anchor_key)
        self._show_view(new_anchor, offset, fallback=self._cursor)

    def merge(self, rows: Iterable[Row], removed: Iterable[str] = ()) -> set[str]:
        """Bring the loaded rows up to date without starting over (a refresh): change rows
        in place, add new ones, drop the `removed` keys; the keys of the rows that changed
        or came, which flash for a moment.

        The cursor stays on its row (on the row that took its place if it was removed, or
        no longer matches the filter), on the same line of the screen; the sort, the filter
        and the marks stay (a removed row's mark goes).
        """
        rows = list(rows)
        key, index, loaded = self._key, self._index, self._rows
        changed = {
            k for row in rows if (i := index.get(k := key(row))) is not None and loaded[i] != row
        }
        gone = set(removed) & index.keys()
        changed -= gone
        anchor, offset = self._anchor()
        anchor_key = None if anchor is None else self._keys[anchor]
        if anchor_key in gone:
            anchor_key = self._neighbour(gone)
        added, _ = self._ingest(rows)
        fresh = {self._keys[i] for i in added}
        if gone:
            self._drop(gone)
        if changed or gone:
            self._rebuild_order()
            self._generation += 1
        else:
            self._append_order(added)
        if not (changed or gone or added):
            return set()
        self._relayout()
        self._flash(changed | fresh)
        new_anchor = None if anchor_key is None else self._index.get(anchor_key)
        self._show_view(new_anchor, offset, fallback=self._cursor)
        return changed | fresh

    def _neighbour(self, gone: set[str]) -> str | None:
        """The key of the row nearest the cursor that is not going: the next, else before."""
        view, keys, cursor = self._view, self._keys, self._cursor
        after = (keys[i] for i in view[cursor + 1 :] if keys[i] not in gone)
        before = (keys[i] for i in reversed(view[:cursor]) if keys[i] not in gone)
        return next(after, None) or next(before, None)

    def loaded_keys(self) -> set[str]:
        """The keys of every loaded row, shown or not."""
        return set(self._index)

    def loaded_rows(self) -> list[Row]:
        """Every loaded row, shown or not, in the order they arrived."""
        return list(self._rows)

    def is_flashing(self, key: str) -> bool:
        return key in self._flashing

    def _flash(self, keys: set[str]) -> None:
        if not keys:
            return
        self._flashing |= keys
        if self._flash_timer is not None:
            self._flash_timer.stop()
        if self.is_mounted:
            self._flash_timer = self.set_timer(FLASH_SECONDS, self._end_flash)

    def _end_flash(self) -> None:
        self._flashing.clear()
        self._flash_timer = None
        self.refresh()

    def _drop(self, gone: set[str]) -> None:
        """Forget the rows with these (loaded) keys, their badges and marks."""
        keep = [i for i, k in enumerate(self._keys) if k not in gone]
        self._rows = [self._rows[i] for i in keep]
        self._keys = [self._keys[i] for i in keep]
        self._search = [self._search[i] for i in keep]
        if len(self._sort_keys) == len(keep) + len(gone):
            self._sort_keys = [self._sort_keys[i] for i in keep]
        self._index = {k: i for i, k in enumerate(self._keys)}
        for key in gone:
            self._badges.pop(key, None)
            self._marks.discard(key)
            self._flashing.discard(key)

    def sort_by(self, column_index: int, reverse: bool | None = None) -> None:
        """Sort by a column; without `reverse`, sorting the same column again flips the order."""
        if not 0 <= column_index < len(self._columns):
            raise IndexError(f"no column {column_index}")
        if reverse is None:
            reverse = column_index == self._sort_column and not self._sort_reverse
        anchor, offset = self._anchor()
        if column_index != self._sort_column or len(self._sort_keys) != len(self._rows):
            sort_key = self._columns[column_index].key
            self._sort_keys = [sort_key(row) for row in self._rows]
        self._sort_column = column_index
        self._sort_reverse = reverse
        self._order = self._sorted(range(len(self._rows)))
        self._view = self._sorted(self._view) if self._terms else self._order
        self._show_view(anchor, offset, fallback=0)
        self.post_message(self.Sorted(self, column_index, reverse))

    def select_key(self, key: str) -> bool:
        """Put the cursor on the row with `key`; if it is not loaded yet, do so when it is."""
        index = self._index.get(key)
        if index is None:
            self._pending = (key, None)
            return False
        position = self._position(index)
        if position is None:
            return False
        self._move_cursor(position)
        return True

    # -- actions --------------------------------------------------------------------------

    def action_cursor_up(self) -> None:
        self._move_cursor(self._cursor - 1)

    def action_cursor_down(self) -> None:
        self._move_cursor(self._cursor + 1)

    def action_cursor_page_up(self) -> None:
        self._move_page(-self._page_size())

    def action_cursor_page_down(self) -> None:
        self._move_page(self._page_size())

    def action_cursor_first(self) -> None:
        self._move_cursor(0)

    def action_cursor_last(self) -> None:
        self._move_cursor(len(self._view) - 1)

    def action_select(self) -> None:
        if (row := self.selected) is not None:
            self.post_message(self.Selected(self, row))

    def action_sort_left(self) -> None:
        self._shift_sort(-1)

    def action_sort_right(self) -> None:
        self._shift_sort(1)

    def action_sort_flip(self) -> None:
        if self._columns:
            self.sort_by(self._sort_column or 0, reverse=not self._sort_reverse)

    # -- events ---------------------------------------------------------------------------

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        scroll_x, scroll_y = self.scroll_offset
        if offset.y == 0:
            column = self._column_at(offset.x + scroll_x)
            if column is not None:
                self.sort_by(column)
            return
        index = scroll_y + offset.y - 1
        if index >= len(self._view):
            return
        if index == self._cursor:
            self.action_select()
        else:
            self._move_cursor(index)

    def on_resize(self, event: events.Resize) -> None:
        self._relayout()
        self._update_virtual_size()
        self._scroll_to_cursor(None)

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._generation += 1

    # -- rendering ------------------------------------------------------------------------

    def render_lines(self, crop: Region) -> list[Strip]:
        self._drawing = self._pass()  # what every line of this frame shares, asked once
        try:
            return super().render_lines(crop)
        finally:
            self._drawing = None

    def _pass(self) -> _Pass:
        return _Pass(
            self.rich_style,
            self.size.width,
            self.scroll_offset,
            self.has_focus,
            self._available_width(),
        )

    def render_line(self, y: int) -> Strip:
        shared = self._drawing or self._pass()
        if self._layout_width != shared.available:
            self._relayout()
            shared = self._pass()
            if self._drawing is not None:
                self._drawing = shared
        scroll_x, scroll_y = shared.offset
        base, width = shared.style, shared.width
        if y == 0:
            strip, pad = self._header_strip(base)
        else:
            index = scroll_y + y - 1
            if index < len(self._view):
                strip, pad = self._row_strip(index, shared), base
            elif index == 0:
                strip, pad = self._empty_strip(), base
            else:
                return Strip.blank(width, base)
        return strip.crop_extend(scroll_x, scroll_x + width, pad)

    def _row_strip(self, index: int, shared: _Pass) -> Strip:
        base = shared.style
        row_index = self._view[index]
        cursor = index == self._cursor
        span = max(self._line_width, shared.width)
        row_key = self._keys[row_index]
        marked = row_key in self._marks
        flashing = row_key in self._flashing
        cache_key = (
            row_key,
            self._badges.get(row_key),
            marked,
            flashing,
            span,
            cursor,
            cursor and shared.focused,
            base,
            self._generation,
        )
        strip = self._strips.get(cache_key)
        if strip is None:
            style = (
                base + self.get_component_rich_style("resource-table--cursor") if cursor else base
            )
            if flashing and not cursor:
                style += self.get_component_rich_style("resource-table--changed")
            if marked:  # the cursor keeps its colours; a marked row under it is underlined
                style += MARKED_UNDER_CURSOR if cursor else self.get_marked_style()
            badge = self._badges.get(row_key)
            strip = self._build_row(
                self._rows[row_index], style, span, cell_styles=not cursor, badge=badge
            )
            self._strips.set(cache_key, strip)
        return strip

    def _build_row(
        self,
        row: Row,
        style: Style,
        span: int,
        *,
        cell_styles: bool = True,
        badge: str | None = None,
    ) -> Strip:
        segments: list[Segment] = []
        gap = Segment(" " * GAP, style)
        for index, (column, width) in enumerate(zip(self._columns, self._widths, strict=True)):
            if segments:
                segments.append(gap)
            cell_style = style
            if cell_styles and column.style is not None and (extra := column.style(row)):
                cell_style = style + parse_style(extra)
            text = column.get(row)
            if badge and index == self._badge_column:
                text = f"{badge} {text}" if text else badge
                cell_style = cell_style + BADGE_STYLE
            segments.append(Segment(fit(text, width, column.align), cell_style))
        if span > self._line_width:
            segments.append(Segment(" " * (span - self._line_width), style))
        return Strip(segments, span)

    def _header_strip(self, base: Style) -> tuple[Strip, Style]:
        style = base + self.get_component_rich_style("resource-table--header")
        segments: list[Segment] = []
        for index, (column, width) in enumerate(zip(self._columns, self._widths, strict=True)):
            if segments:
                segments.append(Segment(" " * GAP, style))
            arrow = SORT_ARROWS[self._sort_reverse] if index == self._sort_column else ""
            segments.append(Segment(self._header_cell(column, width, arrow), style))
        return Strip(segments, self._line_width), style

    @staticmethod
    def _header_cell(column: Col, width: int, arrow: str) -> str:
        if not arrow:
            return fit(column.title, width, column.align)
        if text_width(column.title) < width:
            return fit(column.title + arrow, width, column.align)
        return fit(column.title, width - 1) + arrow[:width]

    def _empty_strip(self) -> Strip:
        if self._loading:
            message = LOADING_MESSAGE
        elif self._rows:
            message = f"No rows match '{self._filter_text.strip()}'"
        else:
            message = self.empty_message
        style = self.rich_style + self.get_component_rich_style("resource-table--empty")
        return Strip([Segment(safe(message), style)])

    # -- data -----------------------------------------------------------------------------

    def _start_data_set(self) -> None:
        if self._pending is None and self._view:
            key = self._keys[self._view[self._cursor]]
            self._pending = (key, self._cursor - self.scroll_offset.y)
        self._rows = []
        self._keys = []
        self._index = {}
        self._search = []
        self._sort_keys = []

    def _ingest(self, rows: Iterable[Row]) -> tuple[list[int], bool]:
        """Store rows; return the indices of new ones and whether known ones were replaced."""
        key = self._key
        getters = [column.get for column in self._columns]
        sort_key = None if self._sort_column is None else self._columns[self._sort_column].key
        added: list[int] = []
        updated = False
        page: list[list[str]] = []
        for row in rows:
            cells = [get(row) for get in getters]
            page.append(cells)
            text = "\n".join(cells).lower()
            row_key = key(row)
            index = self._index.get(row_key)
            if index is None:
                index = self._index[row_key] = len(self._rows)
                self._rows.append(row)
                self._keys.append(row_key)
                self._search.append(text)
                if sort_key is not None:
                    self._sort_keys.append(sort_key(row))
                added.append(index)
            else:
                self._rows[index] = row
                self._search[index] = text
                if sort_key is not None:
                    self._sort_keys[index] = sort_key(row)
                updated = True
        self._grow_widths(page)
        return added, updated

    def _grow_widths(self, page: list[list[str]]) -> None:
        for index, cells in enumerate(zip(*page, strict=False)):
            current = self._natural[index]
            limit = self._columns[index].max_width
            if current >= limit:
                continue
            measure = len if "".join(cells).isascii() else cell_len
            widest = max(map(measure, cells))
            if widest > current:
                self._natural[index] = min(widest, limit)

    def _rebuild_order(self) -> None:
        self._order = self._sorted(range(len(self._rows)))
        self._view = self._match(self._order, self._terms) if self._terms else self._order

    def _append_order(self, added: list[int]) -> None:
        if not added:
            return
        self._order.extend(added)
        self._resort(self._order)
        if self._terms and (matches := self._match(added, self._terms)):
            self._view.extend(matches)
            self._resort(self._view)

    def _resort(self, indices: list[int]) -> None:
        if self._sort_column is not None:
            indices.sort(key=self._sort_keys.__getitem__, reverse=self._sort_reverse)

    def _sorted(self, indices: Iterable[int]) -> list[int]:
        ordered = sorted(indices)
        self._resort(ordered)
        return ordered

    def _match(self, indices: list[int], terms: Iterable[str]) -> list[int]:
        search = self._search
        matches = indices
        for term in terms:
            matches = [i for i in matches if term in search[i]]
        return matches if matches is not indices else list(indices)

    # -- cursor and viewport ----------------------------------------------------------------

    def _anchor(self) -> tuple[int | None, int | None]:
        """The row under the cursor and its line on screen, to keep them across a change."""
        if not self._view:
            return None, None
        return self._view[self._cursor], self._cursor - self.scroll_offset.y

    def _position(self, index: int) -> int | None:
        """Where row `index` is in the view, if it is there."""
        view = self._view
        if self._cursor < len(view) and view[self._cursor] == index:
            return self._cursor
        try:
            return view.index(index)
        except ValueError:
            return None

    def _show_view(self, anchor: int | None, offset: int | None, *, fallback: int) -> None:
        """Redraw after the view changed, keeping the cursor on `anchor` if it is shown."""
        self._update_virtual_size()
        position = None if anchor is None else self._position(anchor)
        if position is None:
            position = min(fallback, max(0, len(self._view) - 1))
        self._cursor = position
        self._scroll_to_cursor(offset)
        self.refresh()
        self._post_highlighted()
        if (counts := (len(self._rows), len(self._view))) != self._counted:
            self._counted = counts
            self.post_message(self.Counted(self))

    def _move_cursor(self, index: int) -> None:
        """Move the cursor as the user asked; this cancels a pending return after a refresh."""
        self._pending = None
        if not self._view:
            return
        index = max(0, min(index, len(self._view) - 1))
        previous, self._cursor = self._cursor, index
        if previous != index:
            self.refresh_line(previous + 1)
            self.refresh_line(index + 1)
        self._scroll_to_cursor(None)
        self._post_highlighted()

    def _move_page(self, delta: int) -> None:
        if not self._view:
            return
        offset = self._cursor - self.scroll_offset.y
        self._pending = None
        self._cursor = max(0, min(self._cursor + delta, len(self._view) - 1))
        self._scroll_to_cursor(offset)
        self.refresh()
        self._post_highlighted()

    def _scroll_to_cursor(self, offset: int | None) -> None:
        """Scroll so the cursor shows, `offset` lines below the header if possible."""
        if not self.is_mounted:
            return
        current = self.scroll_offset.y
        visible = self._page_size()
        top = current if offset is None else self._cursor - offset
        top = max(self._cursor - visible + 1, min(top, self._cursor))
        top = max(0, min(top, len(self._view) + 1 - self.scrollable_content_region.height))
        if top != current:
            self.scroll_to(y=top, animate=False, force=True)

    def _page_size(self) -> int:
        return max(1, self.scrollable_content_region.height - 1)

    def _post_highlighted(self) -> None:
        row = self.selected
        if row is None:
            self._highlighted = None
            return
        key = self._keys[self._view[self._cursor]]
        if self._highlighted is not None:
            last_key, last_row = self._highlighted
            if last_key == key and (last_row is row or last_row == row):
                return
        self._highlighted = (key, row)
        self.post_message(self.Highlighted(self, row))

    def _shift_sort(self, delta: int) -> None:
        if not self._columns:
            return
        if self._sort_column is None:
            target = 0
        else:
            target = max(0, min(self._sort_column + delta, len(self._columns) - 1))
        if target != self._sort_column:
            self.sort_by(target, reverse=self._sort_reverse)

    # -- layout ---------------------------------------------------------------------------

    def _title_widths(self) -> list[int]:
        return [
            max(
                column.min_width,
                min(text_width(column.title) + len(SORT_ARROWS[0]), column.max_width),
            )
            for column in self._columns
        ]

    @staticmethod
    def _sum_widths(widths: Sequence[int]) -> int:
        return sum(widths) + GAP * max(0, len(widths) - 1)

    def _available_width(self) -> int:
        return self.scrollable_content_region.width

    def _badged_natural(self) -> list[int]:
        """The natural widths, the badge column widened for its badges and its own text:
        a badge is shown beside the cell's text, never in place of it."""
        if not self._badges or not self._columns:
            return self._natural
        natural = list(self._natural)
        index = self._badge_column
        get = self._columns[index].get
        for key, badge in self._badges.items():
            position = self._index.get(key)
            text = get(self._rows[position]) if position is not None else ""
            natural[index] = max(natural[index], text_width(f"{badge} {text}".rstrip()))
        return natural

    def _relayout(self, *, force: bool = False) -> None:
        available = self._available_width()
        minimum = [column.min_width for column in self._columns]
        natural = self._badged_natural()
        widths = fit_widths(natural, minimum, available) if available > 0 else natural
        self._layout_width = available
        if force or widths != self._widths:
            self._widths = list(widths)
            self._line_width = self._sum_widths(widths)
            self._generation += 1
            self._update_virtual_size()
            self.refresh()

    def _update_virtual_size(self) -> None:
        self.virtual_size = Size(self._line_width, max(1, len(self._view)) + 1)

    def _column_at(self, x: int) -> int | None:
        right = 0
        for index, width in enumerate(self._widths):
            right += width + GAP
            if x < right:
                return index
        return None
