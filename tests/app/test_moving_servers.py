"""Moving servers from the keyboard on the in-memory cloud: each form, what it confirms, what
the cloud did, how the row is followed, refusals; :migrations, a server's history and its
events, where-is; read-only offers none of it."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from tests.app_helpers import demo_app, screen_text, select, settle, wait_for
from tui.backend.audit import AuditLog
from tui.screens.confirm import ConfirmScreen
from tui.screens.describe import DescribeScreen
from tui.screens.form import FormScreen
from tui.screens.resource import ResourceScreen
from tui.widgets.picker import Picker


def current(app: Any) -> ResourceScreen:
    screen = app.screen
    assert isinstance(screen, ResourceScreen), screen
    return screen


async def goto(pilot: Any, command: str) -> ResourceScreen:
    await pilot.press("colon", *command, "enter")
    await settle(pilot)
    return current(pilot.app)


async def open_form(pilot: Any, key: str) -> FormScreen:
    await pilot.press(key)
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, FormScreen))
    return pilot.app.screen


async def choose(pilot: Any, form: FormScreen, field: str, value: str) -> Picker:
    picker = form.query_one(f"#input-{field}", Picker)
    await wait_for(pilot, lambda: not picker._loading)
    picker.select(value)
    await pilot.pause()
    return picker


async def submit_and_confirm(pilot: Any, typed: str = "") -> str:
    """Submit the form; return what the confirmation says, after confirming it."""
    await pilot.press("ctrl+s")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, ConfirmScreen))
    said = confirmation(pilot)
    if typed:
        await pilot.press(*typed, "enter")
    else:
        await pilot.click("#confirm-yes")
    return said


def confirmation(pilot: Any) -> str:
    """What the confirmation on screen says, as one line of text."""
    screen = pilot.app.screen
    assert isinstance(screen, ConfirmScreen), screen
    return " ".join(str(screen.body).split())


async def server(app: Any, name: str) -> Any:
    async for page in app.backend.servers(all_projects=True):
        for s in page:
            if s.name == name:
                return await app.backend.server(s.id)
    raise AssertionError(name)


def notes(app: Any) -> list[str]:
    return [n.message for n in app._notifications]


async def test_live_migrate_picks_a_host_with_its_free_resources_and_follows_the_row(
    tmp_path: Path,
) -> None:
    audit = AuditLog(tmp_path / "audit.jsonl")
    app = demo_app(audit=audit)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await settle(pilot)
        screen = current(app)
        await select(pilot, "web-01")  # ACTIVE on compute1
        form = await open_form(pilot, "m")
        picker = await choose(pilot, form, "host", "compute2")
        values = [c.value for c in picker._choices]
        # enabled and up only: compute3 is disabled, compute4 down, compute1 its own
        assert values == ["(scheduler)", "compute2"]
        assert "vCPU free" in picker.choice("compute2").detail
        assert "GiB RAM free" in screen_text(pilot)
        said = await submit_and_confirm(pilot)
        assert "Live-migrate web-01 from compute1 to compute2 (block migration: auto)" in said
        await wait_for(pilot, lambda: screen.table.selected.host == "compute2")
        await wait_for(pilot, lambda: not screen.in_flight)
        assert screen.table.selected.status == "ACTIVE"
        await wait_for(pilot, lambda: any("web-01 now runs on compute2" in n for n in notes(app)))
    assert [(r.action, r.result) for r in audit.records()] == [("live-migrate", "ok")]


async def test_live_migrate_declined_sends_nothing() -> None:
    app = demo_app()
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await settle(pilot)
        await select(pilot, "web-01")
        await open_form(pilot, "m")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        assert "to a host the scheduler chooses" in confirmation(pilot)
        await pilot.click("#confirm-no")  # back to the form, as it was
        await wait_for(pilot, lambda: isinstance(app.screen, FormScreen))
        await wait_for(pilot, lambda: any("nothing was sent" in n for n in notes(app)))
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, ResourceScreen))
        assert app.backend.writes == []


async def test_live_migrate_nova_cannot_place_says_it_did_not_move() -> None:
    app = demo_app()
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await settle(pilot)
        screen = current(app)
        web = await server(app, "web-01")
        # the only other usable host goes away after the form was filled in
        await select(pilot, "web-01")
        form = await open_form(pilot, "m")
        await choose(pilot, form, "host", "compute2")
        services = [s async for p in app.backend.compute_services(host="compute2") for s in p]
        await app.backend.set_compute_service(services[0], enabled=False, reason="test")
        await submit_and_confirm(pilot)
        await wait_for(pilot, lambda: not screen.in_flight, rounds=400)
        assert (await server(app, "web-01")).host == web.host == "compute1"
        await wait_for(pilot, lambda: any("still on compute1" in n for n in notes(app)))


async def test_cold_migrate_then_confirm(tmp_path: Path) -> None:
    audit = AuditLog(tmp_path / "audit.jsonl")
    app = demo_app(audit=audit)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await settle(pilot)
        screen = current(app)
        await select(pilot, "worker-05")  # ACTIVE on compute1
        assert screen.check_action("act", ("confirm_resize",)) is False
        form = await open_form(pilot, "c")
        await choose(pilot, form, "host", "compute2")
        said = await submit_and_confirm(pilot)
        assert "Cold-migrate worker-05 (ACTIVE) from compute1 to compute2" in said
        await wait_for(pilot, lambda: screen.table.selected.status == "VERIFY_RESIZE")
        await wait_for(pilot, lambda: not screen.in_flight)
        assert screen.table.selected.host == "compute2"
        await wait_for(pilot, lambda: any("y confirms, Y reverts" in n for n in notes(app)))
        assert screen.check_action("act", ("confirm_resize",)) is True
        assert screen.check_action("act", ("live_migrate",)) is False
        await pilot.press("y")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        assert "stays on compute2" in confirmation(pilot)
        await pilot.click("#confirm-yes")
        await wait_for(pilot, lambda: screen.table.selected.status == "ACTIVE")
        assert screen.table.selected.host == "compute2"
    actions = [r.action for r in audit.records()]
    assert actions == ["migrate", "confirm-resize"]


async def test_resize_to_another_flavor_then_revert() -> None:
    app = demo_app()
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await settle(pilot)
        screen = current(app)
        await select(pilot, "web-01")  # m1.tiny
        form = await open_form(pilot, "e")
        picker = await choose(pilot, form, "flavor", "m1.small")
        assert "m1.tiny" not in [c.value for c in picker._choices]
        said = await submit_and_confirm(pilot)
        assert "Resize web-01 (ACTIVE, on compute1) from flavor m1.tiny to m1.small" in said
        await wait_for(pilot, lambda: screen.table.selected.status == "VERIFY_RESIZE")
        await wait_for(pilot, lambda: not screen.in_flight)
        assert screen.table.selected.flavor == "m1.small"
        await pilot.press("Y")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.click("#confirm-yes")
        await wait_for(pilot, lambda: screen.table.selected.status == "ACTIVE")
        await wait_for(pilot, lambda: not screen.in_flight)
        row = screen.table.selected
        assert (row.host, row.flavor) == ("compute1", "m1.tiny")
    kinds = [w[0] for w in app.backend.writes]
    assert kinds == ["resize", "revert-resize"]


async def test_refused_by_nova_shows_status_message_and_request_id() -> None:
    app = demo_app()
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await settle(pilot)
        await select(pilot, "web-01")
        form = await open_form(pilot, "e")
        await choose(pilot, form, "flavor", "m1.small")
        # the server changes behind stackdeck's back: Nova now refuses
        web = await server(app, "web-01")
        await app.backend.server_action(web.id, "pause")
        await submit_and_confirm(pilot)
        await wait_for(pilot, lambda: "HTTP 409" in screen_text(pilot))
        text = screen_text(pilot)
        assert "Cannot 'resize' instance" in text or "task_state" in text
        assert "request id: req-" in text
        assert isinstance(app.screen, FormScreen)  # the form stays, with what was chosen
        assert form.query_one("#input-flavor", Picker).value == "m1.small"


async def test_evacuate_only_from_a_failed_host() -> None:
    app = demo_app()
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await settle(pilot)
        screen = current(app)
        await select(pilot, "web-01")  # compute1: its compute service is up
        await pilot.press("ctrl+e")
        await wait_for(pilot, lambda: any("compute service is up" in n for n in notes(app)))
        assert isinstance(app.screen, ResourceScreen)
        await select(pilot, "api-04")  # SHUTOFF on compute4, whose service is down
        form = await open_form(pilot, "ctrl+e")
        await choose(pilot, form, "host", "compute1")
        said = await submit_and_confirm(pilot, typed="api-04")
        assert "Evacuate api-04 (SHUTOFF) from failed host compute4 to compute1" in said
        assert "runs twice" in said
        await wait_for(pilot, lambda: screen.table.selected.host == "compute1")
        await wait_for(pilot, lambda: not screen.in_flight)
        assert screen.table.selected.status == "SHUTOFF"  # 2.68: it keeps its state
    assert [w[0] for w in app.backend.writes] == ["evacuate"]


async def test_shelve_and_unshelve() -> None:
    app = demo_app()
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await settle(pilot)
        screen = current(app)
        await select(pilot, "web-01")
        assert screen.check_action("act", ("unshelve",)) is False
        await pilot.press("i")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        assert "Shelve web-01 (on compute1)" in confirmation(pilot)
        await pilot.click("#confirm-yes")
        await wait_for(pilot, lambda: screen.table.selected.status == "SHELVED_OFFLOADED")
        await wait_for(pilot, lambda: not screen.in_flight)
        await pilot.press("I")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.click("#confirm-yes")
        await wait_for(pilot, lambda: screen.table.selected.status == "ACTIVE")
        assert screen.table.selected.host
    assert [w[0] for w in app.backend.writes] == ["shelve", "unshelve"]


async def test_read_only_offers_no_move() -> None:
    app = demo_app(read_only=True)
    moves = ("live_migrate", "migrate", "resize", "evacuate", "shelve", "unshelve")
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await settle(pilot)
        screen = current(app)
        await select(pilot, "web-01")
        assert not any(screen.check_action("act", (name,)) for name in moves)
        await pilot.press("m", "c", "e", "i", "ctrl+e")
        await pilot.pause(0.2)
        assert isinstance(app.screen, ResourceScreen)
        await select(pilot, "web-01")
        await pilot.press("H")  # reading the history is still offered
        await settle(pilot)
        assert current(app).resource.name == "instance-actions"
    assert app.backend.writes == []


async def test_migrations_list_progress_force_complete_and_drills() -> None:
    app = demo_app()
    async with app.run_test(size=(160, 40), notifications=True) as pilot:
        await settle(pilot)
        web = await server(app, "web-01")
        api = await server(app, "api-04")
        await app.backend.migrate(api.id, "compute1")
        await app.backend.server(api.id)  # the cold migration lands in VERIFY_RESIZE
        await app.backend.live_migrate(web.id, "compute2")
        migrations = await goto(pilot, "mig")
        text = screen_text(pilot)
        assert "Migrations" in text and "[2]" in text
        rows = migrations.table.rows_in_view()
        assert [m.type for m in rows] == ["live-migration", "migration"]  # newest first
        assert "web-01" in text and "compute1 → compute2" in text
        assert re.search(r"mem [1-9][0-9]%", text)  # from the server-migrations API
        assert "compute4 → compute1" in text and "finished" in text
        await select(pilot, "live migration of web-01")
        assert migrations.check_action("act", ("force_complete",)) is True
        await pilot.press("F")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.click("#confirm-yes")
        await wait_for(pilot, lambda: migrations.table.selected.status == "completed")
        assert (await server(app, "web-01")).host == "compute2"
        await pilot.press("slash", *"resize")
        await pilot.pause()
        assert migrations.table.row_count == 0
        await pilot.press("escape")
        await select(pilot, "cold migration of api-04")
        await pilot.press("enter")
        await settle(pilot)
        assert current(app).resource.name == "servers"
        assert [s.name for s in current(app).table.rows_in_view()] == ["api-04"]


async def test_abort_a_live_migration(monkeypatch: pytest.MonkeyPatch) -> None:
    # every poll of the server moves the memory cloud's migration one step on: on a loaded
    # machine the list's polls could finish it before the key is read
    monkeypatch.setattr("tui.backend.memory.moves.LIVE_STEPS", 10_000)
    app = demo_app()
    async with app.run_test(size=(160, 40), notifications=True) as pilot:
        await settle(pilot)
        web = await server(app, "web-01")
        await app.backend.live_migrate(web.id, "compute2")
        migrations = await goto(pilot, "migrations")
        await pilot.press("A")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        assert "it stays on compute1" in confirmation(pilot)
        await pilot.click("#confirm-yes")
        await wait_for(pilot, lambda: migrations.table.selected.status == "cancelled")
        assert (await server(app, "web-01")).host == "compute1"


async def test_migrations_of_a_server_and_of_a_hypervisor() -> None:
    app = demo_app()
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        web = await server(app, "web-01")
        db = await server(app, "db-02")
        await app.backend.migrate(web.id, "compute2")
        await app.backend.migrate(db.id, "compute1")
        await select(pilot, "web-01")
        await pilot.press("O")
        await settle(pilot)
        screen = current(app)
        assert screen.resource.name == "migrations"
        assert "server web-01" in screen_text(pilot)
        assert [m.server_id for m in screen.table.rows_in_view()] == [web.id]
        hv = await goto(pilot, "hv")
        await select(pilot, "compute2")
        await pilot.press("O")
        await settle(pilot)
        screen = current(app)
        assert hv is not screen and "host compute2" in screen_text(pilot)
        assert {m.server_id for m in screen.table.rows_in_view()} == {web.id, db.id}


async def test_history_newest_first_and_an_actions_events() -> None:
    app = demo_app()
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        web = await server(app, "web-01")
        await app.backend.server_action(web.id, "stop")
        await app.backend.server_action(web.id, "start")
        await app.backend.live_migrate(web.id, "compute2")
        for _ in range(3):
            await app.backend.server(web.id)
        await select(pilot, "web-01")
        await pilot.press("H")
        await settle(pilot)
        history = current(app)
        assert history.resource.name == "instance-actions"
        assert [a.action for a in history.table.rows_in_view()] == [
            "live-migration",
            "start",
            "stop",
        ]
        text = screen_text(pilot)
        assert "History" in text and "server web-01" in text and "req-" in text
        await pilot.press("enter")
        await settle(pilot)
        events = current(app)
        assert events.resource.name == "action-events"
        names = [e.event for e in events.table.rows_in_view()]
        assert "compute_live_migration" in names and "conductor_live_migrate_instance" in names
        assert "Success" in screen_text(pilot)
        await pilot.press("slash", *"post")
        await pilot.pause()
        assert events.table.row_count == 1
        await pilot.press("enter", "enter")  # leave the filter box; the event's facts
        await wait_for(pilot, lambda: isinstance(app.screen, DescribeScreen))
        assert "compute2" in screen_text(pilot)


async def test_history_shows_a_failed_action_with_its_traceback() -> None:
    app = demo_app()
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        web = await server(app, "web-01")
        services = [s async for p in app.backend.compute_services(host="compute2") for s in p]
        await app.backend.set_compute_service(services[0], enabled=False, reason="test")
        await app.backend.live_migrate(web.id)  # no valid host: the conductor's error
        await select(pilot, "web-01")
        await pilot.press("H")
        await settle(pilot)
        assert "Error" in screen_text(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert "Traceback" in screen_text(pilot) or "Error" in screen_text(pilot)
        await pilot.press("d")
        await wait_for(pilot, lambda: isinstance(app.screen, DescribeScreen))
        assert "Traceback (most recent call last)" in screen_text(pilot)


async def test_where_is_a_server() -> None:
    app = demo_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await select(pilot, "web-01")
        await pilot.press("w")
        await wait_for(pilot, lambda: isinstance(app.screen, DescribeScreen))
        await wait_for(pilot, lambda: "DHCP on" in screen_text(pilot))
        text = screen_text(pilot)
        for expected in (
            "Where is",
            "Compute host       compute1",
            "Availability zone",
            "Aggregate",
            "Network",
            "Port",
            "Floating IP        172.24.0.2",
        ):
            assert expected in text, expected
        assert "{" not in text  # facts only, no JSON record


async def test_where_is_shows_a_failed_lookup_as_a_problem_line() -> None:
    app = demo_app(is_admin=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = current(app)
        row = screen.table.rows_in_view()[0]
        await select(pilot, row.name)
        await pilot.press("w")
        await wait_for(pilot, lambda: isinstance(app.screen, DescribeScreen))
        await wait_for(pilot, lambda: "✖" in screen_text(pilot))
        assert "needs admin rights" in screen_text(pilot)


async def test_moves_offered_on_a_hypervisors_servers() -> None:
    app = demo_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await goto(pilot, "hv")
        await select(pilot, "compute1")
        await pilot.press("enter")
        await settle(pilot)
        on_host = current(app)
        assert "host compute1" in screen_text(pilot)
        await select(pilot, "web-01")
        for name in ("live_migrate", "migrate", "resize", "shelve", "evacuate"):
            assert on_host.check_action("act", (name,)) is True, name
        form = await open_form(pilot, "m")
        await choose(pilot, form, "host", "compute2")
        await submit_and_confirm(pilot)
        # the row stays in this host's list until reloaded, and says where it went
        await wait_for(pilot, lambda: on_host.table.selected.host == "compute2")


async def test_a_nova_too_old_for_the_call_is_told_in_the_form() -> None:
    from tui.backend.errors import BackendError

    app = demo_app()

    async def too_old(*args: object, **kwargs: object) -> None:
        raise BackendError(
            "live migration with block_migration=auto needs Nova microversion 2.25; "
            "this cloud offers 2.20.",
            operation="live migration with block_migration=auto",
        )

    app.backend.live_migrate = too_old  # type: ignore[method-assign]
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await select(pilot, "web-01")
        form = await open_form(pilot, "m")
        await submit_and_confirm(pilot)
        await wait_for(pilot, lambda: "needs Nova microversion 2.25" in screen_text(pilot))
        assert app.screen is form


async def test_live_migrate_of_marked_servers_asks_once_and_runs_as_a_runbook() -> None:
    from tui.screens.runbook import RunbookScreen

    app = demo_app()
    async with app.run_test(size=(140, 40), notifications=True) as pilot:
        screen = current(app)
        await settle(pilot)
        on_compute1 = [
            r
            for r in screen.table.rows_in_view()
            if r.host == "compute1" and r.status == "ACTIVE" and not r.task_state
        ][:3]
        assert len(on_compute1) == 3
        for row in on_compute1:
            assert screen.table.select_key(row.id)
            await pilot.press("space")
        assert "3 marked" in screen_text(pilot)
        form = await open_form(pilot, "m")
        assert "3 marked rows" in screen_text(pilot)
        await choose(pilot, form, "host", "compute2")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, RunbookScreen))
        await wait_for(pilot, lambda: "preview" in screen_text(pilot))
        shown = screen_text(pilot)
        for row in on_compute1:
            assert f"Live-migrate {row.name} from compute1 to compute2" in shown
        await pilot.press("y")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("3", "enter")
        await wait_for(pilot, lambda: "Finished in" in screen_text(pilot), rounds=600)
        assert "3 done, 0 failed" in screen_text(pilot)
        for row in on_compute1:
            moved = await app.backend.server(row.id)
            assert (moved.host, moved.status) == ("compute2", "ACTIVE")


async def test_a_form_asked_per_row_is_not_offered_for_marked_rows() -> None:
    app = demo_app()
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        screen = current(app)
        await settle(pilot)
        await pilot.press("space", "down", "space")
        assert not screen.offered(screen.resource.action("rename"), screen.table.selected)
        assert screen.offered(screen.resource.action("live_migrate"), screen.table.selected)
