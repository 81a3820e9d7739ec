"""The top line: which cloud, project, region and user, and the connection state."""

from __future__ import annotations

from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

from tui.backend.models import CloudInfo
from tui.context import Context
from tui.guard import GuardedHandlers
from tui.text import safe

STATES = {
    "connecting": ("◌ connecting", "header--connecting"),
    "connected": ("● connected", "header--connected"),
    "error": ("✖ not connected", "header--error"),
    "lost": ("✖ connection lost", "header--error"),
}


class CloudHeader(GuardedHandlers, Widget):
    """cloud · project · region · user, then the connection state on the right."""

    COMPONENT_CLASSES = {
        "header--brand",
        "header--label",
        "header--connecting",
        "header--connected",
        "header--error",
        "header--readonly",
    }

    info: reactive[CloudInfo] = reactive(CloudInfo(cloud=""), layout=False)
    state: reactive[str] = reactive("connecting")
    admin: reactive[bool] = reactive(False)
    read_only: reactive[bool] = reactive(False)
    # the screen's rows are from the cache, this old ("4 min"): said instead of
    # "connected" until the cloud brought them current; and whether that failed
    cached: reactive[str] = reactive("")
    cached_failed: reactive[bool] = reactive(False)

    def show(self, context: Context) -> None:
        """Say what `context` is: its cloud, who we are there, its state."""
        self.info = context.info
        self.state = context.state
        self.admin = context.capabilities.admin
        self.read_only = context.read_only

    def _left(self, *, labels: bool) -> Text:
        label = self.get_component_rich_style("header--label")
        text = Text()
        text.append(" stackdeck ", style=self.get_component_rich_style("header--brand"))
        info = self.info
        parts = (
            ("cloud", info.cloud),
            ("project", info.project),
            ("region", info.region),
            ("user", info.user + (" (admin)" if self.admin else "")),
        )
        for index, (name, value) in enumerate(p for p in parts if p[1]):
            if labels:
                text.append(f"  {name} ", style=label)
            else:
                text.append(" " if index == 0 else " · ", style=label)
            text.append(safe(value))
        if self.read_only:
            style = self.get_component_rich_style("header--readonly")
            text.append("  READ-ONLY" if labels else " RO", style=style)
        return text

    def _state(self, *, short: bool = False) -> tuple[str, str]:
        """The words on the right and their style."""
        if self.cached:
            age = f"cached {self.cached}" if short else f"cached · {self.cached} old"
            if self.state in ("error", "lost"):
                unreachable = "unreachable" if short else "cloud unreachable"
                return f"✖ {age} · {unreachable}", "header--error"
            if self.cached_failed:
                return f"✖ {age} · not refreshed", "header--error"
            doing = "connecting" if self.state == "connecting" else "refreshing"
            return f"◌ {age} · {doing}", "header--connecting"
        return STATES.get(self.state, (self.state, "header--error"))

    def render(self) -> Text:
        words, css = self._state()
        right = Text(words + " ", style=self.get_component_rich_style(css))
        width = self.size.width
        text = self._left(labels=True)
        if text.cell_len + right.cell_len + 1 > width:
            text = self._left(labels=False)
        if text.cell_len + right.cell_len + 1 > width:
            # the rows are from the cache: that stays said, the cloud's name gives way
            words = self._state(short=True)[0] if self.cached else words[:1]
            right = Text(words + " ", style=right.style)
        text.truncate(max(0, width - right.cell_len - 1), overflow="ellipsis")
        text.append(" " * max(1, width - text.cell_len - right.cell_len))
        text.append_text(right)
        return text
