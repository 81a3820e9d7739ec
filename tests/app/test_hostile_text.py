"""Hostile names on every list: shown visibly, never parsed as markup, never written raw.

A tenant can name an image, a volume, a project or a security group with terminal escapes
(clear screen, window title, an OSC 52 clipboard write), C1 controls, bidi overrides,
markup brackets, newlines, NUL or 10,000 characters. Every resource declaration's list,
crumbs, describe, drill-down headers and delete confirmations are walked with such names,
and both the screen and the raw bytes written to the terminal are checked.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from textual.widgets import Input

from tests.app_helpers import demo_app, screen_text, select, settle
from tests.hostile import LONG_NAME, TerminalBytes, make_hostile, record_terminal
from tui.backend.errors import BackendError, NotFound
from tui.resource import Scope
from tui.screens.resource import ResourceScreen
from tui.screens.resources.registry import RESOURCES

pytestmark = pytest.mark.asyncio

# Lists of one parent's items, opened through their parent's drill in this walk.
REACHED_BY_DRILL = {name for name, r in RESOURCES.items() if r.scope_key}


@pytest.fixture
def terminal(monkeypatch: pytest.MonkeyPatch) -> TerminalBytes:
    return record_terminal(monkeypatch)


def hostile_app() -> Any:
    app = demo_app(servers=12)
    make_hostile(app.backend)
    return app


def assert_clean(terminal: TerminalBytes, where: str) -> None:
    found = terminal.forbidden_found()
    assert not found, f"{where}: raw sequences from data reached the terminal: {found}"


def assert_notifications_clean(app: Any) -> None:
    for note in app._notifications:
        for text in (note.message, note.title):
            assert "\x1b" not in text and "\x9b" not in text and "\u202e" not in text


async def test_every_list_describe_and_drill_shows_hostile_names_safely(
    terminal: TerminalBytes,
) -> None:
    app = hostile_app()
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await settle(pilot)
        for name in RESOURCES:
            if name in REACHED_BY_DRILL or name == "raw":
                continue
            assert app.open_resource(name)
            await settle(pilot)
            screen = app.screen
            assert isinstance(screen, ResourceScreen), (name, screen)
            screen_text(pilot)  # renders without a markup error
            assert_clean(terminal, f":{name}")
            if screen.table.selected is None:
                continue
            await pilot.press("d")
            await pilot.pause(0.2)
            assert "Describe" in screen_text(pilot), name
            assert_clean(terminal, f":{name} describe")
            await pilot.press("escape")
            await pilot.pause()
            row = screen.table.selected
            if row is not None and screen.resource.drill("enter", row) is not None:
                await pilot.press("enter")
                await settle(pilot)
                screen_text(pilot)
                assert_clean(terminal, f":{name} drill")
                if app.screen is not screen:
                    await pilot.press("escape")
                    await settle(pilot)
        assert app.is_running
        assert_notifications_clean(app)
    assert_clean(terminal, "the whole walk")
    assert "HOSTILE" in terminal.text


async def test_every_confirmation_and_form_of_a_hostile_row_shows_it_safely(
    terminal: TerminalBytes,
) -> None:
    """Each row action's dialog (typed-name confirmations, forms titled with the row's name)
    is opened on a hostile row and left with esc; actions without a dialog run, and their
    notifications name the row plainly."""
    app = hostile_app()
    opened = []
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await settle(pilot)
        for name, resource in RESOURCES.items():
            if name in REACHED_BY_DRILL or not resource.actions:
                continue
            assert app.open_resource(name)
            await settle(pilot)
            screen = app.screen
            assert isinstance(screen, ResourceScreen), (name, screen)
            for action in screen.resource.actions:  # bound to the screen's context
                row = screen.table.selected
                if not action.on_row or row is None or not screen.offered(action, row):
                    continue
                await pilot.press(action.key)
                await pilot.pause(0.3)
                if app.screen is not screen:
                    opened.append(f"{name}:{action.name}")
                screen_text(pilot)
                assert_clean(terminal, f":{name} {action.name}")
                for _ in range(3):
                    if app.screen is screen:
                        break
                    await pilot.press("escape")
                    await pilot.pause(0.1)
                assert app.screen is screen, (name, action.name, app.screen)
        assert app.is_running
        assert_notifications_clean(app)
    assert_clean(terminal, "every dialog")
    assert len(opened) >= 30, opened


async def test_hostile_server_names_show_visibly_in_the_list_and_describe(
    terminal: TerminalBytes,
) -> None:
    app = hostile_app()
    async with app.run_test(size=(160, 40), notifications=True) as pilot:
        await settle(pilot)
        assert "h-␛[2J␛[31mHOSTILE␛]0;HOSTILE-t…" in screen_text(pilot)
        await pilot.press("d")
        await pilot.pause(0.3)
        shown = screen_text(pilot)
        assert "h-␛[2J␛[31mHOSTILE␛]0;HOSTILE-title␇␛]52;c;SE9TVElMRQ==␛" in shown
        assert "\\x9b31mHOSTILE" in shown and "\\u202eHOSTILE" in shown
        assert "[/][/x][bold]HOSTILE[/bold]" in shown
        assert "🚀服务器HOSTILE" in shown
    assert_clean(terminal, "servers")


async def test_delete_of_a_name_that_cannot_be_typed_confirms_by_id(
    terminal: TerminalBytes,
) -> None:
    app = hostile_app()
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await settle(pilot)
        assert app.open_resource("volumes")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ResourceScreen)
        volume = next(v for v in screen.table.rows_in_view() if v.status == "available")
        assert volume.name.startswith(("h-␛", "HOSTILE-LLL"))
        assert screen.table.select_key(volume.id)
        await pilot.press("ctrl+d")
        await pilot.pause(0.3)
        shown = screen_text(pilot)
        assert "cannot be typed back" in shown and volume.id in shown
        assert_clean(terminal, "delete confirmation")
        app.screen.query_one("#confirm-input", Input).value = volume.id
        await pilot.press("enter")
        await pilot.pause(0.5)
        assert app.is_running
        try:
            after = await app.backend.volume(volume.id)
        except NotFound:
            return
        sent = after.status == "deleting" or any(
            "have snapshots" in n.message for n in app._notifications
        )  # Cinder's own refusal: the confirmation went through
        assert sent, [n.message for n in app._notifications]


async def test_hostile_drill_headers_and_long_names(terminal: TerminalBytes) -> None:
    app = hostile_app()
    async with app.run_test(size=(200, 40), notifications=True) as pilot:
        await settle(pilot)
        for parent, child in (
            ("sg", "sg-rules"),
            ("networks", "subnets"),
            ("volumes", "attachments"),
            ("projects", "servers"),
        ):
            if parent not in RESOURCES and child not in RESOURCES:
                continue
            assert app.open_resource(parent)
            await settle(pilot)
            screen = app.screen
            assert isinstance(screen, ResourceScreen)
            if screen.table.selected is None:
                continue
            await pilot.press("enter")
            await settle(pilot)
            shown = screen_text(pilot)
            assert "HOSTILE" in shown or "h-" in shown, (parent, shown)
            assert_clean(terminal, f"{parent} → {child}")
        # the 10,000-character name: a list row and describe stay usable
        assert app.open_resource("images")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ResourceScreen)
        long_rows = [r for r in screen.table.rows_in_view() if r.name == LONG_NAME]
        assert long_rows
        assert screen.table.select_key(screen.resource.key(long_rows[0]))
        await pilot.press("d")
        await pilot.pause(0.3)
        assert "HOSTILE-LLLL" in screen_text(pilot)
    assert_clean(terminal, "long names")


async def test_markup_in_scope_labels_and_filters_never_crashes(terminal: TerminalBytes) -> None:
    app = hostile_app()
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await settle(pilot)
        app.open_resource("servers", Scope(label="project [/x] \x1b]0;HOSTILE\x07"), push=True)
        await settle(pilot)
        await pilot.press("slash", *"[/]", "enter")
        await pilot.pause(0.2)
        shown = screen_text(pilot)
        assert "project [/x]" in shown and "filter: [/]" in shown
        app.notify("[/] \x1b]52;c;SE9TVElMRQ==\x07", title="[/x]")
        await pilot.pause(0.2)
        assert app.is_running
        assert_notifications_clean(app)
    assert_clean(terminal, "labels and filters")


async def test_locking_a_server_named_with_markup_says_so_plainly() -> None:
    app = demo_app(servers=6)
    server = next(s for s in app.backend._cloud.servers if s.status == "ACTIVE" and not s.locked)
    app.backend._cloud.servers.put(
        dataclasses.replace(server, name="x-[/x]", raw={**server.raw, "name": "x-[/x]"})
    )
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await settle(pilot)
        await select(pilot, "x-[/x]")
        await pilot.press("L")
        await pilot.pause(0.5)
        assert app.is_running
        assert any(n.message == "Lock: x-[/x]" for n in app._notifications), [
            (n.title, n.message) for n in app._notifications
        ]
        assert (await app.backend.server(server.id)).locked


async def test_console_log_search_for_markup_without_a_match() -> None:
    app = demo_app(servers=6)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("l")
        await pilot.pause(0.5)
        await pilot.press("slash", *"[/]", "enter")
        await pilot.pause(0.3)
        assert app.is_running
        assert any(n.message == "No match for '[/]'" for n in app._notifications)


def _markup_error(operation: str) -> BackendError:
    return BackendError(
        "[/] refused: \x1b]52;c;SE9TVElMRQ==\x07 [bold]HOSTILE[/bold]",
        status=500,
        request_id="req-[/x]",
        operation=operation,
    )


@pytest.mark.parametrize(
    ("resource", "method"),
    [
        ("servers", "servers"),
        ("networks", "networks"),
        ("volumes", "volumes"),
        ("images", "images"),
        ("users", "users"),
    ],
)
async def test_an_api_error_with_markup_on_a_list_and_its_refresh(
    terminal: TerminalBytes, resource: str, method: str
) -> None:
    app = demo_app(servers=6, start=resource)
    app.backend.fault(method, error=_markup_error(f"list {resource}"))
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("r")
        await settle(pilot)
        shown = screen_text(pilot)
        assert "[/] refused" in shown and app.is_running
        notes = [n.message for n in app._notifications]
        assert any("HTTP 500: [/] refused" in n and "request id: req-[/x]" in n for n in notes)
        assert_notifications_clean(app)
    assert_clean(terminal, f"{resource} error")
    assert "\x1b]52;c;SE9TVElMRQ" not in terminal.text


async def test_an_api_error_with_markup_on_describe_and_lock(terminal: TerminalBytes) -> None:
    app = demo_app(servers=6)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await settle(pilot)
        app.backend.fault("server", error=_markup_error("show server"))
        app.backend.fault("server_action", error=_markup_error("lock server"))
        await pilot.press("d")
        await pilot.pause(0.5)
        await pilot.press("escape")
        await pilot.pause(0.2)
        row = app.screen.table.selected  # type: ignore[attr-defined]
        await pilot.press("U" if row.locked else "L")
        await pilot.pause(0.5)
        notes = [n.title + " " + n.message for n in app._notifications]
        assert any("show server failed" in n and "[/] refused" in n for n in notes), notes
        assert any("lock server failed" in n for n in notes), notes
        assert app.is_running
        assert_notifications_clean(app)
    assert_clean(terminal, "describe and lock errors")
