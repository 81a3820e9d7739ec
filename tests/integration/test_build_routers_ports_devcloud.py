"""Building a router and a port from the keyboard, against devcloud's real Neutron.

A project member (devcloud's `demo`) makes a router with a gateway on `public`, plugs in a
subnet the fixture made (through openstacksdk: another part of the app builds networks),
sets a static route, is told which interface stops a delete, and makes a port with a fixed
IP and a security group, then edits its allowed address pairs. Everything is deleted at the
end, interfaces first, whatever happened.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.app.test_compute_network_volume_screens import pick, type_into
from tests.app_helpers import screen_text, select, settle, wait_for
from tests.contract.support import devcloud_sdk
from tui.app import StackdeckApp
from tui.backend.errors import NotFound
from tui.backend.openstack import OpenStackBackend
from tui.config import Settings
from tui.runbook.items import State
from tui.screens.confirm import ConfirmScreen
from tui.screens.form import FormScreen
from tui.screens.resource import ResourceScreen
from tui.screens.runbook import RunbookScreen

RUN = uuid.uuid4().hex[:6]
OCTET = 100 + int(RUN[:4], 16) % 100
CIDR = f"10.{OCTET}.77.0/24"
LONG = 600  # polls of 50 ms: a real cloud takes its time


@pytest.fixture
def lan(devcloud: Path) -> Iterator[tuple[Any, Any]]:
    """The member's network and subnet to route, and what the test made, removed after."""
    sdk = devcloud_sdk("devcloud-demo")
    network = sdk.network.create_network(name=f"it-rt-{RUN}")
    try:
        subnet = sdk.network.create_subnet(
            network_id=network.id, name=f"it-rt-{RUN}-sub", ip_version=4, cidr=CIDR
        )
        yield network, subnet
    finally:
        _clean(sdk, network)
        sdk.close()


def _clean(sdk: Any, network: Any) -> None:
    routers = [r for r in sdk.network.routers() if r.name.startswith(f"it-rt-{RUN}")]
    for router in routers:
        with contextlib.suppress(Exception):
            sdk.network.update_router(router, routes=[])
        for port in sdk.network.ports(device_id=router.id):
            if port.device_owner == "network:router_interface":
                sdk.network.remove_interface_from_router(router, port_id=port.id)
        sdk.network.delete_router(router, ignore_missing=True)
    for port in sdk.network.ports(network_id=network.id):
        if not port.device_owner.startswith("network:"):
            sdk.network.delete_port(port, ignore_missing=True)
    sdk.network.delete_network(network, ignore_missing=True)


def notes(app: Any) -> str:
    return "\n".join(f"{n.title}: {n.message}" for n in app._notifications)


async def goto(pilot: Any, name: str) -> ResourceScreen:
    await pilot.press("colon", *name, "enter")
    await settle(pilot, rounds=400)
    assert isinstance(pilot.app.screen, ResourceScreen), pilot.app.screen
    return pilot.app.screen


async def form(pilot: Any, key: str) -> None:
    await pilot.press(key)
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, FormScreen), rounds=LONG)


async def submitted(pilot: Any) -> None:
    await pilot.press("ctrl+s")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, ResourceScreen), rounds=LONG)


async def test_a_member_builds_a_router_and_a_port(lan: tuple[Any, Any]) -> None:
    network, subnet = lan
    cloud = OpenStackBackend("devcloud-demo")  # what the cloud really did, read apart
    await cloud.connect()
    settings = Settings(cloud="devcloud-demo", refresh_seconds=0, start_resource="routers")
    app = StackdeckApp(OpenStackBackend("devcloud-demo"), settings)
    name = f"it-rt-{RUN}"
    try:
        async with app.run_test(size=(200, 50)) as pilot:
            await settle(pilot, rounds=400)
            routers = await goto(pilot, "routers")
            await form(pilot, "n")
            await type_into(pilot, "name", name)
            await pick(pilot, "network_id", "public")
            assert not app.screen.query("#input-enable_snat"), "SNAT is an admin's to set"
            await submitted(pilot)
            await wait_for(
                pilot, lambda: any(r.name == name for r in routers.table.rows_in_view()), LONG
            )
            router = next(r for r in routers.table.rows_in_view() if r.name == name)
            assert router.external_ips and router.enable_snat

            await select(pilot, name)
            await form(pilot, "i")
            await pick(pilot, "subnet_id", f"it-rt-{RUN}-sub")
            await submitted(pilot)
            interface = await _interface(pilot, cloud, router.id)
            assert [ip.ip_address for ip in interface.fixed_ips] == [subnet.gateway_ip]

            await wait_for(pilot, lambda: not routers.in_flight, LONG)
            hop = f"10.{OCTET}.77.20"
            await form(pilot, "R")
            await type_into(pilot, "routes", f"192.0.2.0/24 via {hop}")
            await submitted(pilot)
            await wait_for(pilot, lambda: not routers.in_flight, LONG)
            assert (await cloud.router(router.id)).routes == (("192.0.2.0/24", hop),)

            # the delete is refused before it is sent, naming what still hangs on
            await pilot.press("ctrl+d")
            await wait_for(pilot, lambda: "not now" in notes(app), LONG)
            assert f"{subnet.gateway_ip} on subnet {subnet.id}" in notes(app)
            assert not isinstance(app.screen, ConfirmScreen)
            assert (await cloud.router(router.id)).id == router.id

            # the router's ports: the interface, with its subnet
            await pilot.press("enter")
            await settle(pilot, rounds=400)
            assert "router interface" in screen_text(pilot)
            assert f"{subnet.gateway_ip} on {subnet.id[:8]}" in screen_text(pilot)

            # a port on the network, from its port list: fixed IP, the default group
            networks = await goto(pilot, "networks")
            await wait_for(
                pilot, lambda: any(n.id == network.id for n in networks.table.rows_in_view())
            )
            networks.table.select_key(network.id)
            await pilot.press("o")
            await settle(pilot, rounds=400)
            ports = app.screen
            assert isinstance(ports, ResourceScreen)
            await form(pilot, "n")
            assert app.screen.raw_values()["network_id"] == network.id
            port_name = f"it-rt-{RUN}-vip"
            address = f"10.{OCTET}.77.50"
            await type_into(pilot, "name", port_name)
            await type_into(pilot, "ip_address", address)
            await pick(pilot, "security_group_ids", "default")
            await submitted(pilot)
            port = await _port(pilot, cloud, network.id, port_name)
            assert [ip.ip_address for ip in port.fixed_ips] == [address]
            assert len(port.security_group_ids) == 1 and port.port_security

            await wait_for(
                pilot, lambda: any(p.id == port.id for p in ports.table.rows_in_view()), LONG
            )
            await wait_for(pilot, lambda: not ports.in_flight, LONG)
            ports.table.select_key(port.id)
            await form(pilot, "e")
            await type_into(pilot, "allowed_address_pairs", f"10.{OCTET}.77.100")
            await submitted(pilot)
            await wait_for(pilot, lambda: not ports.in_flight, LONG)
            shown = await cloud.port(port.id)
            assert shown.allowed_address_pairs == ((f"10.{OCTET}.77.100", port.mac_address),)

            # taking the router apart: routes, then its interfaces (a runbook), then itself
            routers = await goto(pilot, "routers")
            await wait_for(
                pilot, lambda: any(r.id == router.id for r in routers.table.rows_in_view()), LONG
            )
            routers.table.select_key(router.id)
            await form(pilot, "R")
            await type_into(pilot, "routes", "")
            await submitted(pilot)
            await wait_for(pilot, lambda: not routers.in_flight, LONG)
            assert (await cloud.router(router.id)).routes == ()
            await pilot.press("X")
            await wait_for(pilot, lambda: isinstance(app.screen, RunbookScreen), LONG)
            runbook = app.screen.runbook
            assert [item.key for item in runbook.items] == [interface.id]
            await pilot.press("y")
            await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen), LONG)
            await pilot.press("1", "enter")
            await wait_for(pilot, lambda: runbook.finished, LONG)
            assert [item.state for item in runbook.items] == [State.DONE]
            await pilot.press("escape")
            await wait_for(pilot, lambda: app.screen is routers, LONG)
            await pilot.press("ctrl+d")
            await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen), LONG)
            assert "gateway" in screen_text(pilot)
            await pilot.press(*name, "enter")
            await wait_for(pilot, lambda: not routers.in_flight, LONG)
            with pytest.raises(NotFound):
                await cloud.router(router.id)
    finally:
        await cloud.close()


async def _interface(pilot: Any, cloud: OpenStackBackend, router_id: str) -> Any:
    found: list[Any] = []

    async def look() -> None:
        async for page in cloud.ports(device_id=router_id):
            found.extend(p for p in page if p.role == "interface")

    for _ in range(LONG):
        await look()
        if found:
            return found[0]
        await pilot.pause(0.05)
    raise AssertionError("no interface on the router")


async def _port(pilot: Any, cloud: OpenStackBackend, network_id: str, name: str) -> Any:
    for _ in range(LONG):
        async for page in cloud.ports(network_id=network_id):
            for port in page:
                if port.name == name:
                    return port
        await pilot.pause(0.05)
    raise AssertionError(f"no port {name}")
