"""A bug anywhere never ends the session: the error panel tells, a crash file keeps the
traceback, keys keep answering; `esc` stops waiting for a request that hangs."""

from __future__ import annotations

import re
import stat
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from textual.app import ComposeResult
from textual.binding import Binding
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import Button

from tests.app_helpers import demo_app, screen_text, select, settle, wait_for
from tui.backend.errors import BackendError
from tui.guard import GuardedHandlers, on
from tui.resource import Action, Col, Drill, Resource, View
from tui.screens.describe import DescribeScreen
from tui.screens.error_panel import ErrorPanel
from tui.screens.form import FormScreen
from tui.screens.resource import ResourceScreen
from tui.screens.resources.hypervisors import HYPERVISORS
from tui.screens.resources.servers import SERVERS

# An exception message that would break markup and write escapes if shown raw.
HOSTILE = "'NoneType' object has no attribute 'name' [/] [bold]x\x1b[2J\x1b]52;c;AAAA\x07"


def compact(shown: str) -> str:
    """The screen's text without spaces, line ends and box borders (a long path wraps)."""
    return re.sub(r"[\s│╭╮╰╯─]", "", shown)


def crash_files(directory: Path) -> list[Path]:
    return sorted(directory.glob("crash-*.txt"))


async def panel_shown(pilot: Pilot[None]) -> ErrorPanel:
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, ErrorPanel))
    await pilot.pause()
    panel = pilot.app.screen
    assert isinstance(panel, ErrorPanel)
    return panel


def assert_crash_file(directory: Path, *expected: str) -> Path:
    files = crash_files(directory)
    assert len(files) == 1, files
    path = files[0]
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(directory.stat().st_mode) == 0o700
    text = path.read_text(encoding="utf-8")
    assert "Traceback (most recent call last)" in text
    for part in expected:
        assert part in text, (part, text)
    assert "\x1b" not in text and "\x07" not in text
    return path


async def open_list(pilot: Pilot[None], resource: Resource) -> ResourceScreen:
    """Over the first list, once it is there: a list of `resource` (a broken declaration)."""
    await settle(pilot)
    screen = ResourceScreen(resource)
    pilot.app.push_screen(screen)
    await settle(pilot)
    return screen


async def back_to_work(pilot: Pilot[None]) -> None:
    """Close the panel; the app still answers: `:hv` opens the hypervisors."""
    await pilot.press("escape")
    await pilot.pause()
    assert not isinstance(pilot.app.screen, ErrorPanel)
    await pilot.press("colon", *"hv", "enter")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, ResourceScreen) and screen.resource.name == "hypervisors"
    assert "compute-0" in screen_text(pilot) or screen.table.total_count > 0


async def test_a_failing_list_shows_the_error_panel_and_the_session_goes_on(
    crash_dir: Path,
) -> None:
    app = demo_app()
    app.backend.fault("servers", error=AttributeError(HOSTILE))
    async with app.run_test(size=(120, 40)) as pilot:
        panel = await panel_shown(pilot)
        shown = screen_text(pilot)
        assert "Unexpected failure — Servers · load" in shown
        assert "AttributeError: 'NoneType' object has no attribute 'name' [/] [bold]x␛[2J" in shown
        path = assert_crash_file(crash_dir, "AttributeError", "Servers · load")
        assert str(path) in compact(shown)
        assert panel.crash.path == path
        await back_to_work(pilot)
        assert app.is_running
    assert app.crash is None and not app.return_code


async def test_a_failed_request_in_any_worker_is_a_notification_not_a_panel(
    crash_dir: Path,
) -> None:
    async def refused() -> None:
        raise BackendError("Nova [/] broke", status=503, request_id="req-42", operation="poll")

    app = demo_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.screen.run_worker(refused())
        await wait_for(pilot, lambda: any("req-42" in n.message for n in app._notifications))
        note = next(n for n in app._notifications if "req-42" in n.message)
        assert note.message == "HTTP 503: Nova [/] broke\nrequest id: req-42"
        assert note.title == "poll failed"
        await pilot.pause()
        assert not isinstance(app.screen, ErrorPanel)
    assert crash_files(crash_dir) == []


async def test_a_failing_when_offers_nothing_and_keys_answer(crash_dir: Path) -> None:
    broken = replace(
        SERVERS,
        actions=(
            Action("stop", "o", "Stop", lambda b, r, v: b.server_action(r.id, "stop"),
                   when=lambda row: row.no_such_field),
        ),
    )  # fmt: skip
    app = demo_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await open_list(pilot, broken)
        await pilot.press("o")
        panel = await panel_shown(pilot)
        assert "no_such_field" in panel.crash.summary
        assert_crash_file(crash_dir, "no_such_field")
        await pilot.press("escape")
        await pilot.press("o")  # still refused, same bug: no second file, no stop sent
        await pilot.pause()
        assert app.backend.writes == []
        await back_to_work(pilot)


async def test_a_failing_action_clears_its_mark_and_the_list_goes_on(crash_dir: Path) -> None:
    app = demo_app()
    app.backend.fault("server_action", error=KeyError("reservation_id"))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await select(pilot, "web-01")
        screen = app.screen
        assert isinstance(screen, ResourceScreen)
        await pilot.press("o")
        panel = await panel_shown(pilot)
        assert panel.crash.summary == "KeyError: 'reservation_id'"
        assert "Servers · act" in screen_text(pilot)
        assert not screen.in_flight
        assert_crash_file(crash_dir, "KeyError: 'reservation_id'")
        await pilot.press("escape")
        await pilot.press("j")
        await pilot.pause()
        assert screen.table.selected.name != "web-01"
        await back_to_work(pilot)


async def test_a_failing_drill_on_enter_leaves_the_list_alive(crash_dir: Path) -> None:
    def no_scope(row: object) -> object:
        raise ValueError("no scope [/]")

    broken = replace(HYPERVISORS, drills=(Drill("enter", "servers", no_scope, "Servers"),))
    app = demo_app(start="hv")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_list(pilot, broken)
        await pilot.press("enter")
        panel = await panel_shown(pilot)
        assert panel.crash.summary == "ValueError: no scope [/]"
        await pilot.press("escape")
        before = screen.table.selected
        await pilot.press("j")
        await pilot.pause()
        assert screen.table.selected != before  # the screen still handles its messages
        await pilot.press("slash", *"compute1")
        await pilot.pause()
        assert screen.table.row_count == 1
        assert_crash_file(crash_dir, "no scope")


async def test_a_failing_describe_and_column(crash_dir: Path) -> None:
    def broken_facts(row: object) -> list[tuple[str, str]]:
        raise ZeroDivisionError("division by zero")

    broken = replace(HYPERVISORS, facts=broken_facts)
    app = demo_app(start="hv")
    async with app.run_test(size=(120, 40)) as pilot:
        await open_list(pilot, broken)
        await pilot.press("d")
        panel = await panel_shown(pilot)
        assert panel.crash.summary == "ZeroDivisionError: division by zero"
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, DescribeScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ResourceScreen)
        await back_to_work(pilot)
    assert_crash_file(crash_dir, "ZeroDivisionError")


async def test_a_failing_column_is_reported_once(crash_dir: Path) -> None:
    def broken_cell(row: object) -> str:
        raise TypeError("cell [/]")

    broken = replace(HYPERVISORS, columns=(*HYPERVISORS.columns, Col("Bad", broken_cell)))
    app = demo_app(start="hv")
    async with app.run_test(size=(120, 40)) as pilot:
        await open_list(pilot, broken)
        panel = await panel_shown(pilot)
        assert panel.crash.summary == "TypeError: cell [/]"
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("escape")  # back from the broken list
        await pilot.pause()
        await back_to_work(pilot)
    assert_crash_file(crash_dir, "TypeError: cell [/]")


async def test_a_failing_filter_is_reported_and_keeps_what_was_typed(crash_dir: Path) -> None:
    app = demo_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ResourceScreen)
        filtered = screen._filter_changed

        def broken(value: str) -> None:
            if value == "we":
                raise ValueError("filter [/]")
            filtered(value)

        screen._filter_changed = broken  # type: ignore[method-assign]
        await pilot.press("slash", "w", "e")
        panel = await panel_shown(pilot)
        assert panel.crash.summary == "ValueError: filter [/]"
        await pilot.press("escape")
        await pilot.pause()
        assert screen.filter_input.value == "we"
    assert_crash_file(crash_dir, "ValueError: filter [/]")


async def test_a_failing_form_submit_keeps_what_was_typed(crash_dir: Path) -> None:
    app = demo_app()
    app.backend.fault("server_action", error=KeyError("server"))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await select(pilot, "web-01")
        await pilot.press("R")  # rename: a form
        await wait_for(pilot, lambda: isinstance(app.screen, FormScreen))
        form = app.screen
        assert isinstance(form, FormScreen)
        field = form.query_one("#input-name")
        field.value = "web-01-renamed"  # type: ignore[attr-defined]
        await pilot.press("ctrl+s")
        await panel_shown(pilot)
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is form and not form.submitting
        assert form.raw_values()["name"] == "web-01-renamed"
        assert "Not submitted" in screen_text(pilot)
        await pilot.press("escape")  # the form can still be left
        await pilot.pause()
        assert isinstance(app.screen, ResourceScreen)
    assert_crash_file(crash_dir, "KeyError: 'server'")


# -- esc stops waiting ---------------------------------------------------------------------


def notes(app: object) -> str:
    return "\n".join(n.message for n in app._notifications)  # type: ignore[attr-defined]


async def test_esc_stops_waiting_for_a_list_that_hangs_and_keys_answer(crash_dir: Path) -> None:
    app = demo_app()
    app.backend.fault("servers", hang=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(
            pilot, lambda: isinstance(app.screen, ResourceScreen) and app.screen.fetching
        )
        screen = app.screen
        assert isinstance(screen, ResourceScreen)
        await pilot.press("question_mark")  # keys answer while the request hangs
        await wait_for(pilot, lambda: app.screen is not screen)
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is screen)
        assert screen.fetching
        await pilot.press("escape")
        await wait_for(pilot, lambda: not screen.fetching)
        assert screen.cancelled and app.screen is screen
        assert "cancelled" in screen_text(pilot)
        assert "Stopped waiting for the list of servers" in notes(app)
        app.backend.fault("servers")  # the cloud answers again: r lists
        await pilot.press("r")
        await settle(pilot)
        assert screen.table.total_count == 40 and not screen.cancelled
    assert crash_files(crash_dir) == []


async def test_esc_stops_waiting_for_a_refresh_and_keeps_the_rows(crash_dir: Path) -> None:
    app = demo_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ResourceScreen)
        app.backend.fault("servers", hang=True)
        await pilot.press("r")
        await wait_for(pilot, lambda: screen.fetching)
        await pilot.press("escape")
        await wait_for(pilot, lambda: not screen.fetching)
        assert screen.cancelled and screen.table.total_count == 40
        assert "web-01" in screen_text(pilot)


async def test_esc_leaves_a_describe_that_hangs(crash_dir: Path) -> None:
    app = demo_app()
    app.backend.fault("server", hang=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        await select(pilot, "web-01")
        await pilot.press("d")
        await wait_for(pilot, lambda: isinstance(app.screen, DescribeScreen))
        describe = app.screen
        assert "fetching the current record" in screen_text(pilot)
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is screen)
        await pilot.pause()
        assert not [w for w in app.workers if w.node is describe and w.is_running]


async def test_esc_stops_waiting_for_an_action_and_says_it_may_still_happen(
    crash_dir: Path,
) -> None:
    app = demo_app()
    app.backend.fault("server_action", hang=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ResourceScreen)
        await select(pilot, "web-01")
        await pilot.press("o")
        await wait_for(pilot, lambda: "stopping" in screen_text(pilot))
        await pilot.press("escape")
        await wait_for(pilot, lambda: not screen.in_flight)
        assert app.screen is screen
        assert "stopping" not in screen_text(pilot)
        assert "Stopped waiting for Stop" in notes(app) and "may still happen" in notes(app)
        await pilot.press("o")  # the row takes actions again
        await wait_for(pilot, lambda: "stopping" in screen_text(pilot))


async def test_a_failing_overview_check_spoils_its_line_only(crash_dir: Path) -> None:
    app = demo_app(start="overview")
    app.backend.fault("servers_in_status", error=KeyError("status"))
    app.backend.fault(
        "network_agents", error=BackendError("Neutron down", status=503, request_id="req-7")
    )
    async with app.run_test(size=(160, 30)) as pilot:
        panel = await panel_shown(pilot)
        assert panel.crash.summary == "KeyError: 'status'"
        await pilot.press("escape")
        screen = app.screen
        assert isinstance(screen, ResourceScreen) and screen.resource.name == "overview"
        got = {row.id: row for row in screen.table.rows_in_view()}
        assert (got["servers-error"].state, got["servers-error"].detail) == (
            "error",
            "stackdeck failed here: KeyError: 'status'",
        )
        assert got["agents-down"].detail == "HTTP 503: Neutron down (request id req-7)"
        others = [
            r
            for r in got.values()
            if r.id not in ("servers-error", "agents-down", "agents-disabled")
        ]
        assert all(r.state not in ("error", "checking") and r.count is not None for r in others)
    assert_crash_file(crash_dir, "KeyError: 'status'")


async def test_ctrl_c_on_the_error_panel_quits_cleanly(crash_dir: Path) -> None:
    app = demo_app()
    app.backend.fault("servers", error=AttributeError("boom"))
    async with app.run_test(size=(120, 40)) as pilot:
        await panel_shown(pilot)
        await pilot.press("ctrl+c")
        await pilot.pause()
    assert app.crash is None and not app.return_code
    assert len(crash_files(crash_dir)) == 1


async def test_a_view_that_fails_to_open_is_reported_and_keys_answer(crash_dir: Path) -> None:
    def no_screen(row: object) -> object:
        raise LookupError("no console for this server")

    broken = replace(SERVERS, views=(View("l", "log", "Console log", no_screen),))
    app = demo_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await open_list(pilot, broken)
        await pilot.press("l")
        panel = await panel_shown(pilot)
        assert panel.crash.summary == "LookupError: no console for this server"
        assert "Servers · view('log')" in screen_text(pilot)
        await back_to_work(pilot)
    assert_crash_file(crash_dir, "no console for this server")


# -- the action path: when, confirmation text, preview, call; the loaders --------------------


async def raising_preview(backend: object, row: object) -> list[str]:
    raise IndexError("preview [/] of ports")


def delete_with(**fields: Any) -> Action:
    async def delete(backend: Any, row: Any, values: object) -> None:
        await backend.delete_server(row.id)

    return Action("delete", "ctrl+d", "Delete", delete, **fields)


@pytest.mark.parametrize(
    ("action", "summary"),
    [
        (
            delete_with(confirm="name", preview=raising_preview),
            "IndexError: preview [/] of ports",
        ),
        (
            delete_with(confirm="yes", message=lambda row: row.no_such_message),
            "AttributeError: 'Server' object has no attribute 'no_such_message'",
        ),
    ],
    ids=["preview", "confirmation-text"],
)
async def test_a_failing_confirmation_sends_nothing_and_keys_answer(
    crash_dir: Path, action: Action, summary: str
) -> None:
    broken = replace(SERVERS, actions=(action,))
    app = demo_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_list(pilot, broken)
        await select(pilot, "web-01")
        await pilot.press("ctrl+d")
        panel = await panel_shown(pilot)
        assert panel.crash.summary == summary
        assert "Servers · act" in screen_text(pilot)
        assert not screen.in_flight and app.backend.writes == []
        assert_crash_file(crash_dir, summary.split(":")[0], "Servers · act")
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen
        await pilot.press("j")  # the list still moves
        await pilot.pause()
        assert screen.table.selected.name != "web-01"
        await back_to_work(pilot)


async def test_a_list_declaration_that_raises_is_reported_and_keys_answer(
    crash_dir: Path,
) -> None:
    def no_lister(backend: Any, scope: object) -> object:
        return backend.no_such_list()

    broken = replace(HYPERVISORS, list=no_lister)
    app = demo_app(start="hv")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.push_screen(ResourceScreen(broken))
        panel = await panel_shown(pilot)
        assert "no_such_list" in panel.crash.summary
        assert "Hypervisors · load" in screen_text(pilot)
        await pilot.press("escape")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ResourceScreen) and not screen.fetching
        assert "see the error panel" in screen_text(pilot)
        await back_to_work(pilot)
    assert_crash_file(crash_dir, "no_such_list")


async def test_a_failing_describe_loader_keeps_the_listed_record(crash_dir: Path) -> None:
    app = demo_app()
    app.backend.fault("server", error=KeyError("flavor [/]"))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await select(pilot, "web-01")
        await pilot.press("d")
        panel = await panel_shown(pilot)
        assert panel.crash.summary == "KeyError: 'flavor [/]'"
        assert panel.crash.what == "Servers · action_reload"
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, DescribeScreen)
        assert "web-01" in screen_text(pilot)  # the record as listed
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ResourceScreen)
        await back_to_work(pilot)
    assert_crash_file(crash_dir, "KeyError: 'flavor [/]'")


# -- every way Textual calls stackdeck's code -----------------------------------------------


class Fragile(GuardedHandlers, Screen[None]):
    """A screen that fails in one chosen place: how it is built, a callback, a timer, a
    worker, a message handler."""

    BINDINGS = [Binding("escape", "app.pop_screen", "Back")]

    def __init__(self, where: str) -> None:
        super().__init__()
        self.where = where

    def compose(self) -> ComposeResult:
        yield Button("press", id="press")
        if self.where == "compose":
            raise RuntimeError("compose failed")

    def on_mount(self) -> None:
        self.query_one("#press").focus()
        start: dict[str, Any] = {
            "mount": self.fail,
            "call_later": lambda: self.call_later(self.fail),
            "call_next": lambda: self.call_next(self.fail),
            "call_after_refresh": lambda: self.call_after_refresh(self.fail),
            "set_timer": lambda: self.set_timer(0.01, self.fail),
            "set_interval": lambda: self.set_interval(0.01, self.fail),
            "worker": lambda: self.run_worker(self.failing_work()),
            "thread_worker": lambda: self.run_worker(self.fail, thread=True),
        }
        if self.where in start:
            start[self.where]()

    def fail(self) -> None:
        raise RuntimeError(f"{self.where} failed")

    async def failing_work(self) -> None:
        self.fail()

    @on(Button.Pressed, "#press")
    def pressed(self) -> None:
        self.fail()


WHERE = [
    "compose",
    "mount",
    "call_later",
    "call_next",
    "call_after_refresh",
    "set_timer",
    "set_interval",
    "worker",
    "thread_worker",
    "handler",
]


@pytest.mark.parametrize("where", WHERE)
async def test_a_failure_anywhere_textual_calls_us_is_reported(crash_dir: Path, where: str) -> None:
    app = demo_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        fragile = Fragile(where)
        app.push_screen(fragile)
        await pilot.pause()
        if where == "handler":
            await pilot.press("enter")
        panel = await panel_shown(pilot)
        assert panel.crash.summary == f"RuntimeError: {where} failed"
        assert_crash_file(crash_dir, f"RuntimeError: {where} failed", "Fragile")
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is fragile  # the failing screen lives on
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ResourceScreen)
        await back_to_work(pilot)
        assert app.is_running
    assert app.crash is None and not app.return_code
