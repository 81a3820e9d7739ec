"""The embedded terminal (widgets/terminal.py) against real PTYs (tui/backend/sessions.py)."""

from __future__ import annotations

import asyncio
import shutil
import signal
import sys
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from itertools import pairwise
from pathlib import Path
from time import monotonic

import pyte
import pytest
from rich.color import Color
from rich.style import Style
from textual import events
from textual.app import App, ComposeResult
from textual.pilot import Pilot

from tui.backend.sessions import LocalPtySession
from tui.widgets.terminal import (
    StylePalette,
    Terminal,
    TerminalScreen,
    key_to_bytes,
    line_runs,
    paste_bytes,
    render_row,
    rich_colour,
)

REPO = Path(__file__).resolve().parents[2]
STYLES = REPO / "styles" / "terminal.tcss"
SHELL = ["bash", "--norc", "--noprofile", "-i"]
ENV = {
    "PS1": "$ ",
    "HISTFILE": "",
    "INPUTRC": "/dev/null",
    "LESS": "",
    "LESSHISTFILE": "-",
    "LANG": "C.UTF-8",
}

# Echoes every read from its raw-mode terminal as hex, one read per line. "A" switches
# application cursor mode on, "B" bracketed paste; "q" quits.
ECHO_HEX = r"""
import os, tty
tty.setraw(0)
os.write(1, b"ready\r\n")
modes = {b"A": b"\x1b[?1h", b"B": b"\x1b[?2004h"}
while True:
    data = os.read(0, 1024)
    os.write(1, modes.get(data, b"") + data.hex().encode() + b"\r\n")
    if data == b"q":
        break
"""

# Asks the terminal where its cursor is (DSR 6) and what it is (DA), prints the replies.
QUERY = r"""
import os, tty
tty.setraw(0)
def ask(query, end):
    os.write(1, query)
    reply = b""
    while not reply.endswith(end):
        reply += os.read(0, 1)
    return reply
cpr = ask(b"\x1b[3;5H\x1b[6n", b"R")
da = ask(b"\x1b[c", b"c")
os.write(1, b"\r\ncpr " + cpr.hex().encode() + b"\r\nda " + da.hex().encode() + b"\r\n")
"""

# Counts what it reads from its raw-mode terminal until it has COUNT bytes.
COUNT = 300_000
SINK = rf"""
import os, tty
tty.setraw(0)
os.write(1, b"ready\r\n")
n = 0
while n < {COUNT}:
    n += len(os.read(0, 65536))
os.write(1, b"got %d\r\n" % n)
"""

COLOURS = (
    r"printf '\033[33mY\033[38;5;208mO\033[38;2;1;2;3mT\033[1;4;7mX"
    r"\033[0m\033[93;105mB\033[0m\033[3;9mI\033[0m'; exec sleep 60"
)

Start = Callable[..., Awaitable[LocalPtySession]]


def lines(terminal: Terminal) -> list[str]:
    return [line.rstrip() for line in terminal.screen_lines()]


class TerminalApp(App[None]):
    CSS_PATH = str(STYLES)

    def __init__(self, session: LocalPtySession | None = None) -> None:
        super().__init__()
        self.session = session
        self.closed: list[Terminal.Closed] = []
        self.released: list[list[str]] = []
        self.titles: list[str] = []
        self.ticks: list[float] = []

    def compose(self) -> ComposeResult:
        yield Terminal(self.session, id="terminal")

    def on_mount(self) -> None:
        self.query_one(Terminal).focus()

    def on_terminal_closed(self, event: Terminal.Closed) -> None:
        self.closed.append(event)

    def on_terminal_released(self, event: Terminal.Released) -> None:
        self.released.append(lines(event.terminal))

    def on_terminal_title_changed(self, event: Terminal.TitleChanged) -> None:
        self.titles.append(event.title)

    def tick(self) -> None:
        self.ticks.append(monotonic())


def session_processes(session_ids: set[int]) -> list[str]:
    """Live (non-zombie) processes in any of the given sessions, as /proc stat lines."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        state, _ppid, _pgrp, session = text.rsplit(")", 1)[1].split()[:4]
        if int(session) in session_ids and state != "Z":
            found.append(text.strip())
    return found


async def no_processes_left(session_ids: set[int], timeout: float = 3.0) -> list[str]:
    deadline = monotonic() + timeout
    while (left := session_processes(session_ids)) and monotonic() < deadline:
        await asyncio.sleep(0.05)
    return left


@pytest.fixture
async def start() -> AsyncIterator[Start]:
    """Start PTY sessions; afterwards close them and check no process of theirs is left."""
    started: list[LocalPtySession] = []

    async def start_session(argv: Sequence[str], cols: int = 80, rows: int = 24) -> LocalPtySession:
        session = await LocalPtySession.start(argv, cols, rows, env=ENV)
        started.append(session)
        return session

    yield start_session
    for session in started:
        await session.close()
    assert await no_processes_left({session.pid for session in started}) == []


async def wait_for(
    pilot: Pilot[None], condition: Callable[[], bool], what: str, timeout: float = 10.0
) -> None:
    deadline = monotonic() + timeout
    while not condition():
        if monotonic() > deadline:
            screen = "\n".join(pilot.app.query_one(Terminal).screen_lines()).rstrip()
            pytest.fail(f"timed out waiting for {what}; the terminal shows:\n{screen}")
        await pilot.pause(0.02)


def shows(terminal: Terminal, line: str) -> Callable[[], bool]:
    return lambda: line in lines(terminal)


async def run(pilot: Pilot[None], command: str) -> None:
    await pilot.press(*command, "enter")


async def prompt(pilot: Pilot[None], terminal: Terminal) -> None:
    await wait_for(pilot, lambda: lines(terminal)[terminal.cursor.y] == "$", "the shell prompt")


def styles_by_text(terminal: Terminal, y: int) -> dict[str, Style]:
    return {segment.text: segment.style for segment in terminal.render_line(y) if segment.style}


# -- pure parts ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "character", "app_cursor", "expected"),
    [
        ("a", "a", False, b"a"),
        ("A", "A", False, b"A"),
        ("shift+a", "A", False, b"A"),
        ("eacute", "é", False, "é".encode()),
        ("space", " ", False, b" "),
        ("enter", "\r", False, b"\r"),
        ("tab", "\t", False, b"\t"),
        ("shift+tab", None, False, b"\x1b[Z"),
        ("backspace", "\x7f", False, b"\x7f"),
        ("escape", "\x1b", False, b"\x1b"),
        ("ctrl+a", "\x01", False, b"\x01"),
        ("ctrl+c", None, False, b"\x03"),
        ("ctrl+z", "\x1a", False, b"\x1a"),
        ("ctrl+@", "\x00", False, b"\x00"),
        ("ctrl+space", None, False, b"\x00"),
        ("ctrl+backslash", "\x1c", False, b"\x1c"),
        ("ctrl+underscore", "\x1f", False, b"\x1f"),
        ("up", None, False, b"\x1b[A"),
        ("down", None, False, b"\x1b[B"),
        ("right", None, False, b"\x1b[C"),
        ("left", None, False, b"\x1b[D"),
        ("up", None, True, b"\x1bOA"),
        ("down", None, True, b"\x1bOB"),
        ("right", None, True, b"\x1bOC"),
        ("left", None, True, b"\x1bOD"),
        ("home", None, False, b"\x1b[H"),
        ("end", None, False, b"\x1b[F"),
        ("home", None, True, b"\x1bOH"),
        ("end", None, True, b"\x1bOF"),
        ("ctrl+up", None, True, b"\x1b[1;5A"),
        ("shift+left", None, False, b"\x1b[1;2D"),
        ("alt+right", None, False, b"\x1b[1;3C"),
        ("insert", None, False, b"\x1b[2~"),
        ("delete", None, False, b"\x1b[3~"),
        ("pageup", None, False, b"\x1b[5~"),
        ("pagedown", None, True, b"\x1b[6~"),
        ("ctrl+delete", None, False, b"\x1b[3;5~"),
        ("f1", None, False, b"\x1bOP"),
        ("f2", None, False, b"\x1bOQ"),
        ("f3", None, False, b"\x1bOR"),
        ("f4", None, False, b"\x1bOS"),
        ("f5", None, False, b"\x1b[15~"),
        ("f6", None, False, b"\x1b[17~"),
        ("f7", None, False, b"\x1b[18~"),
        ("f8", None, False, b"\x1b[19~"),
        ("f9", None, False, b"\x1b[20~"),
        ("f10", None, False, b"\x1b[21~"),
        ("f11", None, False, b"\x1b[23~"),
        ("f12", None, False, b"\x1b[24~"),
        ("shift+f1", None, False, b"\x1b[1;2P"),
        ("ctrl+f5", None, False, b"\x1b[15;5~"),
        ("alt+x", "x", False, b"\x1bx"),
        ("alt+x", None, False, b"\x1bx"),
        ("alt+shift+x", "X", False, b"\x1bX"),
        ("alt+enter", None, False, b"\x1b\r"),
        ("alt+ctrl+a", None, False, b"\x1b\x01"),
        ("f24", None, False, None),
        ("ctrl+f99", None, False, None),
    ],
)
def test_key_translation(
    key: str, character: str | None, app_cursor: bool, expected: bytes | None
) -> None:
    assert key_to_bytes(key, character, app_cursor=app_cursor) == expected


def test_paste_bytes() -> None:
    assert paste_bytes("ls\n-l\r\n", bracketed=False) == b"ls\r-l\r"
    assert paste_bytes("a\nb", bracketed=True) == b"\x1b[200~a\rb\x1b[201~"
    assert paste_bytes("x\x1b[201~rm -rf /\n", bracketed=True) == b"\x1b[200~xrm -rf /\r\x1b[201~"


def test_pyte_colour_names() -> None:
    assert rich_colour("default") is None
    assert rich_colour("brown") == Color.parse("yellow")
    assert rich_colour("brightbrown") == Color.parse("bright_yellow")
    assert rich_colour("bfightmagenta") == Color.parse("bright_magenta")
    assert rich_colour("brightblack") == Color.parse("bright_black")
    assert rich_colour("ff8700") == Color.parse("#ff8700")


def test_line_runs() -> None:
    assert line_runs([5, 1, 2, 3, 9, 8]) == [(1, 3), (5, 1), (8, 2)]
    assert line_runs([]) == []


def feed(screen: TerminalScreen, text: str) -> None:
    pyte.ByteStream(screen).feed(text.encode())


@pytest.mark.parametrize("mode", [1049, 1047, 47])
def test_alternate_screen_restores_the_main_screen(mode: int) -> None:
    screen = TerminalScreen(20, 5)
    feed(screen, "one\r\ntwo\r\n$ ")
    feed(screen, f"\x1b[?{mode}h")
    assert screen.alternate
    assert [line.rstrip() for line in screen.display] == [""] * 5
    feed(screen, "\x1b[Hfull screen app\x1b[5;1Hstatus")
    assert screen.display[0].rstrip() == "full screen app"
    feed(screen, f"\x1b[?{mode}l")
    assert not screen.alternate
    assert [line.rstrip() for line in screen.display] == ["one", "two", "$", "", ""]
    if mode == 1049:
        assert (screen.cursor.x, screen.cursor.y) == (2, 2)


def test_resize_keeps_the_cursor_row_and_drops_rows_above_only_when_needed() -> None:
    screen = TerminalScreen(20, 10)
    feed(screen, "a\r\nb\r\n$ ")
    screen.resize(5, 10)
    assert [line.rstrip() for line in screen.display] == ["a", "b", "$", "", ""]
    feed(screen, "\x1b[5;1Hlast")
    screen.resize(3, 10)
    assert [line.rstrip() for line in screen.display] == ["$", "", "last"]
    assert screen.cursor.y == 2
    screen.resize(3, 40)
    feed(screen, "\r\t\t\t\tx")
    assert screen.cursor.x == 33


def test_wide_characters_keep_the_row_width() -> None:
    screen = TerminalScreen(10, 2)
    feed(screen, "日本語 ok")
    strip = render_row(screen.buffer[0], 10, StylePalette(None, None))
    assert strip.cell_length == 10
    assert strip.text == "日本語 ok "


class BrokenSession:
    """A session whose connection drops on the first read."""

    title = "vm-1"
    exit_status = None

    async def read(self) -> bytes:
        raise ConnectionResetError("connection lost")

    def write(self, data: bytes) -> None:
        raise AssertionError("nothing should be written")

    def resize(self, cols: int, rows: int) -> None:
        pass

    async def close(self) -> None:
        pass


async def test_a_lost_connection_posts_closed_with_the_error() -> None:
    app = TerminalApp()
    async with app.run_test(size=(80, 24)) as pilot:
        terminal = app.query_one(Terminal)
        await terminal.attach(BrokenSession())
        await wait_for(pilot, lambda: bool(app.closed), "Closed")
        assert [(event.exit_status, event.error) for event in app.closed] == [
            (None, "connection lost")
        ]
        assert terminal.title == "vm-1"
        assert not terminal.check_consume_key("a", "a")


# -- against a real PTY ----------------------------------------------------------------


async def read_until(session: LocalPtySession, marker: bytes) -> bytes:
    output = b""
    while marker not in output:
        chunk = await asyncio.wait_for(session.read(), timeout=10)
        assert chunk, f"EOF before {marker!r}; got {output[-200:]!r}"
        output += chunk
    return output


async def test_a_write_bigger_than_the_pty_buffer_is_queued_not_dropped(start: Start) -> None:
    session = await start([sys.executable, "-c", SINK])
    await read_until(session, b"ready")
    session.write(b"x" * COUNT)
    await read_until(session, b"got %d" % COUNT)


async def test_typed_command_output_appears(start: Start) -> None:
    app = TerminalApp(await start(SHELL))
    async with app.run_test(size=(80, 24)) as pilot:
        terminal = app.query_one(Terminal)
        await prompt(pilot, terminal)
        await run(pilot, "echo hello")
        await wait_for(pilot, shows(terminal, "hello"), "the command's output")
        assert "$ echo hello" in lines(terminal)
        await prompt(pilot, terminal)


async def test_keys_reach_a_program_in_both_cursor_modes(start: Start) -> None:
    app = TerminalApp(await start([sys.executable, "-c", ECHO_HEX]))
    async with app.run_test(size=(80, 24)) as pilot:
        terminal = app.query_one(Terminal)
        await wait_for(pilot, shows(terminal, "ready"), "the program")
        expected = {
            "up": "1b5b41",
            "ctrl+a": "01",
            "f5": "1b5b31357e",
            "pagedown": "1b5b367e",
            "alt+x": "1b78",
            "é": "c3a9",
        }
        for key, hex_bytes in expected.items():
            await pilot.press(key)
            await wait_for(pilot, shows(terminal, hex_bytes), f"{key} as {hex_bytes}")

        await pilot.press("A")
        await wait_for(pilot, shows(terminal, "41"), "application cursor mode")
        await pilot.press("up", "left")
        await wait_for(pilot, shows(terminal, "1b4f44"), "left in application cursor mode")
        assert "1b4f41" in lines(terminal)


async def test_release_key_posts_released_and_is_not_sent(start: Start) -> None:
    app = TerminalApp(await start([sys.executable, "-c", ECHO_HEX]))
    async with app.run_test(size=(80, 24)) as pilot:
        terminal = app.query_one(Terminal)
        await wait_for(pilot, shows(terminal, "ready"), "the program")
        # not "consumed": the screen's binding for it stays in the key bar
        assert not terminal.check_consume_key("ctrl+right_square_bracket", None)
        await pilot.press("ctrl+right_square_bracket", "z")
        await wait_for(pilot, shows(terminal, "7a"), "the key after the release key")
        assert len(app.released) == 1
        assert "1d" not in lines(terminal)


async def test_paste_is_bracketed_when_the_program_asks(start: Start) -> None:
    app = TerminalApp(await start([sys.executable, "-c", ECHO_HEX]))
    async with app.run_test(size=(80, 24)) as pilot:
        terminal = app.query_one(Terminal)
        await wait_for(pilot, shows(terminal, "ready"), "the program")
        terminal.post_message(events.Paste("a\nb"))
        await wait_for(pilot, shows(terminal, "610d62"), "the plain paste")
        await pilot.press("B")
        await wait_for(pilot, shows(terminal, "42"), "bracketed paste mode")
        terminal.post_message(events.Paste("a\nb"))
        bracketed = paste_bytes("a\nb", bracketed=True).hex()
        await wait_for(pilot, shows(terminal, bracketed), "the bracketed paste")


async def test_colours_and_attributes_become_rich_styles(start: Start) -> None:
    app = TerminalApp(await start(["sh", "-c", COLOURS]))
    async with app.run_test(size=(80, 24)) as pilot:
        terminal = app.query_one(Terminal)
        await wait_for(pilot, lambda: lines(terminal)[0] == "YOTXBI", "the coloured text")
        styles = styles_by_text(terminal, 0)
        default = styles["I"]
        assert styles["Y"].color == Color.parse("yellow")
        assert styles["O"].color == Color.parse("#ff8700")
        assert styles["T"].color == Color.parse("#010203")
        assert styles["T"].bgcolor == default.bgcolor
        reverse = styles["X"]
        assert reverse.bold and reverse.underline
        assert reverse.bgcolor == Color.parse("#010203")
        assert reverse.color == default.bgcolor
        assert styles["B"].color == Color.parse("bright_yellow")
        assert styles["B"].bgcolor == Color.parse("bright_magenta")
        assert default.italic and default.strike
        assert default.color is not None and default.bgcolor is not None


async def test_cursor_is_drawn_reversed_only_with_focus(start: Start) -> None:
    app = TerminalApp(await start(["sh", "-c", "printf 'ab'; exec sleep 60"]))
    async with app.run_test(size=(80, 24)) as pilot:
        terminal = app.query_one(Terminal)
        await wait_for(pilot, lambda: lines(terminal)[0] == "ab", "the text")
        text = styles_by_text(terminal, 0)["ab"]
        cursor = list(terminal.render_line(0))[1]
        assert cursor.text == " "
        assert (cursor.style.color, cursor.style.bgcolor) == (text.bgcolor, text.color)
        terminal.blur()
        await pilot.pause()
        assert [segment.text.rstrip() for segment in terminal.render_line(0)] == ["ab"]


async def test_less_runs_scrolls_and_gives_the_shell_screen_back(start: Start) -> None:
    if shutil.which("less") is None:
        pytest.skip("less is not installed (apt-get install -y less)")
    app = TerminalApp(await start(SHELL))
    async with app.run_test(size=(80, 24)) as pilot:
        terminal = app.query_one(Terminal)
        await prompt(pilot, terminal)
        await run(pilot, "echo before-less")
        await prompt(pilot, terminal)
        before = lines(terminal)[: terminal.cursor.y]

        await run(pilot, "seq 1 500 | less")
        await wait_for(pilot, lambda: terminal.alternate_screen, "less's alternate screen")
        await wait_for(pilot, lambda: lines(terminal)[0] == "1", "less's first page")
        await pilot.press("down")
        await wait_for(pilot, lambda: lines(terminal)[0] == "2", "less to scroll one line")

        await pilot.press("q")
        await wait_for(pilot, lambda: not terminal.alternate_screen, "less to quit")
        await prompt(pilot, terminal)
        after = lines(terminal)
        assert before == ["$ echo before-less", "before-less"]
        assert after[: len(before) + 1] == [*before, "$ seq 1 500 | less"]


async def test_top_runs_refreshes_takes_keys_and_quits(start: Start) -> None:
    """procps top draws in place (no alternate screen here): header, table, live refresh."""
    if shutil.which("top") is None:
        pytest.skip("top is not installed (apt-get install -y procps)")
    app = TerminalApp(await start(SHELL))
    async with app.run_test(size=(100, 30)) as pilot:
        terminal = app.query_one(Terminal)
        await prompt(pilot, terminal)
        await run(pilot, "top -d 0.3")
        await wait_for(pilot, lambda: lines(terminal)[0].startswith("top - "), "top's header")
        await wait_for(
            pilot, lambda: any("PID" in line for line in lines(terminal)), "top's process table"
        )
        first = lines(terminal)[0]
        await wait_for(pilot, lambda: lines(terminal)[0] != first, "top to refresh itself")
        await pilot.press("M")  # sort by memory: top answers keys
        await wait_for(
            pilot, lambda: any("%MEM" in line for line in lines(terminal)), "the sorted table"
        )
        await pilot.press("q")
        await prompt(pilot, terminal)
        await run(pilot, "echo after-top")
        await wait_for(
            pilot, lambda: any(line == "after-top" for line in lines(terminal)), "the shell back"
        )


async def test_widget_size_reaches_the_pty(start: Start) -> None:
    app = TerminalApp(await start(SHELL, cols=40, rows=10))
    async with app.run_test(size=(80, 24)) as pilot:
        terminal = app.query_one(Terminal)
        await prompt(pilot, terminal)
        await run(pilot, "stty size")
        await wait_for(pilot, shows(terminal, "24 80"), "stty to report 24 rows, 80 columns")

        await pilot.resize_terminal(100, 30)
        await wait_for(pilot, lambda: terminal.terminal_size == (100, 30), "the resize")
        await run(pilot, "stty size")
        await wait_for(pilot, shows(terminal, "30 100"), "stty to report 30 rows, 100 columns")


async def test_terminal_queries_are_answered(start: Start) -> None:
    app = TerminalApp(await start([sys.executable, "-c", QUERY]))
    async with app.run_test(size=(80, 24)) as pilot:
        terminal = app.query_one(Terminal)
        await wait_for(pilot, lambda: bool(app.closed), "the program to finish")
        assert "cpr " + b"\x1b[3;5R".hex() in lines(terminal)
        assert "da " + b"\x1b[?6c".hex() in lines(terminal)


async def test_a_flood_of_output_leaves_the_ui_responsive(start: Start) -> None:
    app = TerminalApp(await start(SHELL))
    async with app.run_test(size=(80, 24)) as pilot:
        terminal = app.query_one(Terminal)
        await prompt(pilot, terminal)
        app.set_interval(0.02, app.tick)
        await pilot.press(*"yes | head -n 200000; echo flood-done")
        terminal.post_message(events.Key("enter", "\r"))
        await wait_for(pilot, lambda: lines(terminal).count("y") > 10, "the flood")
        flood_started = monotonic()
        terminal.post_message(events.Key("ctrl+right_square_bracket", None))
        await wait_for(pilot, lambda: bool(app.released), "the release key")
        await wait_for(pilot, shows(terminal, "flood-done"), "the end of the flood", timeout=60)
        flood_ended = monotonic()

        assert "y" in app.released[0]
        assert "flood-done" not in app.released[0], "the key waited for the flood to end"
        ticks = [t for t in app.ticks if flood_started <= t <= flood_ended]
        gaps = [b - a for a, b in pairwise(ticks)]
        assert len(ticks) >= 5, "the interval timer stopped firing during the flood"
        assert max(gaps) < 0.5, "the event loop was blocked for half a second"
        await prompt(pilot, terminal)
        assert lines(terminal)[-3:] == ["y", "flood-done", "$"]


async def test_exit_posts_closed_with_the_status(start: Start) -> None:
    app = TerminalApp(await start(SHELL))
    async with app.run_test(size=(80, 24)) as pilot:
        terminal = app.query_one(Terminal)
        await prompt(pilot, terminal)
        await run(pilot, "exit 3")
        await wait_for(pilot, lambda: bool(app.closed), "Closed")
        assert [(event.exit_status, event.error) for event in app.closed] == [(3, None)]
        assert not terminal.interactive
        assert not terminal.check_consume_key("a", "a")
        assert "$ exit 3" in lines(terminal)


async def test_title_from_osc() -> None:
    app = TerminalApp()
    async with app.run_test(size=(80, 24)) as pilot:
        terminal = app.query_one(Terminal)
        await pilot.pause()
        terminal.feed(b"\x1b]0;root@vm-1: ~\x07$ ")
        await wait_for(pilot, lambda: bool(app.titles), "TitleChanged")
        assert terminal.title == "root@vm-1: ~"
        assert app.titles == ["root@vm-1: ~"]


async def test_unmounting_closes_the_session(start: Start) -> None:
    session = await start(["sleep", "60"])
    app = TerminalApp(session)
    async with app.run_test(size=(80, 24)) as pilot:
        terminal = app.query_one(Terminal)
        await wait_for(pilot, lambda: terminal.interactive, "the session to attach")
        await terminal.remove()
        assert session.exit_status == 128 + 1
    assert await no_processes_left({session.pid}) == []


async def test_hang_up_ends_the_program_even_when_stackdeck_ignores_sighup(start: Start) -> None:
    """`nohup stackdeck` must not hand its ignored SIGHUP down to the programs it runs."""
    previous = signal.signal(signal.SIGHUP, signal.SIG_IGN)
    try:
        session = await start(["sleep", "60"])
    finally:
        signal.signal(signal.SIGHUP, previous)
    await session.close()
    assert session.exit_status == 128 + signal.SIGHUP


# -- snapshot --------------------------------------------------------------------------

DEMO_OUTPUT = (
    b"\x1b]0;root@vm-1: ~\x07"
    b"\x1b[1;32mroot@vm-1\x1b[0m:\x1b[1;34m~\x1b[0m# ls -l --color\r\n"
    b"total 12\r\n"
    b"drwxr-xr-x 2 root root 4096 Nov 24 10:00 \x1b[1;34mbackups\x1b[0m\r\n"
    b"-rwxr-xr-x 1 root root  812 Nov 24 10:00 \x1b[1;32mdeploy.sh\x1b[0m\r\n"
    b"-rw-r--r-- 1 root root  220 Nov 24 10:00 notes.txt\r\n"
    b"lrwxrwxrwx 1 root root   11 Nov 24 10:00 \x1b[1;36mlogs\x1b[0m -> /var/log\r\n"
    b"\x1b[1;32mroot@vm-1\x1b[0m:\x1b[1;34m~\x1b[0m# systemctl is-failed nova-compute\r\n"
    b"\x1b[31mfailed\x1b[0m\r\n"
    b"\x1b[1;32mroot@vm-1\x1b[0m:\x1b[1;34m~\x1b[0m# "
    b"./colours.sh\r\n"
    b"\x1b[7m reverse \x1b[0m \x1b[38;5;208m256 \x1b[38;2;120;200;255mtruecolor\x1b[0m\r\n"
    b"\x1b[1;32mroot@vm-1\x1b[0m:\x1b[1;34m~\x1b[0m# "
)


async def test_snapshot_coloured_prompt_80x24(svg_snapshot: object) -> None:
    app = TerminalApp()
    async with app.run_test(size=(80, 24)) as pilot:
        terminal = app.query_one(Terminal)
        await pilot.pause()
        terminal.feed(DEMO_OUTPUT)
        await wait_for(pilot, lambda: terminal.cursor == (13, 10), "the demo output")
        await pilot.pause(0.05)
        assert app.export_screenshot() == svg_snapshot
