"""Security groups from the keyboard against devcloud's real Neutron and Nova, as the
project member: a group made, ping and SSH allowed by their presets and a custom rule by the
full form, the group renamed, a booted server put in it (deleting the group is then refused:
in use) and taken out, and the group deleted. Everything made here is deleted after."""

from __future__ import annotations

import asyncio
import contextlib
import time
import uuid
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest_asyncio

from tests.app.test_compute_network_volume_screens import pick, type_into
from tests.app_helpers import screen_text, settle, wait_for
from tests.contract.support import collect, named
from tui.app import StackdeckApp
from tui.backend.errors import NotFound
from tui.backend.models import BootSpec, SecurityGroup, Server
from tui.backend.openstack import OpenStackBackend
from tui.config import Settings
from tui.screens.confirm import ConfirmScreen
from tui.screens.form import FormScreen
from tui.screens.resource import ResourceScreen

RUN = uuid.uuid4().hex[:6]
NAME = f"it-sg-{RUN}"


async def until(check: Callable[[], Any], what: str, timeout: float = 90) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = await check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.5)


@pytest_asyncio.fixture
async def server(demo: OpenStackBackend) -> AsyncIterator[Server]:
    """An ACTIVE server of the member's on its seeded network (ACTIVE in ~12-14 s)."""
    flavor = await named(demo.flavors(), "m1.tiny")
    image = await named(demo.images(), "cirros-0.6.2-x86_64-disk")
    network = await named(demo.networks(), "demo-net")
    spec = BootSpec(
        name=f"{NAME}-vm", flavor_id=flavor.id, image_id=image.id, network_ids=(network.id,)
    )
    made = await demo.create_servers(spec)
    try:

        async def active() -> Server | None:
            found = await demo.server(made[0].id)
            assert found.status != "ERROR", found
            return found if found.status == "ACTIVE" and not found.task_state else None

        yield await until(active, "the server ACTIVE")
    finally:
        for vm in made:
            with contextlib.suppress(NotFound):
                await demo.server_action(vm.id, "delete")
        for vm in made:

            async def gone(vm_id: str = vm.id) -> bool:
                try:
                    await demo.server(vm_id)
                except NotFound:
                    return True
                return False

            await until(gone, "the server deleted")


async def mine(demo: OpenStackBackend, prefix: str = NAME) -> list[SecurityGroup]:
    groups = await collect(demo.security_groups(project_id=demo.info.project_id))
    return [g for g in groups if g.name.startswith(prefix)]


@pytest_asyncio.fixture
async def cleanup(demo: OpenStackBackend) -> AsyncIterator[None]:
    try:
        yield
    finally:
        for group in await mine(demo):
            with contextlib.suppress(NotFound):
                await demo.delete_security_group(group.id)


def current(app: StackdeckApp) -> ResourceScreen:
    assert isinstance(app.screen, ResourceScreen), app.screen
    return app.screen


async def goto(pilot: Any, name: str) -> ResourceScreen:
    await pilot.press("colon", *name, "enter")
    await settle(pilot, rounds=400)
    return current(pilot.app)


async def choose(pilot: Any, key: str) -> None:
    screen = current(pilot.app)
    assert screen.table.select_key(key)
    await pilot.pause()


async def open_form(pilot: Any, key: str) -> FormScreen:
    await pilot.press(key)
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, FormScreen))
    assert isinstance(pilot.app.screen, FormScreen)
    return pilot.app.screen


async def ports_groups(demo: OpenStackBackend, server: Server) -> set[str]:
    ports = await collect(demo.ports(device_id=server.id))
    return {g for p in ports for g in p.security_group_ids}


async def test_a_group_built_used_and_deleted_from_the_keyboard(
    devcloud: Path, demo: OpenStackBackend, server: Server, cleanup: None
) -> None:
    settings = Settings(cloud="devcloud-demo", refresh_seconds=0, start_resource="servers")
    app = StackdeckApp(OpenStackBackend("devcloud-demo"), settings)
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot, rounds=400)
        screen = await goto(pilot, "sg")
        await open_form(pilot, "n")
        await type_into(pilot, "name", NAME)
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: app.screen is screen and NAME in screen_text(pilot), 400)
        (group,) = await mine(demo)
        assert len(group.rules) == 2

        await choose(pilot, group.id)
        rules_then = lambda n: len(screen.table.selected.rules) == n and not screen.in_flight  # noqa: E731
        await pilot.press("i")
        await wait_for(pilot, lambda: rules_then(3), rounds=400)
        await pilot.press("s")
        await wait_for(pilot, lambda: rules_then(4), rounds=400)

        await pilot.press("enter")
        await settle(pilot, rounds=400)
        rules = current(app)
        assert rules.resource.name == "security-group-rules"
        await open_form(pilot, "n")
        await type_into(pilot, "protocol", "udp")
        await type_into(pilot, "ports", "5353")
        await type_into(pilot, "remote_ip_prefix", "10.0.0.0/8")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: len(list(rules.table.rows_in_view())) == 5, rounds=400)
        shown = await demo.security_group(group.id)
        assert {
            (r.protocol, r.port_range_min, r.port_range_max, r.remote_ip_prefix)
            for r in shown.rules
            if r.direction == "ingress"
        } == {
            ("icmp", None, None, "0.0.0.0/0"),
            ("tcp", 22, 22, "0.0.0.0/0"),
            ("udp", 5353, 5353, "10.0.0.0/8"),
        }

        await pilot.press("escape")
        await settle(pilot, rounds=400)
        screen = current(app)
        await choose(pilot, group.id)
        await open_form(pilot, "e")
        await type_into(pilot, "name", f"{NAME}-web")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: screen.table.selected.name == f"{NAME}-web", rounds=400)
        assert (await demo.security_group(group.id)).name == f"{NAME}-web"

        await goto(pilot, "servers")
        await choose(pilot, server.id)
        await open_form(pilot, "t")
        await pick(pilot, "group", f"{NAME}-web")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: not isinstance(app.screen, FormScreen), rounds=400)
        assert group.id in await ports_groups(demo, server)

        screen = await goto(pilot, "sg")
        await choose(pilot, group.id)
        await pilot.press("ctrl+d")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press(*f"{NAME}-web")
        await pilot.click("#confirm-yes")
        notes = lambda: "\n".join(n.message for n in app._notifications)  # noqa: E731
        await wait_for(pilot, lambda: "in use" in notes(), rounds=400)
        assert f"Security Group {group.id} in use." in notes() and "409" in notes()
        assert (await demo.security_group(group.id)).name == f"{NAME}-web"

        await goto(pilot, "servers")
        await choose(pilot, server.id)
        await open_form(pilot, "T")
        await pick(pilot, "group", f"{NAME}-web")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: not isinstance(app.screen, FormScreen), rounds=400)
        assert group.id not in await ports_groups(demo, server)

        screen = await goto(pilot, "sg")
        await choose(pilot, group.id)
        await pilot.press("ctrl+d")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press(*f"{NAME}-web")
        await pilot.click("#confirm-yes")
        await wait_for(pilot, lambda: not screen.table.has_key(group.id), rounds=400)
        assert await mine(demo) == []
