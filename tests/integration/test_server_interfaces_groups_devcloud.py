"""A server's interfaces and Nova's server groups from the keyboard on devcloud's real Nova
and Neutron, checked against the cloud's resulting state: `A` puts a new port at a chosen
fixed IP on the server (the row's addresses show it) and `D` takes it off (Nova deletes it);
a server group made on :server-groups, two servers booted into it (one from the boot form)
land on compute1 and compute2 by its anti-affinity, `enter` lists them, `ctrl+d` deletes it.
Everything is made by the demo user with unique names and deleted after."""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import time
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from tests.app.test_compute_network_volume_screens import pick, type_into
from tests.app_helpers import screen_text, select, settle, wait_for
from tui.app import StackdeckApp
from tui.backend.errors import NotFound
from tui.backend.models import BootSpec, Server
from tui.backend.openstack import OpenStackBackend
from tui.config import Settings
from tui.screens.confirm import ConfirmScreen
from tui.screens.form import FormScreen
from tui.screens.resource import ResourceScreen

CIRROS = "cirros-0.6.2-x86_64-disk"
RUN = uuid.uuid4().hex[:6]
WAIT = 1200  # 50 ms rounds: a minute


async def collect(pages: AsyncIterator[list[Any]]) -> list[Any]:
    return [item async for page in pages for item in page]


async def active(admin: OpenStackBackend, server_id: str) -> Server:
    deadline = time.monotonic() + 120
    server = await admin.server(server_id)
    while server.status not in ("ACTIVE", "ERROR") or server.task_state:
        assert time.monotonic() < deadline, server
        await asyncio.sleep(1)
        server = await admin.server(server_id)
    return server


async def boot_spec(demo: OpenStackBackend, name: str, group: str = "") -> BootSpec:
    flavor = next(f for f in await collect(demo.flavors()) if f.name == "m1.tiny")
    image = next(i for i in await collect(demo.images()) if i.name == CIRROS)
    network = next(n for n in await collect(demo.networks()) if n.name == "demo-net")
    return BootSpec(
        name=name,
        flavor_id=flavor.id,
        image_id=image.id,
        network_ids=(network.id,),
        server_group=group,
    )


@pytest.fixture
async def made(admin: OpenStackBackend) -> AsyncIterator[list[str]]:
    """Server ids a test made: deleted whatever its outcome."""
    servers: list[str] = []
    try:
        yield servers
    finally:
        for server_id in servers:
            with contextlib.suppress(NotFound):
                await admin.server_action(server_id, "delete")


def demo_app() -> StackdeckApp:
    settings = Settings(cloud="devcloud-demo", refresh_seconds=0, start_resource="servers")
    return StackdeckApp(OpenStackBackend("devcloud-demo"), settings)


def current(app: StackdeckApp) -> ResourceScreen:
    assert isinstance(app.screen, ResourceScreen), app.screen
    return app.screen


async def form(pilot: Any, key: str) -> FormScreen:
    await pilot.press(key)
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, FormScreen), rounds=WAIT)
    screen = pilot.app.screen
    assert isinstance(screen, FormScreen)
    return screen


async def free_address(demo: OpenStackBackend, admin: OpenStackBackend) -> str:
    network = next(n for n in await collect(demo.networks()) if n.name == "demo-net")
    subnet = await demo.subnet(network.subnet_ids[0])
    taken = {ip.ip_address for p in await collect(admin.ports()) for ip in p.fixed_ips}
    start, end = (ipaddress.ip_address(a) for a in subnet.pool_pairs[0])
    return next(str(end - k) for k in range(int(end) - int(start)) if str(end - k) not in taken)


async def test_an_interface_attached_at_a_fixed_ip_then_detached(
    devcloud: Path, admin: OpenStackBackend, demo: OpenStackBackend, made: list[str]
) -> None:
    (server,) = await demo.create_servers(await boot_spec(demo, f"sdnic-{RUN}"))
    made.append(server.id)
    await active(admin, server.id)
    wanted = await free_address(demo, admin)
    app = demo_app()
    async with app.run_test(size=(160, 40), notifications=True) as pilot:
        await settle(pilot, rounds=400)
        servers = current(app)
        await select(pilot, server.name)
        await form(pilot, "A")
        await pick(pilot, "network_id", "demo-net")
        await type_into(pilot, "fixed_ip", wanted)
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: wanted in servers.table.selected.address_text, rounds=WAIT)
        (port,) = [p for p in await collect(demo.ports(device_id=server.id)) if p.ip_text == wanted]
        assert port.device_owner.startswith("compute:") and port.status == "ACTIVE"
        assert wanted in {a.addr for a in (await admin.server(server.id)).fixed_ips}

        await form(pilot, "D")
        await pick(pilot, "port_id", wanted)
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen), rounds=WAIT)
        await pilot.click("#confirm-yes")
        await wait_for(
            pilot, lambda: wanted not in servers.table.selected.address_text, rounds=WAIT
        )
    with pytest.raises(NotFound):
        await demo.port(port.id)
    assert wanted not in {a.addr for a in (await admin.server(server.id)).fixed_ips}


async def test_servers_booted_into_an_anti_affinity_group_land_on_both_hosts(
    devcloud: Path, admin: OpenStackBackend, demo: OpenStackBackend, made: list[str]
) -> None:
    name = f"sdgroup-{RUN}"
    app = demo_app()
    group = None
    try:
        async with app.run_test(size=(160, 40), notifications=True) as pilot:
            await settle(pilot, rounds=400)
            await pilot.press("colon", *"server-groups", "enter")
            await settle(pilot, rounds=400)
            groups = current(app)
            await form(pilot, "n")
            await type_into(pilot, "name", name)
            await pilot.press("ctrl+s")
            await wait_for(
                pilot, lambda: any(g.name == name for g in groups.table.rows_in_view()), WAIT
            )
            group = next(g for g in groups.table.rows_in_view() if g.name == name)
            assert group.policy == "anti-affinity"

            # one member booted from the boot form, one through the API
            await pilot.press("colon", *"servers", "enter")
            await settle(pilot, rounds=400)
            await form(pilot, "n")
            await type_into(pilot, "name", f"{name}-a")
            await pick(pilot, "flavor", "m1.tiny")
            await pick(pilot, "image", "cirros")
            await pick(pilot, "networks", "demo-net")
            await pick(pilot, "server_group", name)
            await pilot.press("ctrl+s")
            await wait_for(pilot, lambda: isinstance(app.screen, ResourceScreen), rounds=WAIT)
            first_id = await _member(demo, group.id)
            made.append(first_id)
            first = await active(admin, first_id)
            (second,) = await demo.create_servers(await boot_spec(demo, f"{name}-b", group.id))
            made.append(second.id)
            second = await active(admin, second.id)
            assert first.status == second.status == "ACTIVE"
            assert {first.host, second.host} == {"compute1", "compute2"}

            await pilot.press("colon", *"server-groups", "enter")
            await settle(pilot, rounds=400)
            await pilot.press("r")
            await settle(pilot, rounds=400)
            assert current(app).table.select_key(group.id)
            await pilot.pause()
            await pilot.press("enter")
            await settle(pilot, rounds=400)
            members = {s.name for s in current(app).table.rows_in_view()}
            assert members == {f"{name}-a", f"{name}-b"}
            await pilot.press("escape")
            await settle(pilot, rounds=400)
            assert current(app).table.select_key(group.id)
            await pilot.pause()
            await pilot.press("ctrl+d")
            await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen), rounds=WAIT)
            assert "2 members: they keep running, in no group" in str(app.screen.body)
            await pilot.press(*name)
            await pilot.click("#confirm-yes")
            await wait_for(pilot, lambda: name not in screen_text(pilot), rounds=WAIT)
        with pytest.raises(NotFound):
            await demo.server_group(group.id)
        group = None
    finally:
        if group is not None:
            with contextlib.suppress(NotFound):
                await demo.delete_server_group(group.id)


async def _member(demo: OpenStackBackend, group_id: str) -> str:
    deadline = time.monotonic() + 60
    while not (found := await demo.server_group(group_id)).members:
        assert time.monotonic() < deadline, "no member"
        await asyncio.sleep(1)
    (member,) = found.members
    return member
