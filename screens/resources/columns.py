"""Column helpers shared by the resource declarations: state colours, number and yes/no formats."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from tui.names import Kind
from tui.resource import Col, Row, attr, in_context

if TYPE_CHECKING:
    from tui.context import Context

_STATE_STYLES = {
    "ACTIVE": "green",
    "RUNNING": "green",
    "UP": "green",
    "ENABLED": "green",
    "AVAILABLE": "green",
    "IN-USE": "cyan",
    "BUILD": "yellow",
    "REBUILD": "yellow",
    "RESIZE": "yellow",
    "VERIFY_RESIZE": "yellow",
    "MIGRATING": "yellow",
    "REBOOT": "yellow",
    "HARD_REBOOT": "yellow",
    "PAUSED": "blue",
    "SUSPENDED": "blue",
    "SHUTOFF": "bright_black",
    "SHUTDOWN": "bright_black",
    "SHELVED_OFFLOADED": "bright_black",
    "DISABLED": "bright_black",
    "DOWN": "bold red",
    "ERROR": "bold red",
    "CRASHED": "bold red",
    "DELETED": "red",
    "UNKNOWN": "bold yellow",  # Nova cannot say (a server in a cell that is down)
}


def yes_no(value: bool) -> str:
    return "yes" if value else "no"


def state_style(get: Callable[[Row], str]) -> Callable[[Row], str]:
    """Colour a state column by its value (ACTIVE green, ERROR red, BUILD yellow, ...)."""

    def style(row: Row) -> str:
        return _STATE_STYLES.get(get(row).upper(), "")

    return style


def state_col(title: str, name: str, *, min_width: int = 6, max_width: int = 14) -> Col:
    get = attr(name)
    return Col(title, get, min_width=min_width, max_width=max_width, style=state_style(get))


def task_col(title: str = "Task", name: str = "task_state") -> Col:
    """A task state: empty when idle, yellow while something is in flight."""
    get = attr(name)
    return Col(
        title, get, min_width=4, max_width=16, style=lambda row: "yellow" if get(row) else ""
    )


def number_col(title: str, name: str, *, unit: str = "", max_width: int = 10) -> Col:
    def text(row: Row) -> str:
        return f"{getattr(row, name)}{unit}"

    return Col(
        title,
        text,
        min_width=3,
        max_width=max_width,
        align="right",
        sort_key=lambda row: getattr(row, name),
    )


def count_col(title: str, count: Callable[[Row], int]) -> Col:
    return Col(
        title, lambda row: str(count(row)), min_width=3, max_width=8, align="right", sort_key=count
    )


def usage_col(title: str, used: str, total: str, *, scale: float = 1.0, unit: str = "") -> Col:
    """'used/total' with the cell reddening as the ratio fills up; sorts by the ratio."""

    def ratio(row: Row) -> float:
        whole = getattr(row, total)
        return getattr(row, used) / whole if whole else 0.0

    def text(row: Row) -> str:
        u, t = getattr(row, used) / scale, getattr(row, total) / scale
        return f"{u:.0f}/{t:.0f}{unit}"

    def style(row: Row) -> str:
        r = ratio(row)
        return "bold red" if r >= 0.9 else "yellow" if r >= 0.75 else ""

    return Col(title, text, min_width=5, max_width=14, align="right", style=style, sort_key=ratio)


def name_col(
    title: str,
    kind: Kind,
    name: str,
    *,
    known: str = "",
    min_width: int = 6,
    max_width: int = 24,
) -> Col:
    """An id (row attribute `name`) shown by its name, learned from one listing of its kind
    (`tui.names`): the id until that answers (ids the user cannot list stay ids), or the
    name the row came with (row attribute `known`: rows read from the cache while the
    cloud does not answer)."""

    def text(context: Context, row: Row) -> str:
        ident = getattr(row, name)
        shown = context.names.text(kind, ident)
        return (getattr(row, known) or shown) if known and shown == ident else shown

    return Col(
        title, in_context(text), min_width=min_width, max_width=max_width, named=(kind, name)
    )


def project_col(
    title: str = "Project", name: str = "project_id", max_width: int = 24, known: str = ""
) -> Col:
    """A project shown by name (ids of projects the user cannot list stay ids)."""
    return name_col(title, "project", name, known=known, max_width=max_width)
