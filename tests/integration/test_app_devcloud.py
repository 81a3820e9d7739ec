"""The app (pilot) on the real devcloud: the operator's first screens and an error path."""

from __future__ import annotations

from pathlib import Path

from tests.app_helpers import screen_text, settle
from tui.app import StackdeckApp
from tui.backend.openstack import OpenStackBackend
from tui.config import Settings
from tui.screens.describe import DescribeScreen
from tui.screens.resource import ResourceScreen


def app_for(cloud: str) -> StackdeckApp:
    settings = Settings(cloud=cloud, refresh_seconds=0, start_resource="servers")
    return StackdeckApp(OpenStackBackend(cloud), settings)


def current(app: StackdeckApp) -> ResourceScreen:
    assert isinstance(app.screen, ResourceScreen), app.screen
    return app.screen


async def test_admin_sees_all_servers_then_a_hosts_servers(devcloud: Path) -> None:
    app = app_for("devcloud-admin")
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot, rounds=400)
        text = screen_text(pilot)
        assert "cloud devcloud-admin" in text and "● connected" in text
        servers = current(app)
        assert servers.scope.all_projects and servers.error is None
        names = {s.name for s in servers.table.rows_in_view()}
        assert {"web-1", "web-2", "db-1", "broken-1"} <= names
        assert "broken-1" in text and "ERROR" in text

        await pilot.press("colon", *"hv", "enter")
        await settle(pilot, rounds=400)
        hv = current(app)
        assert sorted(h.host for h in hv.table.rows_in_view()) == ["compute1", "compute2"]
        assert "/2000  RAM" in screen_text(pilot), "totals over both fake hypervisors (1000 vCPU)"
        target = hv.table.selected.host
        await pilot.press("enter")
        await settle(pilot, rounds=400)
        on_host = current(app)
        rows = list(on_host.table.rows_in_view())
        assert rows and {s.host for s in rows} == {target}
        assert f"host {target}" in screen_text(pilot)

        await pilot.press("d")
        for _ in range(100):
            await pilot.pause(0.05)
            shown = screen_text(pilot)
            if isinstance(app.screen, DescribeScreen) and "current record" not in shown:
                break
        assert rows[0].id in screen_text(pilot)


async def test_projects_drill_into_their_servers(devcloud: Path) -> None:
    app = app_for("devcloud-admin")
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot, rounds=400)
        await pilot.press("colon", *"projects", "enter")
        await settle(pilot, rounds=400)
        projects = current(app)
        demo = next(p for p in projects.table.rows_in_view() if p.name == "demo")
        projects.table.select_key(demo.id)
        await pilot.press("enter")
        await settle(pilot, rounds=400)
        servers = list(current(app).table.rows_in_view())
        assert servers and {s.project for s in servers} == {"demo"}


async def test_demo_user_gets_a_clear_403_on_hypervisors(devcloud: Path) -> None:
    app = app_for("devcloud-demo")
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot, rounds=400)
        assert not current(app).scope.all_projects, "a member sees its own project by default"
        await pilot.press("colon", *"hv", "enter")
        await settle(pilot, rounds=400)
        text = screen_text(pilot)
        assert "Hypervisors need admin rights here (HTTP 403)" in text
        assert "Traceback" not in text
        notes = [n.message for n in app._notifications]
        assert any("HTTP 403" in n and "request id: req-" in n for n in notes), notes
