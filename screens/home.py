"""What shows while the first connection is made, before the first list is chosen.

The default first list depends on who the user is (the health overview for admins, servers
for the others), which only the cloud can say; meanwhile the header says it is connecting.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Static

from tui.widgets.header import CloudHeader
from tui.widgets.keybar import KeyBar

if TYPE_CHECKING:
    from tui.app import StackdeckApp


class ConnectingScreen(Screen[None]):
    app: StackdeckApp

    def compose(self) -> ComposeResult:
        yield CloudHeader()
        yield Static(id="crumbs")
        yield KeyBar()

    def on_mount(self) -> None:
        self.app.sync_header(self.query_one(CloudHeader))
        cloud = self.app.backend.info.cloud
        self.query_one("#crumbs", Static).update(f" Connecting to {cloud}…")
