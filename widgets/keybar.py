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
    _drawn: list[tuple[str, str, bool]] | None = None

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, _screen: object) -> None:
        # a cursor move asks again on every row: redraw only when the keys offered change,
        # as they are once the change that signalled has been drawn (a row arriving)
        self.call_after_refresh(self._redraw_if_changed)

    def _redraw_if_changed(self) -> None:
        if self.is_attached and self.screen.is_current and self._keys() != self._drawn:
            self.refresh()

    def _keys(self) -> list[tuple[str, str, bool]]:
        """(key label, description, enabled) of each key shown."""
        keys = []
        seen: set[str] = set()
        for key, active in self.screen.active_bindings.items():
            binding = active.binding
            if not binding.show or not binding.description or binding.action in seen:
                continue
            seen.add(binding.action)
            keys.append(
                (binding.key_display or key_label(key), binding.description, active.enabled)
            )
        return keys

    def render(self) -> Text:
        key_style = self.get_component_rich_style("keybar--key")
        text_style = self.get_component_rich_style("keybar--description")
        text = Text(no_wrap=True, overflow="ellipsis")
        self._drawn = self._keys()
        for label, description, enabled in self._drawn:
            style = key_style if enabled else key_style + text_style
            text.append(f" {label} ", style=style)
            text.append(f"{description} ", style=text_style)
        self.shown = text.plain
        return text
