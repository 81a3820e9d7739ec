"""`v` on a server: its noVNC console URL, shown and copied to the clipboard (OSC 52)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from tui.backend.errors import BackendError
from tui.guard import GuardedHandlers, on
from tui.screens.contextual import Contextual
from tui.styles import STYLES

if TYPE_CHECKING:
    from tui.app import StackdeckApp
    from tui.backend.models import Server


class VncScreen(GuardedHandlers, Contextual, ModalScreen[None]):
    """Asks Nova for a noVNC console; shows the URL or why there is none."""

    CSS_PATH = STYLES / "terminal_screen.tcss"

    app: StackdeckApp

    BINDINGS = [Binding("escape", "close", "Close"), Binding("c", "copy", "Copy")]

    def __init__(self, server: Server) -> None:
        super().__init__()
        self.server = server
        self.url = ""
        self.error: BackendError | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="vnc"):
            yield Static(Text(f"VNC console of {self.server.name}", style="bold"), id="vnc-title")
            yield Static("Asking Nova for a console…", id="vnc-body")
            with Horizontal(id="vnc-buttons"):
                yield Button("Copy", id="vnc-copy", disabled=True)
                yield Button("Close", id="vnc-close")

    def on_mount(self) -> None:
        self.query_one("#vnc-close", Button).focus()
        self._load()

    @work(exclusive=True)
    async def _load(self) -> None:
        body = self.query_one("#vnc-body", Static)
        try:
            self.url = await self.context.backend.vnc_console_url(self.server.id)
        except BackendError as exc:
            self.error = exc
            status = f" (HTTP {exc.status})" if exc.status else ""
            body.update(Text(f"✖ No VNC console{status}\n{exc.message}", style="red"))
            self.app.notify_error(exc)
            return
        self.query_one("#vnc-copy", Button).disabled = False
        self.action_copy()
        body.update(Text.assemble((self.url, "bold"), "\n\nCopied to the clipboard (OSC 52)."))

    def action_copy(self) -> None:
        if self.url:
            self.app.copy_to_clipboard(self.url)
            self.app.notify("VNC console URL copied to the clipboard")

    @on(Button.Pressed, "#vnc-copy")
    def _copy(self) -> None:
        self.action_copy()

    @on(Button.Pressed, "#vnc-close")
    def action_close(self) -> None:
        self.dismiss()
