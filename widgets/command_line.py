"""The `:` command line: jump to any resource by name or alias, with completion of the
names and, after a name, of the filter words its list takes (`:servers st` → `status=`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from textual.binding import Binding
from textual.message import Message
from textual.suggester import Suggester
from textual.widgets import Input

from tui.guard import GuardedHandlers, on


class CommandSuggester(Suggester):
    """Completes the resource name, then each word=; what was typed keeps its case."""

    def __init__(self, names: Sequence[str], words: Mapping[str, Sequence[str]]) -> None:
        super().__init__(use_cache=False, case_sensitive=True)
        self.names = list(names)
        self.words = words

    async def get_suggestion(self, value: str) -> str | None:
        _, space, last = value.rpartition(" ")
        if not space:
            return _completed(value, self.names)
        words = self.words.get(value.split()[0].lstrip(":").casefold(), ())
        if not last or "=" in last:
            return None
        return _completed(value, [f"{word}=" for word in words])


def _completed(value: str, choices: Sequence[str]) -> str | None:
    """`value` with the rest of the first choice its last word begins, in any case."""
    last = value.rpartition(" ")[2]
    folded = last.casefold()
    found = next((c for c in choices if c.casefold().startswith(folded)), None)
    return None if found is None else value + found[len(last) :]


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

    def __init__(
        self,
        names: Sequence[str],
        words: Mapping[str, Sequence[str]] | None = None,
        **kwargs: object,
    ) -> None:
        super().__init__(
            placeholder=":resource [word=value ...]  (tab completes, esc cancels)",
            suggester=CommandSuggester(names, words or {}),
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
