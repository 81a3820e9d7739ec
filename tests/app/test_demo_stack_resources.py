"""A stack built in the demo is made of records: each of its resources opens what it is."""

from __future__ import annotations

from tests.app.test_compute_network_volume_screens import current, goto, select
from tests.app_helpers import demo_app, settle
from tests.unit.test_demo_cloud_consistency import STACK_TEMPLATE, settled
from tui.backend import models


async def test_the_resources_of_a_stack_built_in_the_demo_open_what_they_are() -> None:
    app = demo_app()
    spec = models.StackSpec(name="app", template=STACK_TEMPLATE)
    made = await app.backend.create_stack(spec)  # type: ignore[attr-defined]
    await settled(app.backend, made.id)  # type: ignore[arg-type]
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        await goto(pilot, "stacks")
        await select(pilot, "app")
        await pilot.press("enter")
        await settle(pilot)
        resources = current(app)
        ids = {r.name: r.physical_id for r in resources.table.rows_in_view()}
        for name, listed, shown in (
            ("app_server", "servers", "app-1"),
            ("app_net", "networks", "app-net"),
            ("app_subnet", "subnets", "app-app_subnet"),
            ("app_router", "routers", "app-router"),
            ("app_port", "ports", ids["app_port"]),
            ("app_volume", "volumes", "app-app_volume"),
        ):
            await select(pilot, name)
            await pilot.press("enter")
            await settle(pilot)
            opened = current(app)
            assert opened.resource.name == listed, name
            rows = opened.table.rows_in_view()
            assert [r.id for r in rows] == [ids[name]], name
            assert shown in (rows[0].name, rows[0].id), name
            await pilot.press("escape")
            await settle(pilot)
