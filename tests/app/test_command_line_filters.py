"""`:servers status=ERROR host=...`, `:volumes status=error project=...`: the cloud filters
the list; the header says how; a word or value that cannot be used is said and the command
line comes back as typed; a refresh by changes drops a row that stopped matching."""

from __future__ import annotations

from collections import Counter

from textual.pilot import Pilot

from tests.app.test_refresh_by_changes import counted, current, refreshed
from tests.app_helpers import demo_app, screen_text, settle
from tui.backend.server_filters import ServerFilters
from tui.screens.command import CommandScreen
from tui.widgets.command_line import CommandLine


async def command(pilot: Pilot[None], text: str) -> None:
    await pilot.press("colon", *text, "enter")
    await settle(pilot)


async def test_servers_status_error_lists_only_the_clouds_error_servers() -> None:
    app = demo_app()
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        every = list(current(app).table.rows_in_view())
        errors = {s.id for s in every if s.status == "ERROR"}
        assert errors and len(errors) < len(every)
        calls = counted(current(app).context.backend, "servers")

        await command(pilot, "servers status=error")
        screen = current(app)
        shown = list(screen.table.rows_in_view())
        assert {s.id for s in shown} == errors
        assert Counter(s.status for s in shown) == Counter({"ERROR": len(errors)})
        assert len(calls) == 1 and calls[0]["filters"] == ServerFilters(status="ERROR")
        assert calls[0]["all_projects"] is True  # the admin's default stays
        text = screen_text(pilot)
        assert "status=ERROR" in text and f"[{len(errors)}]" in text


async def test_a_project_by_name_and_a_host_filter_together() -> None:
    app = demo_app()
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        every = list(current(app).table.rows_in_view())
        one = every[0]
        await command(pilot, f"servers host={one.host} project={one.project}")
        shown = list(current(app).table.rows_in_view())
        expected = {s.id for s in every if s.host == one.host and s.project == one.project}
        assert {s.id for s in shown} == expected
        assert f"host={one.host} project={one.project}" in screen_text(pilot)


async def test_an_unknown_word_says_the_accepted_ones_and_keeps_the_text() -> None:
    app = demo_app()
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        await command(pilot, "servers colour=red")
        assert isinstance(app.screen, CommandScreen)
        assert app.screen.query_one(CommandLine).value == "servers colour=red"
        said = " ".join(str(n.message) for n in app._notifications)
        assert "cannot be filtered by “colour”" in said and "status, host, project" in said


async def test_a_bad_status_or_project_reopens_the_command_line_with_the_text() -> None:
    app = demo_app()
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        await command(pilot, "servers status=sleepy")
        assert app.screen.query_one(CommandLine).value == "servers status=sleepy"
        await pilot.press("escape")
        await command(pilot, "servers project=nobody-has-it")
        assert isinstance(app.screen, CommandScreen)
        assert app.screen.query_one(CommandLine).value == "servers project=nobody-has-it"
        said = " ".join(str(n.message) for n in app._notifications)
        assert "not one of" in said and "no project has this name or id" in said


async def test_refresh_drops_a_server_that_no_longer_matches_and_adds_one_that_does() -> None:
    app = demo_app()
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        every = list(current(app).table.rows_in_view())
        await command(pilot, "servers status=ERROR")
        screen = current(app)
        backend = screen.context.backend
        broken = next(iter(screen.table.rows_in_view()))
        healthy = next(s for s in every if s.status == "ACTIVE")
        await backend.server_action(broken.id, "reset_state", state="active")
        await backend.server_action(healthy.id, "reset_state", state="error")
        calls = counted(backend, "servers")

        await refreshed(pilot, calls)
        assert not screen.table.has_key(broken.id)
        assert screen.table.has_key(healthy.id)
        assert len(calls) == 1 and calls[0]["changes_since"] is not None
        assert all(s.status == "ERROR" for s in screen.table.rows_in_view())


async def test_tab_completes_the_filter_words_after_the_resource_name() -> None:
    app = demo_app()
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        await pilot.press("colon", *"SRV status=ERROR ho")
        await settle(pilot)
        await pilot.press("tab")
        line = app.screen.query_one(CommandLine)
        assert line.value == "SRV status=ERROR host="
        await pilot.press(*"compute1", "enter")
        await settle(pilot)
        assert all(s.host == "compute1" for s in current(app).table.rows_in_view())
        assert "status=ERROR host=compute1" in screen_text(pilot)


async def test_volumes_by_status_and_project_from_the_command_line() -> None:
    app = demo_app()
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        await command(pilot, "volumes")
        every = list(current(app).table.rows_in_view())
        one = next(v for v in every if v.status == "available")
        backend = current(app).context.backend
        projects = [p async for page in backend.projects() for p in page]
        project = next(p for p in projects if p.id == one.project_id)
        await command(pilot, f"vol status=AVAILABLE project={project.name}")
        shown = {v.id for v in current(app).table.rows_in_view()}
        wanted = {v.id for v in every if v.status == "available" and v.project_id == project.id}
        assert one.id in shown and shown == wanted
        assert f"status=available project={project.name}" in screen_text(pilot)
        await command(pilot, "volumes host=x")
        said = " ".join(str(n.message) for n in app._notifications)
        assert "volumes cannot be filtered by “host”: use status, project" in said


async def test_ports_by_network_name_from_the_command_line() -> None:
    app = demo_app()
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        backend = current(app).context.backend
        networks = [n async for page in backend.networks() for n in page]
        ports = [p async for page in backend.ports() for p in page]
        network = next(n for n in networks if any(p.network_id == n.id for p in ports))
        await command(pilot, f"ports network={network.name}")
        shown = {p.id for p in current(app).table.rows_in_view()}
        assert shown == {p.id for p in ports if p.network_id == network.id}
        assert f"network={network.name}" in screen_text(pilot)
