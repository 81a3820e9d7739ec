"""Cinder backend pools on the in-memory cloud: capacity and drill."""

from __future__ import annotations

from tests.app.test_compute_network_volume_screens import current, goto
from tests.app_helpers import demo_app, screen_text, select, settle, wait_for
from tui.backend.models import VolumePool
from tui.screens.resources.pools import totals


def pool(name: str, total: object, free: object, allocated: object = 0) -> VolumePool:
    return VolumePool.from_api(
        {
            "name": name,
            "capabilities": {
                "total_capacity_gb": total,
                "free_capacity_gb": free,
                "allocated_capacity_gb": allocated,
            },
        }
    )


def test_capacity_totals_and_drivers_that_cannot_tell() -> None:
    rows = [pool("a@x#x", 1000, 250, 600), pool("b@fake#fake", "infinite", "unknown", 9)]
    assert rows[0].used_percent == 75.0 and rows[1].used_percent is None
    assert rows[1].total_gb is None and rows[1].allocated_gb == 9
    text = totals(rows)
    assert text.startswith("2 pools  total 1,000 GB  free 250 GB  allocated 609 GB")
    assert text.endswith("(1 without capacity)")
    lone = totals(rows[1:])
    assert lone.startswith("1 pool  total unknown  free unknown  allocated 9 GB"), lone


async def test_pools_show_capacity_and_list_their_volumes() -> None:
    app = demo_app()
    async with app.run_test(size=(200, 30)) as pilot:
        await settle(pilot)
        pools = await goto(pilot, "backends")
        assert pools.resource.name == "pools"
        text = screen_text(pilot)
        assert "controller@lvm#lvm" in text and "controller@ceph#volumes" in text
        assert "51,200" in text and "91%" in text  # ceph: 4,608 of 51,200 GB free
        assert "2 pools  total 53,248 GB" in text
        await select(pilot, "controller@lvm#lvm")
        await pilot.press("enter")
        await wait_for(pilot, lambda: current(app) is not pools)
        await settle(pilot)
        volumes = current(app)
        assert volumes.resource.name == "volumes"
        assert "pool controller@lvm#lvm" in screen_text(pilot)
        names = {v.name for v in volumes.table.rows_in_view()}
        assert {"db-data", "scratch"} <= names
        assert {v.host for v in volumes.table.rows_in_view()} == {"controller@lvm#lvm"}
        await pilot.press("escape")
        await select(pilot, "controller@ceph#volumes")
        await pilot.press("enter")
        await wait_for(pilot, lambda: current(app) is not pools)
        await settle(pilot)
        assert current(app).table.total_count == 0


async def test_members_are_told_pools_need_admin() -> None:
    app = demo_app(is_admin=False)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        await goto(pilot, "pools")
        assert "Volume pools need admin rights here (HTTP 403)" in screen_text(pilot)
