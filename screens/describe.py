"""Describe: the full record of one resource as the API returned it, scrollable."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from rich.console import Group
from rich.syntax import Syntax
from rich.table import Table
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Static

from tui.backend.errors import BackendError
from tui.guard import GuardedHandlers
from tui.resource import Resource, unavailable
from tui.screens.contextual import Contextual
from tui.text import one_line
from tui.widgets.header import CloudHeader
from tui.widgets.keybar import KeyBar

if TYPE_CHECKING:
    from tui.app import StackdeckApp


def facts_table(facts: Sequence[tuple[str, str | Text]]) -> Table:
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold cyan", no_wrap=True)
    table.add_column()
    for label, value in facts:  # Text: a Rich table parses plain strings as markup
        table.add_row(Text(label), value if isinstance(value, Text) else Text(value))
    return table


def record_text(row: Any) -> str:
    raw = getattr(row, "raw", None) or {}
    # as the API said it, in its own characters: the text was gated where it entered
    return json.dumps(raw, indent=2, sort_keys=True, default=str, ensure_ascii=False)


class DescribeScreen(GuardedHandlers, Contextual, Screen[None]):
    app: StackdeckApp

    BINDINGS = [
        Binding("escape,q", "app.pop_screen", "Back"),
        Binding("r", "reload", "Reload"),
        Binding("j", "scroll('down')", "Down", show=False),
        Binding("k", "scroll('up')", "Up", show=False),
        Binding("g", "scroll('home')", "Top", show=False),
        Binding("G", "scroll('end')", "Bottom", show=False),
    ]

    def __init__(self, resource: Resource, row: Any, *, verb: str = "") -> None:
        super().__init__()
        self.resource = resource
        self.row = row
        self.verb = verb or f"Describe {resource.name}"  # "Where is" for where-is

    def compose(self) -> ComposeResult:
        yield CloudHeader()
        yield Static(id="crumbs")
        with VerticalScroll(id="record"):
            yield Static(id="body")
        yield KeyBar()

    def on_mount(self) -> None:
        self.show_context(self.query_one(CloudHeader))
        self._show(self.row, fresh=False)
        self.query_one("#record").focus()
        self.action_reload()

    def _show(self, row: Any, *, fresh: bool) -> None:
        label = self.resource.label(row)
        note = "" if fresh else "  (as listed; fetching the current record…)"
        crumbs = Text.assemble(
            (f" {self.verb} ", "bold reverse"),
            " ",
            (one_line(label), "bold"),
            f"  {self.resource.key(row)}",
            (note, "italic"),
        )
        self.query_one("#crumbs", Static).update(crumbs)
        facts = self.resource.facts(row) if self.resource.facts else ()
        if getattr(row, "raw", None) is None:  # facts only (where-is): no API record
            self.query_one("#body", Static).update(facts_table(facts))
            return
        record = Syntax(record_text(row), "json", theme="ansi_dark", word_wrap=True)
        body = Group(facts_table(facts), Text(""), record) if facts else record
        if why := unavailable(row):  # a server whose cell is down: why the record is short
            body = Group(Text(why[0].upper() + why[1:] + ".", style="bold yellow"), Text(""), body)
        self.query_one("#body", Static).update(body)

    @work(exclusive=True, group="describe")
    async def action_reload(self) -> None:
        if self.resource.get is None:
            self._show(self.row, fresh=True)
            return
        try:
            self.row = await self.resource.refetch(self.context.backend, self.row)
        except BackendError as exc:
            self.app.notify_error(exc)
            return
        self._show(self.row, fresh=True)

    def action_scroll(self, where: str) -> None:
        view = self.query_one("#record", VerticalScroll)
        {
            "down": view.scroll_down,
            "up": view.scroll_up,
            "home": view.scroll_home,
            "end": view.scroll_end,
        }[where]()
