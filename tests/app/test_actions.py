"""Server actions from the keyboard on the in-memory cloud: guardrails, forms, follow-up."""

from __future__ import annotations

from pathlib import Path

from tests.app_helpers import demo_app, screen_text, select, settle, wait_for
from tui.backend.audit import AuditLog
from tui.screens.confirm import ConfirmScreen
from tui.screens.form import FormScreen
from tui.screens.resource import ResourceScreen
from tui.screens.resources.servers import SERVERS


def servers_screen(app: object) -> ResourceScreen:
    screen = app.screen  # type: ignore[attr-defined]
    assert isinstance(screen, ResourceScreen)
    return screen


async def test_stop_and_start_follow_the_row(tmp_path: Path) -> None:
    audit = AuditLog(tmp_path / "audit.jsonl")
    app = demo_app(audit=audit)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await select(pilot, "web-01")
        screen = servers_screen(app)
        await pilot.press("o")
        await wait_for(pilot, lambda: screen.table.selected.status == "SHUTOFF")
        await wait_for(pilot, lambda: not screen.in_flight)
        assert "SHUTOFF" in screen_text(pilot)
        await pilot.press("u")
        await wait_for(pilot, lambda: screen.table.selected.status == "ACTIVE")
    actions = [(r.action, r.result) for r in audit.records()]
    assert actions == [("stop", "ok"), ("start", "ok")]
    assert all(r.request_id.startswith("req-") and "web-01" in r.target for r in audit.records())


async def test_actions_offered_only_where_the_state_allows() -> None:
    app = demo_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = servers_screen(app)
        await select(pilot, "api-04")  # SHUTOFF
        assert screen.check_action("act", ("start",)) is True
        assert screen.check_action("act", ("stop",)) is False
        assert screen.check_action("act", ("pause",)) is False
        await pilot.press("p")  # pause is not offered: nothing happens to the server
        await pilot.pause()
        assert screen.table.selected.status == "SHUTOFF"
        assert app.backend.writes == []


async def test_in_flight_action_cannot_be_fired_twice() -> None:
    app = demo_app(latency=0.3)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await select(pilot, "web-01")
        screen = servers_screen(app)
        await pilot.press("o")
        await pilot.pause(0.05)
        assert screen.table.badge(screen.table.selected.id) == "⟳ stopping"
        assert "⟳ stopping" in screen_text(pilot)
        await pilot.press("o", "b")
        await pilot.pause(0.05)
        assert any("still in progress" in n.message for n in app._notifications)
        await wait_for(pilot, lambda: not screen.in_flight)
        assert app.backend.writes == [("stop", app.backend.writes[0][1])]


async def test_delete_needs_the_name_typed() -> None:
    app = demo_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await select(pilot, "db-02")
        await pilot.press("ctrl+d")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press(*"db-0", "enter")  # wrong: nothing happens
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert app.backend.writes == []
        await pilot.press("ctrl+d")
        await pilot.pause()
        await pilot.press(*"db-02", "enter")
        screen = servers_screen(app)
        await wait_for(pilot, lambda: "db-02" not in [s.name for s in screen.table.rows_in_view()])
        assert [w[0] for w in app.backend.writes] == ["delete"]


async def test_rename_form_keeps_input_and_validates() -> None:
    app = demo_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await select(pilot, "web-01")
        await pilot.press("R")
        await pilot.pause()
        assert isinstance(app.screen, FormScreen)
        form = app.screen
        await pilot.press(*(["backspace"] * 10))
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "required" in screen_text(pilot)
        await pilot.press(*"web-01-renamed", "enter")
        screen = servers_screen(app)
        await wait_for(pilot, lambda: screen.table.selected.name == "web-01-renamed")
        assert form.last_error is None


async def test_reset_state_asks_the_state_then_confirms() -> None:
    app = demo_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await select(pilot, "lb-06")  # ERROR
        screen = servers_screen(app)
        await pilot.press("E")
        await wait_for(pilot, lambda: isinstance(app.screen, FormScreen))
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press(*"lb-06", "enter")
        await wait_for(pilot, lambda: screen.table.selected.status == "ACTIVE")


async def test_read_only_offers_no_write_and_sends_none(tmp_path: Path) -> None:
    audit = AuditLog(tmp_path / "audit.jsonl")
    app = demo_app(read_only=True, audit=audit)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = servers_screen(app)
        for name in ("web-01", "api-04", "lb-06", "db-10", "api-12"):
            await select(pilot, name)
            for action in SERVERS.actions:
                assert screen.check_action("act", (action.name,)) is False, action.name
                await pilot.press(action.key)
                await pilot.pause()
                assert not isinstance(app.screen, FormScreen | ConfirmScreen)
                screen.action_act(action.name)  # even called directly, nothing is sent
                await pilot.pause()
        assert "READ-ONLY" in screen_text(pilot)
    assert app.backend.writes == []
    assert audit.records() == []


# Actions that only read the cloud (and write a local file): offered in read-only mode too.
READS = {"download", "export_fixed_ips"}


async def test_read_only_walks_every_action_of_every_resource(tmp_path: Path) -> None:
    """Every declared mutating action, on every resource: hidden, refused, never sent."""
    from tui.screens.resources.registry import RESOURCES

    audit = AuditLog(tmp_path / "audit.jsonl")
    app = demo_app(read_only=True, audit=audit)
    walked = 0
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        for resource in RESOURCES.values():
            if not resource.actions:
                continue
            await pilot.press("colon", *resource.name, "enter")
            await settle(pilot)
            screen = servers_screen(app)
            assert screen.resource.name == resource.name
            for action in resource.actions:
                if action.name in READS:  # a read stays offered where its row allows it
                    assert not action.mutating
                    continue
                assert action.mutating, f"{resource.name}.{action.name} should be a write"
                assert screen.check_action("act", (action.name,)) is False
                await pilot.press(action.key)
                await pilot.pause()
                assert not isinstance(app.screen, FormScreen | ConfirmScreen)
                screen.action_act(action.name)
                await pilot.pause()
                walked += 1
    assert walked >= 25
    assert app.backend.writes == []
    assert audit.records() == []


async def test_backend_refuses_writes_in_read_only_mode_even_if_called() -> None:
    from tui.backend.errors import ReadOnlyError
    from tui.backend.memory import MemoryBackend

    backend = MemoryBackend(read_only=True)
    server = (await anext(backend.servers(all_projects=True)))[0]
    for call in (
        backend.server_action(server.id, "stop"),
        backend.server_action(server.id, "delete"),
        backend.release_floating_ip("anything"),
        backend.delete_volume("anything"),
    ):
        try:
            await call
        except ReadOnlyError as refused:
            assert "read-only" in refused.message
        else:
            raise AssertionError("a write went through in read-only mode")
    assert backend.writes == []
