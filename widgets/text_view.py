"""A read-only, searchable text view on the Line API (console logs, long outputs)."""

from __future__ import annotations

from rich.segment import Segment
from rich.style import Style
from textual.binding import Binding
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from tui.guard import GuardedHandlers

_CONTROL = dict.fromkeys([*range(9), *range(11, 32), 127], " ")


class TextView(GuardedHandlers, ScrollView, can_focus=True):
    """Lines of text; `search` highlights matches, `next_match`/`previous_match` move to them."""

    BINDINGS = [
        Binding("up,k", "scroll_up", "Up", show=False),
        Binding("down,j", "scroll_down", "Down", show=False),
        Binding("home,g", "scroll_home", "Top", show=False),
        Binding("end,G", "scroll_end", "Bottom", show=False),
        Binding("pageup,ctrl+b", "page_up", "Page up", show=False),
        Binding("pagedown,ctrl+f", "page_down", "Page down", show=False),
    ]

    COMPONENT_CLASSES = {"text-view--match", "text-view--current"}

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.lines: list[str] = []
        self._width = 0
        self.query = ""
        self.matches: list[int] = []  # line numbers with a match
        self.current = -1  # index into matches

    # -- content -------------------------------------------------------------------------

    def set_text(self, text: str, *, follow: bool = True) -> None:
        """Replace the content; stays at the bottom if it was there (`follow`), else at the top."""
        at_end = follow and self.scroll_offset.y >= self.max_scroll_y
        self.lines = [line.translate(_CONTROL) for line in text.splitlines()]
        self._width = max((len(line) for line in self.lines), default=0)
        self.virtual_size = Size(self._width, len(self.lines))
        self._find()
        self.refresh()
        if at_end:
            self.call_after_refresh(self.scroll_end, animate=False)
        elif not follow:
            self.scroll_home(animate=False)

    # -- search --------------------------------------------------------------------------

    def search(self, query: str) -> int:
        """Highlight `query` (case-insensitive); jump to the first match. Returns the count."""
        self.query = query
        self._find()
        if self.matches:
            self.current = 0
            self._show_current()
        self.refresh()
        return len(self.matches)

    def _find(self) -> None:
        q = self.query.lower()
        self.matches = [i for i, line in enumerate(self.lines) if q and q in line.lower()]
        if self.current >= len(self.matches):
            self.current = len(self.matches) - 1

    def next_match(self, step: int = 1) -> None:
        if not self.matches:
            return
        self.current = (self.current + step) % len(self.matches)
        self._show_current()
        self.refresh()

    def _show_current(self) -> None:
        line = self.matches[self.current]
        top = self.scroll_offset.y
        if not top <= line < top + self.size.height:
            self.scroll_to(y=max(0, line - self.size.height // 2), animate=False)

    @property
    def current_line(self) -> int | None:
        return self.matches[self.current] if 0 <= self.current < len(self.matches) else None

    # -- drawing -------------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        number = scroll_y + y
        base = self.rich_style
        width = self.size.width
        if number >= len(self.lines):
            return Strip.blank(width, base)
        line = self.lines[number]
        segments = self._highlight(line, number, base)
        return Strip(segments).crop_extend(scroll_x, scroll_x + width, base)

    def _highlight(self, line: str, number: int, base: Style) -> list[Segment]:
        q = self.query.lower()
        if not q or q not in line.lower():
            return [Segment(line, base)]
        style_name = "text-view--current" if number == self.current_line else "text-view--match"
        mark = base + self.get_component_rich_style(style_name)
        segments: list[Segment] = []
        lower = line.lower()
        start = 0
        while (found := lower.find(q, start)) >= 0:
            segments.append(Segment(line[start:found], base))
            segments.append(Segment(line[found : found + len(q)], mark))
            start = found + len(q)
        segments.append(Segment(line[start:], base))
        return segments
