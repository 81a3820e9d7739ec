"""A notice over the whole screen while the terminal is smaller than stackdeck's layouts need.

Every screen is laid out for at least 80x24. Below that, rather than a broken layout, the
current screen is covered by a short explanation; it goes away when the terminal is
large enough again. The app calls ``fit_to_terminal`` on every resize and screen change, so
no screen has to know about it.
"""

from __future__ import annotations

from rich.text import Text
from textual.geometry import Size
from textual.screen import Screen
from textual.widgets import Static

from tui.guard import GuardedHandlers

MIN_SIZE = Size(80, 24)


def too_small(size: Size) -> bool:
    return size.width < MIN_SIZE.width or size.height < MIN_SIZE.height


def notice_text(size: Size) -> Text:
    text = Text()
    text.append("The terminal is too small\n\n", style="bold")
    text.append(f"stackdeck needs {MIN_SIZE.width}x{MIN_SIZE.height}, ")
    text.append(f"now {size.width}x{size.height}.\n", style="bold")
    text.append("Make the window larger (or the font smaller) to go on; ctrl+c quits.")
    return text


class SmallTerminalNotice(GuardedHandlers, Static):
    """Covers its screen, whatever that screen's layout, while the terminal is too small
    (styles/app.tcss)."""


def fit_to_terminal(screen: Screen[object], size: Size) -> None:
    """Show the notice over ``screen`` while ``size`` is too small; remove it once not."""
    if not screen.is_mounted:  # a screen being pushed: once it is there
        screen.call_after_refresh(fit_to_terminal, screen, size)
        return
    if not screen.is_current:  # replaced meanwhile; fitted again when it comes back
        return
    notices = screen.query(SmallTerminalNotice)
    if not too_small(size):
        notices.remove()
        return
    if notices:
        notices.first().update(notice_text(size))
    else:
        screen.mount(SmallTerminalNotice(notice_text(size)))
