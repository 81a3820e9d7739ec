"""The `:` prompt as a small modal at the bottom of the screen."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from textual.app import ComposeResult
from textual.screen import ModalScreen

from tui.guard import GuardedHandlers, on
from tui.widgets.command_line import CommandLine


class CommandScreen(GuardedHandlers, ModalScreen[str | None]):
    """Returns the command typed (without the ':'), or None when cancelled."""

    def __init__(
        self,
        names: Sequence[str],
        value: str = "",
        words: Mapping[str, Sequence[str]] | None = None,
    ) -> None:
        super().__init__()
        self.names = names
        self.value = value  # what was typed before (a command that could not run)
        self.words = words  # each resource name's filter words

    def compose(self) -> ComposeResult:
        yield CommandLine(self.names, self.words, value=self.value, id="command-line")

    @on(CommandLine.Run)
    def _run(self, event: CommandLine.Run) -> None:
        self.dismiss(event.command)

    @on(CommandLine.Cancelled)
    def _cancel(self) -> None:
        self.dismiss(None)
