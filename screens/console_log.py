"""`l` on a server: its console output, followed live, searchable, savable."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Input, Static

from tui.backend.errors import BackendError
from tui.backend.models import Server
from tui.guard import GuardedHandlers, on
from tui.screens.contextual import Contextual
from tui.screens.text_search import TextSearch
from tui.widgets.header import CloudHeader
from tui.widgets.keybar import KeyBar
from tui.widgets.text_view import TextView

if TYPE_CHECKING:
    from tui.app import StackdeckApp

LENGTHS: tuple[int | None, ...] = (100, 1000, None)  # None: the whole log
FOLLOW_SECONDS = 2.0


def length_label(length: int | None) -> str:
    return "all lines" if length is None else f"last {length} lines"


class ConsoleLogScreen(GuardedHandlers, TextSearch, Contextual, Screen[None]):
    app: StackdeckApp

    BINDINGS = [
        Binding("escape", "back", "Back"),
        Binding("f", "toggle_follow", "Follow"),
        Binding("slash", "search", "Search"),
        Binding("n", "next_match", "Next match"),
        Binding("N", "previous_match", "Previous match"),
        Binding("c", "cycle_length", "Lines"),
        Binding("w", "save", "Save"),
        Binding("r", "reload", "Reload"),
    ]

    def __init__(self, server: Server) -> None:
        super().__init__()
        self.server = server
        self.length_index = 0
        self.follow = True
        self.text = ""
        self.error: BackendError | None = None
        self.loads = 0

    @property
    def length(self) -> int | None:
        return LENGTHS[self.length_index]

    def compose(self) -> ComposeResult:
        yield CloudHeader()
        yield Static(id="crumbs")
        yield TextView(id="log")
        yield Input(placeholder="search (enter: first match, esc: close)", id="search")
        yield KeyBar()

    @property
    def view(self) -> TextView:
        return self.query_one(TextView)

    def on_mount(self) -> None:
        self.show_context(self.query_one(CloudHeader))
        self.query_one("#search", Input).display = False
        self.view.focus()
        self.set_interval(FOLLOW_SECONDS, self._poll)
        self._update_crumbs()
        self.action_reload()

    def _poll(self) -> None:
        if self.follow and self.is_current:
            self.action_reload()

    @work(exclusive=True, group="console")
    async def action_reload(self) -> None:
        try:
            text = await self.context.backend.console_log(self.server.id, self.length)
        except BackendError as exc:
            if self.error is None:
                self.app.notify_error(exc)
            self.error = exc
            if not self.text:
                self.view.set_text(f"Could not read the console log: {exc.message}")
            self._update_crumbs()
            return
        self.error = None
        self.loads += 1
        if text != self.text or self.loads == 1:
            self.text = text
            self.view.set_text(text if text.strip() else "(the console log is empty)")
        self._update_crumbs()

    def _update_crumbs(self) -> None:
        text = Text()
        text.append(" Console log ", style="bold reverse")
        text.append(f" {self.server.name}", style="bold")
        text.append(f"  {length_label(self.length)}")
        text.append(
            "  following" if self.follow else "  paused", style="green" if self.follow else "yellow"
        )
        text.append(self.search_crumb(), style="italic")
        if self.error is not None:
            text.append(f"  ✖ HTTP {self.error.status or '?'}", style="bold red")
        self.query_one("#crumbs", Static).update(text)

    # -- keys ----------------------------------------------------------------------------

    def action_back(self) -> None:
        if not self.close_search():
            self.app.pop_screen()

    def action_toggle_follow(self) -> None:
        self.follow = not self.follow
        self._update_crumbs()
        if self.follow:
            self.action_reload()

    def action_cycle_length(self) -> None:
        self.length_index = (self.length_index + 1) % len(LENGTHS)
        self.text = ""
        self.action_reload()

    @on(Input.Submitted, "#search")
    def _search(self, event: Input.Submitted) -> None:
        self.searched(event)

    def action_save(self) -> None:
        self.ask_save(
            f"Save the console log of {self.server.name}",
            Path.cwd() / f"console-{self.server.name or self.server.id}.log",
            lambda: self.text,
            f"Saved {len(self.text.splitlines())} lines to",
        )
