"""The `:` command line: jump to any resource by name or alias, with completion."""

from __future__ import annotations

from collections.abc import Sequence

from textual.binding import Binding
from textual.message import Message
from textual.suggester import SuggestFromList
from textual.widgets import Input

from tui.guard import GuardedHandlers, on


class CommandLine(GuardedHandlers, Input):
    """An input that completes resource names; Enter posts Submitted, Esc posts Cancelled."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", show=False),
        Binding("tab", "complete", "Complete", show=False, priority=True),
    ]

    class Cancelled(Message):
        """The user left the command line without running anything."""

    class Run(Message):
        def __init__(self, command: str) -> None:
            super().__init__()
            self.command = command

    def __init__(self, names: Sequence[str], **kwargs: object) -> None:
        super().__init__(
            placeholder=":resource  (tab completes, esc cancels)",
            suggester=SuggestFromList(list(names), case_sensitive=False),
            **kwargs,  # type: ignore[arg-type]
        )

    def action_complete(self) -> None:
        # Input's `cursor_right` at the end of the text takes the suggestion shown
        self.cursor_position = len(self.value)
        self.action_cursor_right()

    def action_cancel(self) -> None:
        self.value = ""
        self.post_message(self.Cancelled())

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        command = event.value.strip().lstrip(":")
        self.value = ""
        self.post_message(self.Run(command) if command else self.Cancelled())
