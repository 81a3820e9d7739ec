"""Pilot tests: press keys in the demo cloud, check what the operator sees."""

from __future__ import annotations

from textual.widgets import Static

from tests.app_helpers import demo_app, screen_text, settle
from tui.screens.describe import DescribeScreen
from tui.screens.help import HelpScreen
from tui.screens.resource import ResourceScreen


def current(app: object) -> ResourceScreen:
    screen = app.screen  # type: ignore[attr-defined]
    assert isinstance(screen, ResourceScreen), screen
    return screen


async def test_demo_opens_on_all_servers_with_header() -> None:
    app = demo_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        text = screen_text(pilot)
        assert "cloud demo" in text and "project admin" in text and "region RegionOne" in text
        assert "● connected" in text
        assert "web-01" in text and "compute1" in text
        screen = current(app)
        assert screen.scope.all_projects
        assert screen.table.total_count == 40
        assert "all projects" in text and "[40]" in text


async def test_hypervisor_drill_down_shows_only_that_hosts_servers() -> None:
    app = demo_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("colon", *"hv", "enter")
        await settle(pilot)
        hv = current(app)
        assert hv.resource.name == "hypervisors"
        assert [h.name for h in hv.table.rows_in_view()] == [f"compute{i}" for i in range(1, 5)]
        await pilot.press("j", "enter")
        await settle(pilot)
        servers = current(app)
        assert servers.resource.name == "servers"
        hosts = {s.host for s in servers.table.rows_in_view()}
        assert hosts == {"compute2"}
        assert servers.table.total_count == 7  # 10 per host; the demo's ERROR ones found none
        assert "host compute2" in screen_text(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert current(app).resource.name == "hypervisors"
        assert current(app).table.selected.name == "compute2"


async def test_project_drill_down_and_tenants_alias() -> None:
    app = demo_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("colon", *"tenants", "enter")
        await settle(pilot)
        projects = current(app)
        assert projects.resource.name == "projects"
        assert [p.name for p in projects.table.rows_in_view()] == ["admin", "demo", "ops"]
        await pilot.press("j", "enter")
        await settle(pilot)
        servers = current(app)
        assert {s.project for s in servers.table.rows_in_view()} == {"demo"}
        assert "project demo" in screen_text(pilot)


async def test_command_line_completes_and_rejects_unknown_names() -> None:
    app = demo_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("colon", *"hyp", "tab", "enter")
        await settle(pilot)
        assert current(app).resource.name == "hypervisors"
        await pilot.press("colon", *"nonsense", "enter")
        await pilot.pause()
        assert current(app).resource.name == "hypervisors"
        assert any("Unknown resource" in n.message for n in app._notifications)
        await pilot.press("colon", "escape")
        await pilot.pause()
        assert current(app).resource.name == "hypervisors"


async def test_filter_narrows_as_you_type_and_escape_clears() -> None:
    app = demo_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        screen = current(app)
        await pilot.press("slash", *"web")
        await pilot.pause()
        names = [s.name for s in screen.table.rows_in_view()]
        assert names and all("web" in n for n in names)
        assert "filter: web" in screen_text(pilot)
        await pilot.press("enter")
        assert screen.table.has_focus and screen.table.filter_text == "web"
        await pilot.press("escape")
        await pilot.pause()
        assert screen.table.filter_text == "" and screen.table.row_count == 40


async def test_the_list_follows_the_filter_box_before_the_next_frame() -> None:
    """Not a message later: Textual would draw a frame with the box's new text and the old
    rows in between (on a big list, a frame per keystroke more)."""
    app = demo_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        screen = current(app)
        await pilot.press("slash")
        await pilot.pause()
        screen.filter_input.value = "web"
        assert screen.table.filter_text == "web"
        crumbs = str(screen.query_one("#crumbs", Static).content)
        assert f"[{screen.table.row_count}/40]" in crumbs and "filter: web" in crumbs


async def test_filter_matches_status_and_host_words_together() -> None:
    app = demo_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"shutoff compute4")
        await pilot.pause()
        rows = list(current(app).table.rows_in_view())
        assert rows and all(s.status == "SHUTOFF" and s.host == "compute4" for s in rows)


async def test_describe_shows_the_full_record() -> None:
    app = demo_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        server = current(app).table.selected
        await pilot.press("d")
        await pilot.pause(0.1)
        assert isinstance(app.screen, DescribeScreen)
        text = screen_text(pilot)
        assert server.id in text and "OS-EXT-SRV-ATTR:host" in text
        await pilot.press("escape")
        assert isinstance(app.screen, ResourceScreen)


async def test_help_lists_the_keys_of_the_screen() -> None:
    app = demo_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        text = screen_text(pilot)
        for words in (
            "Filter",
            "Describe",
            "Refresh",
            "All projects",
            "Back",
            "Command palette",
            "Page down",
            "Reverse the sort order",
        ):
            assert words in text
        await pilot.press("escape")
        assert isinstance(app.screen, ResourceScreen)


async def test_all_projects_toggle() -> None:
    app = demo_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        screen = current(app)
        assert not screen.scope.all_projects
        assert {s.project for s in screen.table.rows_in_view()} == {"admin"}
        assert "this project" in screen_text(pilot)


async def test_refresh_keeps_the_cursor_on_the_same_server() -> None:
    app = demo_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("j", "j", "j")
        before = current(app).table.selected
        await pilot.press("r")
        await settle(pilot)
        assert current(app).table.selected.id == before.id


async def test_palette_opens_resources_and_runs_screen_actions() -> None:
    app = demo_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"Open Hypervisors")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await settle(pilot)
        assert current(app).resource.name == "hypervisors"
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"Describe")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause(0.1)
        assert isinstance(app.screen, DescribeScreen)


async def test_forbidden_list_says_admin_is_needed() -> None:
    app = demo_app(is_admin=False)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        await pilot.press("colon", *"hv", "enter")
        await settle(pilot)
        text = screen_text(pilot)
        assert "Hypervisors need admin rights here (HTTP 403)" in text
        note = app._notifications
        assert any("HTTP 403" in n.message and "request id: req-" in n.message for n in note)
        assert "Traceback" not in text


async def test_big_cloud_streams_and_filters() -> None:
    app = demo_app(servers=20_000)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, rounds=400)
        screen = current(app)
        assert screen.table.total_count == 20_000
        await pilot.press("slash", *"worker-000205")
        await pilot.pause()
        assert [s.name for s in screen.table.rows_in_view()][:1] == ["worker-000205"]


async def test_hypervisors_show_cloud_totals() -> None:
    app = demo_app()
    async with app.run_test(size=(140, 30)) as pilot:
        await settle(pilot)
        await pilot.press("colon", *"hv", "enter")
        await settle(pilot)
        text = screen_text(pilot)
        # 4 x 64 vCPUs used by the flavors of the 37 servers placed on a host (the demo's 3 in
        # ERROR found none); compute3 disabled, compute4 down
        assert "vCPU 227/256" in text and "VMs 37" in text and "2 down or disabled" in text
