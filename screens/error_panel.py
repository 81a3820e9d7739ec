"""The error panel: an unexpected failure, summed up in a few lines; the session goes on.

Everything in it may come from the failure (an exception message holds whatever the code
was handling: cloud text, ``[/]``), so it is shown through ``tui.text.safe`` as plain
``Text``, never as markup.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from tui.crash import Crash
from tui.guard import GuardedHandlers
from tui.styles import STYLES
from tui.text import safe


class ErrorPanel(GuardedHandlers, ModalScreen[None]):
    """Shows one crash; later ones while it is open are counted on it."""

    CSS_PATH = STYLES / "error_panel.tcss"
    BINDINGS = [
        Binding("escape,enter,q", "close", "Close"),
    ]

    def __init__(self, crash: Crash) -> None:
        super().__init__()
        self.crash = crash
        self.more: list[Crash] = []

    def compose(self) -> ComposeResult:
        with Vertical(id="error-panel"):
            yield Static(self._title(), id="error-title")
            yield Static(Text(self.crash.summary), id="error-summary")
            yield Static(self._where(), id="error-file")
            yield Static(self._more(), id="error-more")
            yield Static(
                Text("stackdeck goes on: esc closes this panel · ctrl+c quits", style="italic"),
                id="error-keys",
            )

    def add(self, crash: Crash) -> None:
        """Another failure while the panel is open."""
        if crash.repeated and any(c.path == crash.path for c in (self.crash, *self.more)):
            return
        self.more.append(crash)
        if self.is_mounted:
            self.query_one("#error-more", Static).update(self._more())

    def _more(self) -> Text:
        if not self.more:
            return Text()
        newest = self.more[-1]
        text = Text(f"and {len(self.more)} more since, the last: ", style="bold")
        text.append(newest.summary)
        if newest.path is not None:
            text.append(f"\n  {safe(str(newest.path))}", style="dim")
        return text

    def _title(self) -> Text:
        what = f" — {self.crash.what}" if self.crash.what else ""
        return Text(f"✖ Unexpected failure{what}", style="bold red")

    def _where(self) -> Text:
        if self.crash.path is not None:
            return Text.assemble("The full report: ", (safe(str(self.crash.path)), "bold"))
        return Text(f"The report could not be written: {self.crash.error}", style="yellow")

    def action_close(self) -> None:
        self.dismiss(None)
