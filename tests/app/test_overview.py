"""The health overview on the in-memory cloud: counts, states, drills."""

from __future__ import annotations

import pytest

from tests.app_helpers import demo_app, screen_text, select, settle, wait_for
from tui.app import StackdeckApp
from tui.backend.errors import Forbidden
from tui.backend.memory import MemoryBackend
from tui.config import Settings
from tui.screens.resource import ResourceScreen
from tui.screens.resources.overview import CHECKS, CheckResult
from tui.screens.resources.registry import RESOURCES

# hypervisors=2, servers=5: no host down or disabled, every server ACTIVE or SHUTOFF
HEALTHY = {"hypervisors": 2, "servers": 5}


def overview_app(**backend_args: object) -> StackdeckApp:
    return demo_app(start="overview", **backend_args)  # type: ignore[arg-type]


def lines(screen: ResourceScreen) -> dict[str, CheckResult]:
    return {row.id: row for row in screen.table.rows_in_view()}


async def open_overview(pilot, app: StackdeckApp) -> ResourceScreen:  # type: ignore[no-untyped-def]
    await wait_for(pilot, lambda: isinstance(app.screen, ResourceScreen))
    await settle(pilot)
    screen = app.screen
    assert isinstance(screen, ResourceScreen) and screen.resource.name == "overview"
    await wait_for(pilot, lambda: screen.loaded)
    return screen


def test_every_drill_target_is_a_resource() -> None:
    assert {c.target for c in CHECKS} <= set(RESOURCES)
    assert RESOURCES["overview"].names() == ("overview", "health", "home", "dash")


async def test_problems_show_with_counts_states_and_reasons() -> None:
    app = overview_app()
    async with app.run_test(size=(160, 30)) as pilot:
        screen = await open_overview(pilot, app)
        got = lines(screen)
        assert (got["servers-error"].state, got["servers-error"].count) == ("problem", 3)
        assert got["services-disabled"].state == "warning"
        assert "hardware maintenance (RAID)" in got["services-disabled"].detail
        assert (got["services-down"].count, got["agents-down"].count) == (1, 1)
        assert got["hypervisors"].state == "problem"  # compute4 is down, not only disabled
        assert got["servers-stuck"].state == "warning" and "spawning" in got["servers-stuck"].detail
        assert got["volumes-error"].state == "ok" and got["agents-disabled"].state == "ok"
        text = screen_text(pilot)
        assert "Health overview" in text and "4 problems · 2 warnings" in text
        assert "Servers in a task > 15 min" in text


async def test_healthy_cloud_says_all_clear() -> None:
    app = overview_app(**HEALTHY)
    async with app.run_test(size=(120, 30)) as pilot:
        screen = await open_overview(pilot, app)
        assert {r.state for r in lines(screen).values()} == {"ok"}
        assert "all clear" in screen_text(pilot)


@pytest.mark.parametrize(
    ("check", "target", "expected"),
    [
        ("servers-error", "servers", {"lb-06", "db-18", "lb-30"}),
        ("services-disabled", "compute-services", {"nova-compute@compute3"}),
        ("agents-down", "network-agents", {"neutron-openvswitch-agent@compute4"}),
        ("hypervisors", "hypervisors", {"compute3", "compute4"}),
    ],
)
async def test_enter_lists_what_the_line_counts(check: str, target: str, expected: set) -> None:
    app = overview_app()
    async with app.run_test(size=(160, 30)) as pilot:
        screen = await open_overview(pilot, app)
        await select(pilot, lines(screen)[check].name)
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.screen is not screen)
        await settle(pilot)
        drilled = app.screen
        assert isinstance(drilled, ResourceScreen) and drilled.resource.name == target
        assert {drilled.resource.label(r) for r in drilled.table.rows_in_view()} == expected
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is screen)


async def test_volume_problems_and_the_stuck_threshold() -> None:
    backend = MemoryBackend()
    volumes = [v async for page in backend.volumes(all_projects=True) for v in page]
    backend.put_volume_state(volumes[0].id, "error_deleting")
    backend.put_volume_state(volumes[1].id, "creating")  # updated long ago: stuck
    backend.put_volume_state(volumes[2].id, "detaching", updated_at="2999-01-01T00:00:00Z")
    app = StackdeckApp(
        backend, Settings(demo=True, refresh_seconds=0, start_resource="", stuck_minutes=30)
    )
    async with app.run_test(size=(160, 30)) as pilot:
        screen = await open_overview(pilot, app)
        got = lines(screen)
        assert app.context.thresholds.stuck_minutes == 30
        assert got["volumes-stuck"].name.endswith("> 30 min")
        assert (got["volumes-error"].count, got["volumes-error"].state) == (1, "problem")
        assert "error_deleting" in got["volumes-error"].detail
        assert got["volumes-stuck"].count == 1 and "creating" in got["volumes-stuck"].detail
        await select(pilot, got["volumes-stuck"].name)
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.screen is not screen)
        await settle(pilot)
        assert [v.id for v in app.screen.table.rows_in_view()] == [volumes[1].id]  # type: ignore[attr-defined]


async def test_a_refused_check_spoils_only_its_line() -> None:
    backend = MemoryBackend()

    def refuse(*args: object, **kwargs: object) -> object:
        raise Forbidden(
            "Policy doesn't allow get_agent",
            status=403,
            request_id="req-agents-403",
            operation="list agents",
        )

    backend.network_agents = refuse  # type: ignore[method-assign]
    app = StackdeckApp(backend, Settings(demo=True, refresh_seconds=0, start_resource="overview"))
    async with app.run_test(size=(160, 30)) as pilot:
        screen = await open_overview(pilot, app)
        got = lines(screen)
        assert got["agents-down"].state == got["agents-disabled"].state == "error"
        assert got["agents-down"].detail == (
            "needs admin rights (HTTP 403) (request id req-agents-403)"
        )
        assert got["servers-error"].count == 3 and got["services-down"].state == "problem"
        assert "2 checks failed" in screen_text(pilot)


async def test_refresh_keeps_the_last_answers_until_new_ones_come() -> None:
    backend = MemoryBackend()
    app = StackdeckApp(backend, Settings(demo=True, refresh_seconds=0, start_resource="overview"))
    async with app.run_test(size=(160, 30)) as pilot:
        screen = await open_overview(pilot, app)
        assert lines(screen)["servers-error"].count == 3
        error = next(s for p in [x async for x in backend.servers_in_status("ERROR")] for s in p)
        await backend.server_action(error.id, "reset_state", state="active")
        await pilot.press("r")
        await wait_for(pilot, lambda: lines(screen)["servers-error"].count == 2)
        assert "checking" not in screen_text(pilot)


async def test_admins_start_on_the_overview_members_on_servers() -> None:
    for is_admin, expected in ((True, "overview"), (False, "servers")):
        home = demo_app(start="", is_admin=is_admin)
        async with home.run_test(size=(120, 30)) as pilot:
            await wait_for(pilot, lambda h=home: isinstance(h.screen, ResourceScreen))
            await settle(pilot)
            assert home.screen.resource.name == expected  # type: ignore[attr-defined]
    app = demo_app(start="volumes")  # an explicit start still wins
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, ResourceScreen))
        await settle(pilot)
        assert app.screen.resource.name == "volumes"  # type: ignore[attr-defined]


async def test_members_see_each_line_needs_admin() -> None:
    app = overview_app(is_admin=False)
    async with app.run_test(size=(160, 30)) as pilot:
        screen = await open_overview(pilot, app)
        got = lines(screen)
        for check in ("services-down", "hypervisors", "servers-error", "servers-stuck"):
            assert got[check].detail.startswith("needs admin rights (HTTP 403)"), check
        # Neutron shows a member no agents rather than refusing: not "OK, 0 down"
        assert got["agents-down"].state == "error"
        assert got["agents-down"].detail == "needs admin rights (members see none)"


async def test_auto_refresh_follows_the_refresh_setting() -> None:
    backend = MemoryBackend()
    settings = Settings(demo=True, refresh_seconds=0.2, start_resource="overview")
    app = StackdeckApp(backend, settings)
    async with app.run_test(size=(160, 30)) as pilot:
        screen = await open_overview(pilot, app)
        assert lines(screen)["servers-error"].count == 3
        error = next(s for p in [x async for x in backend.servers_in_status("ERROR")] for s in p)
        await backend.server_action(error.id, "reset_state", state="active")
        await wait_for(pilot, lambda: lines(screen)["servers-error"].count == 2)


async def test_a_drilled_list_is_every_projects_and_reloads_its_own_filter() -> None:
    backend = MemoryBackend()
    app = StackdeckApp(backend, Settings(demo=True, refresh_seconds=0, start_resource="overview"))
    async with app.run_test(size=(160, 30)) as pilot:
        screen = await open_overview(pilot, app)
        await select(pilot, "Servers in ERROR")
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.screen is not screen)
        await settle(pilot)
        servers = app.screen
        assert isinstance(servers, ResourceScreen) and servers.table.total_count == 3
        assert servers.check_action("toggle_all_projects", ()) is False
        lb06 = next(s for s in servers.table.rows_in_view() if s.name == "lb-06")
        await backend.server_action(lb06.id, "reset_state", state="active")
        await pilot.press("r")
        await wait_for(pilot, lambda: servers.table.total_count == 2)
        assert {s.status for s in servers.table.rows_in_view()} == {"ERROR"}


def test_summary_counts_lines_by_state() -> None:
    from tui.screens.resources.overview import summary

    def result(state: str) -> CheckResult:
        return CheckResult(CHECKS[0], state, 1)  # type: ignore[arg-type]

    assert summary([result("problem"), result("warning"), result("ok")]) == "1 problem · 1 warning"
    assert summary([result("error"), result("error")]) == "2 checks failed"
    assert summary([result("ok"), result("n/a")]) == "all clear"


async def test_a_failed_connection_starts_on_servers_which_says_why() -> None:
    from tui.backend.errors import ConnectionLost

    backend = MemoryBackend()

    async def unreachable() -> None:
        raise ConnectionLost("Unable to reach keystone", operation="authenticate")

    backend.connect = unreachable  # type: ignore[method-assign,assignment]
    app = StackdeckApp(backend, Settings(demo=True, refresh_seconds=0, start_resource=""))
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, ResourceScreen))
        await settle(pilot)
        assert app.screen.resource.name == "servers"  # type: ignore[attr-defined]
        assert "Unable to reach keystone" in screen_text(pilot)


async def test_the_header_says_connecting_until_the_cloud_says_who_we_are() -> None:
    import asyncio

    backend = MemoryBackend(is_admin=False)
    answer = asyncio.Event()
    connect = backend.connect

    async def slow() -> object:
        await answer.wait()
        return await connect()

    backend.connect = slow  # type: ignore[method-assign,assignment]
    app = StackdeckApp(backend, Settings(demo=True, refresh_seconds=0, start_resource=""))
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_for(pilot, lambda: "Connecting to demo…" in screen_text(pilot))
        assert "connecting" in screen_text(pilot)
        answer.set()
        await wait_for(pilot, lambda: isinstance(app.screen, ResourceScreen))
        await settle(pilot)
        assert app.screen.resource.name == "servers"  # type: ignore[attr-defined]
        assert len(app.screen_stack) == 2, "the placeholder is replaced, not stacked"


async def test_each_line_says_checking_until_its_check_answers() -> None:
    app = overview_app(latency=0.3)
    async with app.run_test(size=(160, 30)) as pilot:
        await wait_for(pilot, lambda: "checking…" in screen_text(pilot))
        screen = app.screen
        assert isinstance(screen, ResourceScreen)
        assert {r.state for r in lines(screen).values()} == {"checking"}
        assert "…" in screen_text(pilot)  # the counts are not known yet
        await wait_for(pilot, lambda: screen.loaded)
        assert "checking" not in {r.state for r in lines(screen).values()}


async def test_one_overview_run_lists_each_service_list_once() -> None:
    """Down and disabled compute services (and network agents) come from one listing each;
    the volumes in error and in transition from one call each, whatever the statuses."""
    app = overview_app(**HEALTHY)
    backend = app.backend
    calls: dict[str, int] = {}

    def counting(name: str) -> None:
        original = getattr(backend, name)

        def counted(*args: object, **kwargs: object) -> object:
            calls[name] = calls.get(name, 0) + 1
            return original(*args, **kwargs)

        setattr(backend, name, counted)

    for name in ("compute_services", "network_agents", "volumes_in_states"):
        counting(name)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_overview(pilot, app)
        assert calls == {"compute_services": 1, "network_agents": 1, "volumes_in_states": 2}
        assert {"services-down", "services-disabled", "agents-down"} <= set(lines(screen))
        assert all(r.state != "error" for r in lines(screen).values())
