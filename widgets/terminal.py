"""An embedded terminal: a pyte screen drawn with Textual's Line API, fed by a TerminalSession.

Output is fed to pyte in slices with a yield to the event loop between them, and the widget
repaints at most 60 times a second, only the lines pyte marked dirty, so a flood of output
never starves the keyboard or the rest of the UI. Keys become the bytes an xterm would send;
`ctrl+]` gives the keyboard back to the app (`Terminal.Released`).
"""

from __future__ import annotations

import asyncio
import copy
from collections.abc import Callable, Iterable, Iterator
from functools import lru_cache
from itertools import groupby, repeat
from operator import itemgetter
from typing import Any

import pyte
from pyte.screens import Char, Cursor, StaticDefaultDict
from rich.color import Color, ColorParseError
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.geometry import Offset, Region, Size
from textual.message import Message
from textual.strip import Strip
from textual.timer import Timer
from textual.widget import Widget
from textual.worker import Worker

from tui.backend.sessions import TerminalSession
from tui.guard import GuardedHandlers
from tui.text import is_clean, safe

RELEASE_KEY = "ctrl+right_square_bracket"
FRAME_INTERVAL = 1 / 60
FEED_SLICE = 4096

APPLICATION_CURSOR = 1 << 5
CURSOR_VISIBLE = 25 << 5
BRACKETED_PASTE = 2004 << 5
ALTERNATE_SCREEN_MODES = frozenset({47, 1047, 1049})
SAVES_CURSOR = 1049

CSI = "\x1b["
SS3 = "\x1bO"
BACKTAB = CSI + "Z"
PASTE_START = CSI + "200~"
PASTE_END = CSI + "201~"

CURSOR_FINALS = {"up": "A", "down": "B", "right": "C", "left": "D", "home": "H", "end": "F"}
FUNCTION_FINALS = {"f1": "P", "f2": "Q", "f3": "R", "f4": "S"}
TILDE_CODES = {
    "insert": 2,
    "delete": 3,
    "pageup": 5,
    "pagedown": 6,
    "f5": 15,
    "f6": 17,
    "f7": 18,
    "f8": 19,
    "f9": 20,
    "f10": 21,
    "f11": 23,
    "f12": 24,
}
PLAIN_KEYS = {"enter": "\r", "tab": "\t", "backspace": "\x7f", "escape": "\x1b", "space": " "}
CONTROL_SYMBOLS = {
    "@": "\x00",
    "at": "\x00",
    "space": "\x00",
    "left_square_bracket": "\x1b",
    "backslash": "\x1c",
    "right_square_bracket": "\x1d",
    "circumflex_accent": "\x1e",
    "underscore": "\x1f",
    "question_mark": "\x7f",
    "backspace": "\x08",
    "enter": "\r",
    "tab": "\t",
    "escape": "\x1b",
}
MODIFIER_BITS = {"shift": 1, "alt": 2, "ctrl": 4}

PYTE_COLOUR_NAMES = {
    "black": "black",
    "red": "red",
    "green": "green",
    "brown": "yellow",
    "blue": "blue",
    "magenta": "magenta",
    "cyan": "cyan",
    "white": "white",
    "brightblack": "bright_black",
    "brightred": "bright_red",
    "brightgreen": "bright_green",
    "brightbrown": "bright_yellow",
    "brightblue": "bright_blue",
    "brightmagenta": "bright_magenta",
    "bfightmagenta": "bright_magenta",
    "brightcyan": "bright_cyan",
    "brightwhite": "bright_white",
}

Attributes = tuple[Any, ...]
"""A pyte Char minus its data: fg, bg, bold, italics, underscore, strikethrough, reverse, blink."""
DEFAULT_ATTRIBUTES: Attributes = Char(" ")[1:]
attributes_of: Callable[[Char], Attributes] = itemgetter(slice(1, None))
data_of: Callable[[Char], str] = itemgetter(0)


# -- keys ------------------------------------------------------------------------------


def key_to_bytes(
    key: str, character: str | None = None, *, app_cursor: bool = False
) -> bytes | None:
    """The bytes an xterm sends for a Textual key, or None for a key a terminal can't send."""
    sequence = key_sequence(key, character, app_cursor=app_cursor)
    return None if sequence is None else sequence.encode()


def key_sequence(key: str, character: str | None = None, *, app_cursor: bool = False) -> str | None:
    """`key_to_bytes`, as text."""
    *names, base = key.split("+")
    modifiers = set(names)
    modifier_code = 1 + sum(MODIFIER_BITS.get(name, 0) for name in modifiers)
    special = special_key(base, modifier_code, app_cursor)
    if special is not None:
        return special
    if "alt" in modifiers:
        unmodified = "+".join([*(name for name in names if name != "alt"), base])
        inner = key_sequence(unmodified, character, app_cursor=app_cursor)
        return None if inner is None else "\x1b" + inner
    if "ctrl" in modifiers and (control := control_character(base)) is not None:
        return control
    if base == "tab" and "shift" in modifiers:
        return BACKTAB
    if base in PLAIN_KEYS:
        return PLAIN_KEYS[base]
    if character is None and len(base) == 1:
        character = base.upper() if "shift" in modifiers else base
    if character is not None and character.isprintable():
        return character
    return None


def special_key(base: str, modifier_code: int, app_cursor: bool) -> str | None:
    """Cursor, editing and function keys; `modifier_code` is xterm's 1 + shift|alt|ctrl bits."""
    if base in CURSOR_FINALS:
        final = CURSOR_FINALS[base]
        if modifier_code > 1:
            return f"{CSI}1;{modifier_code}{final}"
        return (SS3 if app_cursor else CSI) + final
    if base in FUNCTION_FINALS:
        final = FUNCTION_FINALS[base]
        return f"{CSI}1;{modifier_code}{final}" if modifier_code > 1 else SS3 + final
    if base in TILDE_CODES:
        code = TILDE_CODES[base]
        return f"{CSI}{code};{modifier_code}~" if modifier_code > 1 else f"{CSI}{code}~"
    return None


def control_character(base: str) -> str | None:
    if len(base) == 1 and "a" <= base.lower() <= "z":
        return chr(ord(base.lower()) & 0x1F)
    return CONTROL_SYMBOLS.get(base)


def paste_bytes(text: str, *, bracketed: bool) -> bytes:
    """Pasted text as a terminal sends it: newlines as CR, wrapped when the program asked."""
    text = text.replace("\r\n", "\r").replace("\n", "\r")
    if bracketed:
        text = PASTE_START + text.replace(PASTE_END, "") + PASTE_END
    return text.encode()


# -- colours ---------------------------------------------------------------------------


@lru_cache(maxsize=1024)
def rich_colour(name: str) -> Color | None:
    """A pyte colour as a Rich colour; None for "default" (the widget's own colour)."""
    if name in PYTE_COLOUR_NAMES:
        return Color.parse(PYTE_COLOUR_NAMES[name])
    try:
        return Color.parse(f"#{name}")
    except ColorParseError:
        return None


class StylePalette:
    """Rich styles for pyte character attributes, resolved against the widget's colours."""

    def __init__(self, foreground: Color | None, background: Color | None) -> None:
        self.colours = (foreground, background)
        self._styles: dict[Attributes, Style] = {}
        self._cursor_styles: dict[Attributes, Style] = {}

    def style(self, attributes: Attributes) -> Style:
        style = self._styles.get(attributes)
        if style is None:
            style = self._styles[attributes] = self._build(attributes, cursor=False)
        return style

    def cursor_style(self, attributes: Attributes) -> Style:
        style = self._cursor_styles.get(attributes)
        if style is None:
            style = self._cursor_styles[attributes] = self._build(attributes, cursor=True)
        return style

    def _build(self, attributes: Attributes, *, cursor: bool) -> Style:
        fg, bg, bold, italics, underscore, strikethrough, reverse, blink = attributes
        colour = rich_colour(fg) or self.colours[0]
        background = rich_colour(bg) or self.colours[1]
        if reverse != cursor:
            colour, background = background, colour
        return Style(
            color=colour,
            bgcolor=background,
            bold=bold or None,
            italic=italics or None,
            underline=underscore or None,
            strike=strikethrough or None,
            blink=blink or None,
        )


def render_row(
    row: StaticDefaultDict[int, Char], columns: int, palette: StylePalette, cursor_x: int = -1
) -> Strip:
    """One screen row as a Strip of exactly `columns` cells, runs of equal style merged."""
    chars = list(map(row.get, range(columns), repeat(row.default, columns)))
    if 0 <= cursor_x < columns:
        cell = chars[cursor_x]
        segments = [
            *styled_runs(chars[:cursor_x], palette),
            Segment(cell.data or " ", palette.cursor_style(cell[1:])),
            *styled_runs(chars[cursor_x + 1 :], palette),
        ]
    else:
        segments = list(styled_runs(chars, palette))
    if all(segment.text.isascii() for segment in segments):
        return Strip(segments, columns)
    return Strip(segments).adjust_cell_length(columns, palette.style(DEFAULT_ATTRIBUTES))


def styled_runs(chars: Iterable[Char], palette: StylePalette) -> Iterator[Segment]:
    style = palette.style
    for attributes, run in groupby(chars, attributes_of):
        text = "".join(map(data_of, run))
        yield Segment(text if is_clean(text) else safe(text), style(attributes))


def line_runs(rows: Iterable[int]) -> list[tuple[int, int]]:
    """Sorted row numbers as (first, count) runs of consecutive rows."""
    runs: list[tuple[int, int]] = []
    for y in sorted(rows):
        if runs and runs[-1][0] + runs[-1][1] == y:
            runs[-1] = (runs[-1][0], runs[-1][1] + 1)
        else:
            runs.append((y, 1))
    return runs


# -- the emulated screen ---------------------------------------------------------------


class TerminalScreen(pyte.Screen):
    """pyte's screen plus the xterm alternate screen, a gentler resize, and query replies."""

    def __init__(
        self, columns: int, lines: int, reply: Callable[[str], None] | None = None
    ) -> None:
        self.reply = reply
        self._main_screen: tuple[Any, Cursor] | None = None
        super().__init__(columns, lines)

    @property
    def alternate(self) -> bool:
        """Whether the alternate screen (less, top, vim...) is showing."""
        return self._main_screen is not None

    def reset(self) -> None:
        super().reset()
        self._main_screen = None

    def set_mode(self, *modes: int, **kwargs: Any) -> None:
        super().set_mode(*modes, **kwargs)
        if kwargs.get("private") and ALTERNATE_SCREEN_MODES.intersection(modes):
            self._enter_alternate()

    def reset_mode(self, *modes: int, **kwargs: Any) -> None:
        super().reset_mode(*modes, **kwargs)
        if kwargs.get("private") and (switched := ALTERNATE_SCREEN_MODES.intersection(modes)):
            self._leave_alternate(restore_cursor=SAVES_CURSOR in switched)

    def _enter_alternate(self) -> None:
        if self._main_screen is None:
            self._main_screen = (self.buffer, copy.copy(self.cursor))
            self.buffer = type(self.buffer)(self.buffer.default_factory)
            self.dirty.update(range(self.lines))

    def _leave_alternate(self, *, restore_cursor: bool) -> None:
        if self._main_screen is None:
            return
        self.buffer, cursor = self._main_screen
        self._main_screen = None
        for y in [y for y in self.buffer if y >= self.lines]:
            del self.buffer[y]
        if restore_cursor:
            self.cursor = cursor
            self.ensure_hbounds()
            self.ensure_vbounds()
        self.dirty.update(range(self.lines))

    def resize(self, lines: int | None = None, columns: int | None = None) -> None:
        """Resize, dropping rows from the top only as far as needed to keep the cursor row."""
        lines, columns = lines or self.lines, columns or self.columns
        if (lines, columns) == (self.lines, self.columns):
            return
        if lines < self.lines:
            self._scroll_rows_off(max(0, self.cursor.y - lines + 1))
            for y in [y for y in self.buffer if y >= lines]:
                del self.buffer[y]
        if columns < self.columns:
            for row in self.buffer.values():
                for x in [x for x in row if x >= columns]:
                    del row[x]
        self.tabstops.update(range(8, columns, 8))
        self.lines, self.columns = lines, columns
        self.margins = None
        self.ensure_hbounds()
        self.ensure_vbounds()
        self.dirty.update(range(lines))

    def _scroll_rows_off(self, count: int) -> None:
        if count:
            rows = [self.buffer[y] for y in range(count, self.lines)]
            self.buffer.clear()
            self.buffer.update(enumerate(rows))
            self.cursor.y -= count

    def write_process_input(self, data: str) -> None:
        if self.reply is not None:
            self.reply(data)

    # Text from the remote side enters the screen here. pyte drops C1 controls and bidi
    # overrides, and with them the rest of the chunk: shown visibly instead, like everywhere.
    def draw(self, data: str) -> None:
        super().draw(safe(data))

    def set_title(self, param: str) -> None:
        super().set_title(safe(param))

    def set_icon_name(self, param: str) -> None:
        super().set_icon_name(safe(param))


# -- the widget ------------------------------------------------------------------------


class Terminal(GuardedHandlers, Widget, can_focus=True):
    """A terminal emulator showing a TerminalSession (a local PTY or an SSH channel).

    The terminal owns the session once attached: it closes it when unmounted.
    """

    captures_ctrl_c = True  # the app's quit key goes to the remote program instead

    class Closed(Message):
        """The session ended by itself (the program exited or the connection was lost)."""

        def __init__(self, terminal: Terminal, exit_status: int | None, error: str | None) -> None:
            super().__init__()
            self.terminal = terminal
            self.exit_status = exit_status
            self.error = error

        @property
        def control(self) -> Terminal:
            return self.terminal

    class Released(Message):
        """The user pressed the release key: the app should take the keyboard back."""

        def __init__(self, terminal: Terminal) -> None:
            super().__init__()
            self.terminal = terminal

        @property
        def control(self) -> Terminal:
            return self.terminal

    class TitleChanged(Message):
        """The program set the window title (OSC 0 or 2)."""

        def __init__(self, terminal: Terminal, title: str) -> None:
            super().__init__()
            self.terminal = terminal
            self.title = title

        @property
        def control(self) -> Terminal:
            return self.terminal

    def __init__(
        self,
        session: TerminalSession | None = None,
        *,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._initial_session = session
        self._session: TerminalSession | None = None
        self._reader: Worker[None] | None = None
        self._ended = False
        self._vt = TerminalScreen(80, 24, reply=self._reply)
        self._vt_stream = pyte.ByteStream(self._vt)
        self._palette = StylePalette(None, None)
        self._palette_source: object = None
        self._sized = asyncio.Event()
        self._frame_timer: Timer | None = None
        self._painted_cursor: int | None = None
        self._announced_title = ""

    # -- public surface ------------------------------------------------------------------

    @property
    def session(self) -> TerminalSession | None:
        return self._session

    @property
    def interactive(self) -> bool:
        """Whether keys go to a running session."""
        return self._session is not None and not self._ended

    @property
    def title(self) -> str:
        """The title the program set, else the session's own title."""
        if self._vt.title:
            return self._vt.title
        return self._session.title if self._session is not None else ""

    @property
    def cursor(self) -> Offset:
        return Offset(self._vt.cursor.x, self._vt.cursor.y)

    @property
    def terminal_size(self) -> Size:
        """Columns and rows of the emulated screen."""
        return Size(self._vt.columns, self._vt.lines)

    @property
    def alternate_screen(self) -> bool:
        """Whether a full-screen program (less, top, vim...) has the alternate screen up."""
        return self._vt.alternate

    def screen_lines(self) -> list[str]:
        """The screen's text, one string per row, padded to the width."""
        return self._vt.display

    async def wait_for_size(self) -> Size:
        """The screen size once the widget has been laid out (to open a remote PTY with)."""
        await self._sized.wait()
        return self.terminal_size

    async def attach(self, session: TerminalSession) -> None:
        """Show `session` from the first layout on; the terminal then owns it."""
        await self.wait_for_size()
        if self._session is not None and self._session is not session:
            await self.close()
        self._session = session
        self._ended = False
        self.refresh_bindings()  # keys now go to the session: the screen's key bar changes
        session.resize(self._vt.columns, self._vt.lines)
        self._reader = self.run_worker(
            self._pump(session),
            name="terminal-reader",
            group="terminal",
            exclusive=True,
        )

    async def close(self) -> None:
        """Stop reading and close the session. No Closed message follows."""
        session, self._session = self._session, None
        if self.is_attached:
            self.refresh_bindings()
        if self._reader is not None:
            self._reader.cancel()
            self._reader = None
        if session is not None:
            await session.close()

    def feed(self, data: bytes) -> None:
        """Show program output (what the session reads; tests and demos feed it directly)."""
        self._vt_stream.feed(data)
        self._schedule_flush()

    # -- reading -------------------------------------------------------------------------

    async def _pump(self, session: TerminalSession) -> None:
        error: str | None = None
        try:
            while chunk := await session.read():
                for start in range(0, len(chunk), FEED_SLICE):
                    self.feed(chunk[start : start + FEED_SLICE])
                    await asyncio.sleep(0)
        except Exception as exc:
            error = safe(str(exc) or type(exc).__name__)
        self._ended = True
        self._flush()
        self.refresh_bindings()
        self.post_message(self.Closed(self, session.exit_status, error))

    def _reply(self, data: str) -> None:
        if self.interactive and self._session is not None:
            self._session.write(data.encode())

    # -- painting ------------------------------------------------------------------------

    def _schedule_flush(self) -> None:
        if self._frame_timer is not None:
            self._frame_timer.resume()

    def _on_frame(self) -> None:
        if self._frame_timer is not None:
            self._frame_timer.pause()
        self._flush()

    def _flush(self) -> None:
        """Repaint the rows pyte marked dirty, and the rows the cursor left and entered."""
        vt = self._vt
        rows = {y for y in vt.dirty if y < vt.lines}
        vt.dirty.clear()
        rows.add(vt.cursor.y)
        if self._painted_cursor is not None:
            rows.add(self._painted_cursor)
        self._refresh_rows(rows)
        self._announce_title()

    def _refresh_rows(self, rows: Iterable[int]) -> None:
        width = self.size.width
        for start, count in line_runs(rows):
            self.refresh(Region(0, start, width, count))

    def _announce_title(self) -> None:
        if self._vt.title != self._announced_title:
            self._announced_title = self._vt.title
            self.post_message(self.TitleChanged(self, self._vt.title))

    def _current_palette(self) -> StylePalette:
        visual = self.visual_style
        if visual is not self._palette_source:
            self._palette_source = visual
            background = visual.background
            colours = ((background + visual.foreground).rich_color, background.rich_color)
            if self._palette.colours != colours:
                self._palette = StylePalette(*colours)
        return self._palette

    def _cursor_column(self, y: int) -> int:
        vt = self._vt
        cursor = vt.cursor
        if y != cursor.y or cursor.hidden or CURSOR_VISIBLE not in vt.mode:
            return -1
        if not self.has_focus or self._ended:
            return -1
        return min(cursor.x, vt.columns - 1)

    def render_line(self, y: int) -> Strip:
        palette = self._current_palette()
        if y >= self._vt.lines:
            return Strip.blank(self.size.width, palette.style(DEFAULT_ATTRIBUTES))
        cursor_x = self._cursor_column(y)
        if cursor_x >= 0:
            self._painted_cursor = y
        return render_row(self._vt.buffer[y], self._vt.columns, palette, cursor_x)

    # -- events --------------------------------------------------------------------------

    def on_mount(self) -> None:
        self._frame_timer = self.set_interval(
            FRAME_INTERVAL, self._on_frame, name="terminal-frame", pause=True
        )
        if self._initial_session is not None:
            self.call_after_refresh(self._attach_initial_session)

    def _attach_initial_session(self) -> None:
        session, self._initial_session = self._initial_session, None
        if session is not None:
            self.run_worker(self.attach(session), group="terminal-attach")

    async def on_unmount(self) -> None:
        await self.close()

    def on_resize(self) -> None:
        cols, rows = self.size
        if cols <= 0 or rows <= 0:
            return
        self._vt.resize(rows, cols)
        if self.interactive and self._session is not None:
            self._session.resize(cols, rows)
        self._sized.set()
        self.refresh()

    def on_focus(self) -> None:
        self._refresh_rows([self._vt.cursor.y])

    def on_blur(self) -> None:
        self._refresh_rows([self._vt.cursor.y])

    def on_key(self, event: events.Key) -> None:
        if event.key == RELEASE_KEY:
            event.stop()
            event.prevent_default()
            self.post_message(self.Released(self))
            return
        data = self._key_bytes(event.key, event.character)
        if data is None or self._session is None:
            return
        event.stop()
        event.prevent_default()
        self._session.write(data)

    def on_paste(self, event: events.Paste) -> None:
        if not self.interactive or self._session is None:
            return
        event.stop()
        event.prevent_default()
        self._session.write(paste_bytes(event.text, bracketed=BRACKETED_PASTE in self._vt.mode))

    def check_consume_key(self, key: str, character: str | None) -> bool:
        # RELEASE_KEY is handled here too, but left to the screen's bindings so the key bar shows it
        return key != RELEASE_KEY and self._key_bytes(key, character) is not None

    def _key_bytes(self, key: str, character: str | None) -> bytes | None:
        if not self.interactive:
            return None
        return key_to_bytes(key, character, app_cursor=APPLICATION_CURSOR in self._vt.mode)
