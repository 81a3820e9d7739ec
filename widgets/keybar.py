"""The bottom line: the keys the current screen offers, as one cheap widget (not one per key)."""

from __future__ import annotations

from rich.text import Text
from textual.widget import Widget

from tui.guard import GuardedHandlers
from tui.keys import key_label


class KeyBar(GuardedHandlers, Widget):
    """`/ Filter  d Describe  r Refresh ...` from the screen's shown bindings, then `? Help`."""

    COMPONENT_CLASSES = {"keybar--key", "keybar--description"}

    shown = ""
    """The text last rendered (what is on screen)."""

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, _screen: object) -> None:
        self.refresh()

    def render(self) -> Text:
        key_style = self.get_component_rich_style("keybar--key")
        text_style = self.get_component_rich_style("keybar--description")
        text = Text(no_wrap=True, overflow="ellipsis")
        seen: set[str] = set()
        for key, active in self.screen.active_bindings.items():
            binding = active.binding
            if not binding.show or not binding.description or binding.action in seen:
                continue
            seen.add(binding.action)
            label = binding.key_display or key_label(key)
            style = key_style if active.enabled else key_style + text_style
            text.append(f" {label} ", style=style)
            text.append(f"{binding.description} ", style=text_style)
        self.shown = text.plain
        return text
