"""A hypervisor's detail and its servers: `d` describes, enter lists."""

from __future__ import annotations

from tests.app.test_compute_network_volume_screens import current, goto
from tests.app_helpers import demo_app, screen_text, select, settle, wait_for
from tui.screens.describe import DescribeScreen
from tui.screens.resources.hypervisors import facts

DETAIL_KEYS = (
    "State / status up / disabled: hardware maintenance (RAID)",
    "CPU Intel Icelake-Server x86_64",
    "vCPUs used 62 of 64",  # its servers' flavors (usage.py)
    "Running VMs 10",
    '"cpu_info"',
    '"model": "Icelake-Server"',
    '"vcpus"',
    '"vcpus_used"',
    '"memory_mb"',
    '"memory_mb_used"',
    '"local_gb"',
    '"local_gb_used"',
    '"running_vms"',
    '"state": "up"',
    '"status": "disabled"',
    '"disabled_reason": "hardware maintenance (RAID)"',
    '"host": "compute3"',
)


async def test_describe_shows_the_hypervisor_detail() -> None:
    app = demo_app()
    async with app.run_test(size=(120, 80)) as pilot:
        await settle(pilot)
        await goto(pilot, "hv")
        await select(pilot, "compute3")
        await pilot.press("d")
        await wait_for(pilot, lambda: isinstance(app.screen, DescribeScreen))
        await pilot.pause(0.2)
        text = " ".join(screen_text(pilot).split())
        missing = [key for key in DETAIL_KEYS if key not in text]
        assert not missing, missing


async def test_enter_lists_the_servers_on_that_host_in_every_project() -> None:
    app = demo_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        hypervisors = await goto(pilot, "hv")
        await select(pilot, "compute2")
        await pilot.press("enter")
        await wait_for(pilot, lambda: current(app) is not hypervisors)
        await settle(pilot)
        servers = current(app)
        rows = list(servers.table.rows_in_view())
        assert servers.resource.name == "servers" and servers.scope.all_projects
        assert rows and {s.host for s in rows} == {"compute2"}
        assert len({s.project_id for s in rows}) > 1, "servers of every project"
        assert "host compute2" in screen_text(pilot)


def test_cpu_info_as_a_string_or_missing() -> None:
    """Before 2.28 Nova sends cpu_info as a JSON string; some drivers send nothing."""
    from tui.backend.models import Hypervisor

    old = Hypervisor.from_api({"cpu_info": '{"vendor": "AMD", "model": "EPYC", "arch": "x86_64"}'})
    assert dict(facts(old))["CPU"] == "AMD EPYC x86_64"
    assert dict(facts(Hypervisor.from_api({})))["CPU"] == "not reported"
