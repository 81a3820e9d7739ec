"""The health overview and the volume pools against devcloud's real Nova, Neutron, Cinder."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from tests.app_helpers import screen_text, select, settle, wait_for
from tui.app import StackdeckApp
from tui.backend.openstack import OpenStackBackend
from tui.config import Settings
from tui.screens.resource import ResourceScreen
from tui.screens.resources.overview import VOLUME_ERRORS, VOLUME_TRANSITIONS, CheckResult


async def collect(pages) -> list:  # type: ignore[no-untyped-def]
    return [item async for page in pages for item in page]


def app_for(cloud: str, start: str = "") -> StackdeckApp:
    settings = Settings(cloud=cloud, refresh_seconds=0, start_resource=start)
    return StackdeckApp(OpenStackBackend(cloud), settings)


async def test_filtered_lists_are_answered_by_the_services(admin: OpenStackBackend) -> None:
    errors = await collect(admin.servers_in_status("ERROR"))
    assert "broken-1" in {s.name for s in errors} and {s.status for s in errors} == {"ERROR"}
    future = datetime.now(UTC) + timedelta(days=1)
    busy = await collect(admin.servers_in_a_task(before=future))
    assert all(s.task_state for s in busy), "the list stops at the first idle server"
    available = await collect(admin.volumes_in_states(("available",), before=future))
    assert {"scratch", "backups"} <= {v.name for v in available}
    past = datetime(2000, 1, 1, tzinfo=UTC)
    assert await collect(admin.volumes_in_states(("available",), before=past)) == []
    errors = await collect(admin.volumes_in_states(VOLUME_ERRORS))
    assert {v.status for v in errors} <= set(VOLUME_ERRORS)
    moving = await collect(admin.volumes_in_states(VOLUME_TRANSITIONS, before=future))
    assert {v.status for v in moving} <= set(VOLUME_TRANSITIONS)


async def test_the_admin_starts_on_the_overview_and_drills_into_error_servers(
    devcloud: Path,
) -> None:
    app = app_for("devcloud-admin")
    async with app.run_test(size=(160, 40)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, ResourceScreen), rounds=400)
        overview = app.screen
        assert isinstance(overview, ResourceScreen) and overview.resource.name == "overview"
        await wait_for(pilot, lambda: overview.loaded, rounds=400)
        lines: dict[str, CheckResult] = {r.id: r for r in overview.table.rows_in_view()}
        assert all(r.state not in ("error", "checking") for r in lines.values()), lines
        error = lines["servers-error"]
        assert error.state == "problem" and error.count and "broken-1" in error.detail
        assert "broken-1" in screen_text(pilot)
        await select(pilot, error.name)
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.screen is not overview, rounds=400)
        await settle(pilot, rounds=400)
        servers = app.screen
        assert isinstance(servers, ResourceScreen) and servers.resource.name == "servers"
        rows = list(servers.table.rows_in_view())
        assert "broken-1" in {s.name for s in rows} and {s.status for s in rows} == {"ERROR"}


async def test_pools_show_cinder_capacity_and_their_volumes(devcloud: Path) -> None:
    app = app_for("devcloud-admin", start="pools")
    async with app.run_test(size=(200, 30)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, ResourceScreen), rounds=400)
        pools = app.screen
        assert isinstance(pools, ResourceScreen)
        await wait_for(pilot, lambda: pools.loaded, rounds=400)
        rows = {p.name: p for p in pools.table.rows_in_view()}
        fake = rows["controller@fake#fake"]
        # the fake driver says "infinite"; what Cinder allocated there is a real number
        assert fake.total_gb is None and fake.allocated_gb is not None and fake.allocated_gb > 0
        assert (fake.backend_name, fake.storage_protocol) == ("fake", "fake")
        text = screen_text(pilot)
        assert "controller@fake#fake" in text and "unknown" in text and "1 without capacity" in text
        await select(pilot, "controller@fake#fake")
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.screen is not pools, rounds=400)
        await settle(pilot, rounds=400)
        volumes = app.screen
        assert isinstance(volumes, ResourceScreen) and volumes.resource.name == "volumes"
        names = {v.name for v in volumes.table.rows_in_view()}
        assert {"scratch", "backups", "db-data"} <= names
        assert {v.host for v in volumes.table.rows_in_view()} == {"controller@fake#fake"}


async def test_hypervisor_facts_from_the_real_nova(admin: OpenStackBackend) -> None:
    from tui.screens.resources.hypervisors import facts

    listed = await collect(admin.hypervisors())
    shown = dict(facts(await admin.hypervisor(listed[0].id)))
    assert shown["CPU"].startswith("Intel Nehalem x86_64"), shown  # the fake driver's CPU
    assert shown["vCPUs used"].endswith("of 1000") and shown["State / status"] == "up / enabled"
    assert shown["Service"].startswith(listed[0].host)
