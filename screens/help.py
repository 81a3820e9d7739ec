"""`?`: every key the current screen answers to, with what it does."""

from __future__ import annotations

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.actions import parse as parse_action
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from tui.guard import GuardedHandlers
from tui.keys import key_label
from tui.screens.screen_keys import declared_bindings
from tui.text import one_line

GLOBAL_KEYS = (
    (":", "Jump to a resource (tab completes: :servers, :hv, :projects; :q quits)"),
    (":", "… with the cloud's filters: :servers status=ERROR host=compute1 (docs/filters.md)"),
    ("?", "This help"),
    ("ctrl+p", "Command palette: every action and resource by name"),
    ("ctrl+c", "Quit"),
)

# Textual's own scrolling/focus/copy keys: true everywhere, noise in a help page.
_BUILTIN_ACTIONS = {
    "scroll_left",
    "scroll_right",
    "page_left",
    "page_right",
    "focus_next",
    "focus_previous",
    "app.focus_next",
    "app.focus_previous",
    "screen.copy_text",
    "copy_text",
    "quit",
    "command_palette",
    "help",
    "command_line",
}


def _section(title: str, rows: list[tuple[str, str, bool]]) -> Table:
    table = Table(
        title=title,
        title_style="bold",
        title_justify="left",
        box=None,
        show_header=False,
        pad_edge=False,
        expand=True,
    )
    table.add_column("Key", style="bold cyan", no_wrap=True, width=11)
    table.add_column("Action", ratio=1)
    for key, text, enabled in rows:
        table.add_row(Text(key), Text(text) if enabled else Text(f"{text} (not now)", style="dim"))
    return table


def screen_keys(screen: Screen[object]) -> list[tuple[str, str, bool]]:
    """The screen's own keys (with drill-downs and actions), marked when not available now."""
    rows: dict[str, tuple[str, str, bool]] = {}
    for key, bindings in declared_bindings(type(screen)).items():
        for binding in bindings:
            if not binding.description or binding.action in _BUILTIN_ACTIONS:
                continue
            _, name, params = parse_action(binding.action)
            enabled = screen.check_action(name, params)
            if enabled is False and name not in ("act", "view"):
                continue
            label = key_label(key)
            rows.setdefault(label, (label, binding.description, bool(enabled)))
    return list(rows.values())


def widget_keys(screen: Screen[object]) -> list[tuple[str, str, bool]]:
    """Keys of the focused widget's own class (the list's movement and sorting)."""
    widget = screen.focused
    if widget is None:
        return []
    rows: dict[str, str] = {}
    for binding in type(widget).BINDINGS:
        if isinstance(binding, Binding) and binding.description:
            keys = " ".join(key_label(k.strip()) for k in binding.key.split(","))
            rows.setdefault(keys, binding.description)
    return [(k, d, True) for k, d in rows.items()]


def keys_table(screen: Screen[object]) -> Table:
    grid = Table.grid(expand=True, padding=(0, 2))
    grid.add_column(ratio=1)
    grid.add_column(ratio=1)
    everywhere = [(k, d, True) for k, d in GLOBAL_KEYS]
    grid.add_row(
        _section("This screen", screen_keys(screen)),
        Group(
            _section("Moving in the list", widget_keys(screen)),
            Text(""),
            _section("Everywhere", everywhere),
        ),
    )
    return grid


class HelpScreen(GuardedHandlers, ModalScreen[None]):
    BINDINGS = [Binding("escape,q,question_mark", "dismiss", "Close")]

    def __init__(self, under: Screen[object], title: str) -> None:
        super().__init__()
        self.under = under
        self.title_text = title

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help"):
            yield Static(Text(f"Keys — {one_line(self.title_text)}", style="bold"), id="help-title")
            yield Static(keys_table(self.under), id="help-keys")
            yield Static(Text("esc closes", style="dim"))
