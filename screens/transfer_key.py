"""A new volume transfer's id and auth key, shown this once, to copy (OSC 52).

Cinder keeps only a salted hash of the key: this dialog is the one place it appears. It is
drawn here and nowhere else — the key is a secret of the session (masked in notifications,
errors, the audit log and crash files), and closing the dialog forgets it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from tui.guard import GuardedHandlers, on
from tui.screens.contextual import Contextual
from tui.styles import STYLES
from tui.text import safe

if TYPE_CHECKING:
    from tui.app import StackdeckApp
    from tui.backend.models import NewVolumeTransfer


def how_to_accept(made: NewVolumeTransfer) -> str:
    return (
        "Give both to whoever takes the volume over: in their project, :transfers then n "
        f"(or cinder transfer-accept {made.id} <auth key>). Cinder keeps only a hash of the "
        "key: it is shown this once. Until the transfer is accepted or cancelled (:transfers, "
        "ctrl+d) the volume stays awaiting-transfer."
    )


class TransferKeyScreen(GuardedHandlers, Contextual, ModalScreen[None]):
    """The transfer id and its auth key, with a copy key for each."""

    CSS_PATH = STYLES / "volume_transfer.tcss"

    app: StackdeckApp

    BINDINGS = [
        Binding("escape", "close", "Close"),
        Binding("i", "copy_id", "Copy id"),
        Binding("k", "copy_key", "Copy auth key"),
    ]

    def __init__(self, volume: str, made: NewVolumeTransfer) -> None:
        super().__init__()
        self.volume = volume
        self.made = made

    def compose(self) -> ComposeResult:
        with Vertical(id="transfer-key"):
            yield Static(
                Text(f"Transfer of volume {safe(self.volume)} created", style="bold"),
                id="transfer-key-title",
            )
            yield Static(
                Text.assemble(
                    "Transfer id  ",
                    (safe(self.made.id), "bold"),
                    "\nAuth key     ",
                    (safe(self.made.auth_key), "bold"),
                    "\n\n",
                    (how_to_accept(self.made), "dim"),
                ),
                id="transfer-key-body",
            )
            with Horizontal(id="transfer-key-buttons"):
                yield Button("Copy id (i)", id="transfer-key-copy-id")
                yield Button("Copy auth key (k)", id="transfer-key-copy-key")
                yield Button("Close", id="transfer-key-close")

    def on_mount(self) -> None:
        self.query_one("#transfer-key-close", Button).focus()

    def action_copy_id(self) -> None:
        self.app.copy_to_clipboard(self.made.id)
        self.app.notify("Transfer id copied to the clipboard")

    def action_copy_key(self) -> None:
        self.app.copy_to_clipboard(self.made.auth_key)
        self.app.notify("Auth key copied to the clipboard")

    @on(Button.Pressed, "#transfer-key-copy-id")
    def _copy_id(self) -> None:
        self.action_copy_id()

    @on(Button.Pressed, "#transfer-key-copy-key")
    def _copy_key(self) -> None:
        self.action_copy_key()

    @on(Button.Pressed, "#transfer-key-close")
    def action_close(self) -> None:
        self.dismiss()
