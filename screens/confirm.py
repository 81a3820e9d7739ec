"""Confirmations for destructive actions: a yes/no, or typing the resource's name or count."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Static

from tui.guard import GuardedHandlers, on
from tui.styles import STYLES


class ConfirmScreen(GuardedHandlers, ModalScreen[bool]):
    """Returns True only when the operator confirmed (and typed `expected`, if asked)."""

    CSS_PATH = STYLES / "form.tcss"

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, title: str, body: str | Text, *, expected: str | None = None) -> None:
        super().__init__()
        self.title_text = title
        self.body = body
        self.expected = expected

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm"):
            yield Static(Text(self.title_text, style="bold"), id="confirm-title")
            yield Static(self.body, id="confirm-body")
            if self.expected is not None:
                yield Static(
                    Text.assemble("Type ", (self.expected, "bold"), " to confirm:"),
                    id="confirm-prompt",
                )
                yield Input(id="confirm-input")
            with Horizontal(id="confirm-buttons"):
                yield Button(
                    "Confirm",
                    variant="error",
                    id="confirm-yes",
                    disabled=self.expected is not None,
                )
                yield Button("Cancel", id="confirm-no")

    def on_mount(self) -> None:
        if self.expected is not None:
            self.query_one("#confirm-input", Input).focus()
        else:
            self.query_one("#confirm-no", Button).focus()

    @on(Input.Changed, "#confirm-input")
    def _typed(self, event: Input.Changed) -> None:
        self.query_one("#confirm-yes", Button).disabled = event.value != self.expected

    @on(Input.Submitted, "#confirm-input")
    def _entered(self, event: Input.Submitted) -> None:
        if event.value == self.expected:
            self.dismiss(True)

    @on(Button.Pressed, "#confirm-yes")
    def _yes(self) -> None:
        self.dismiss(True)

    @on(Button.Pressed, "#confirm-no")
    def _no(self) -> None:
        self.dismiss(False)

    def action_cancel(self) -> None:
        self.dismiss(False)
