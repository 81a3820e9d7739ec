"""Building routers and ports from the keyboard on the in-memory cloud: what the operator
types, sees, and what the cloud did; bad input is said on its field and nothing is sent."""

from __future__ import annotations

from typing import Any

from tests.app.test_compute_network_volume_screens import goto, pick, type_into
from tests.app_helpers import demo_app, screen_text, select, settle, wait_for
from tui.backend.memory import data
from tui.backend.models import Network, Subnet
from tui.runbook.items import State
from tui.screens.confirm import ConfirmScreen
from tui.screens.form import FormScreen
from tui.screens.resource import ResourceScreen
from tui.screens.runbook import RunbookScreen

SIZE = (200, 50)


def notes(app: Any) -> str:
    """Every notification shown so far, title and message."""
    return "\n".join(f"{n.title}: {n.message}" for n in app._notifications)


def cloud(app: Any) -> Any:
    return app.context.backend._cloud


def lab_network(app: Any) -> tuple[Network, Subnet]:
    """A network of the admin's project with a /24 no router is on yet."""
    backend = app.context.backend
    project_id = backend.info.project_id
    network_id = data.fixed_id("network", 90)
    subnet = Subnet.from_api(
        {
            **data.subnet_json(90, project_id),
            "name": "lab-subnet",
            "network_id": network_id,
            "cidr": "10.90.1.0/24",
            "gateway_ip": "10.90.1.1",
            "allocation_pools": [{"start": "10.90.1.2", "end": "10.90.1.254"}],
        }
    )
    network = Network.from_api(
        {**data.network_json(90, project_id), "name": "lab", "subnets": [subnet.id]}
    )
    cloud(app).subnets.add(subnet)
    cloud(app).networks.add(network)
    return network, subnet


async def submit(pilot: Any) -> None:
    await pilot.press("ctrl+s")
    await pilot.pause()


async def confirm_by_typing(pilot: Any, text: str) -> None:
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, ConfirmScreen))
    await pilot.press(*text, "enter")


async def test_a_router_is_built_routed_and_refuses_delete_while_interfaces_hang_on() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        network, subnet = lab_network(app)
        screen = await goto(pilot, "routers")
        await pilot.press("n")
        await wait_for(pilot, lambda: isinstance(app.screen, FormScreen))
        await type_into(pilot, "name", "edge")
        await pick(pilot, "network_id", "public")
        # an admin sees whether the gateway does SNAT
        assert app.screen.query_one("#input-enable_snat")
        await submit(pilot)
        await wait_for(pilot, lambda: any(r.name == "edge" for r in screen.table.rows_in_view()))
        router = next(r for r in cloud(app).routers if r.name == "edge")
        assert router.external_network_id == data.PUBLIC_NETWORK and router.enable_snat
        assert router.external_ips

        await select(pilot, "edge")
        await pilot.press("i")
        await wait_for(pilot, lambda: isinstance(app.screen, FormScreen))
        await submit(pilot)
        assert "choose a subnet or a port" in screen_text(pilot)
        await pick(pilot, "subnet_id", "lab-subnet")
        await submit(pilot)
        await wait_for(pilot, lambda: isinstance(app.screen, ResourceScreen))
        await wait_for(pilot, lambda: cloud(app).router_of_network.get(network.id) == router.id)

        # static routes: bad text is said on the field, nothing is sent
        writes = len(app.context.backend.writes)
        await pilot.press("R")
        await wait_for(pilot, lambda: isinstance(app.screen, FormScreen))
        await type_into(pilot, "routes", "192.168.7.0/24 via nowhere")
        await submit(pilot)
        assert "'nowhere' is not an IPv4 or IPv6 address" in screen_text(pilot)
        assert len(app.context.backend.writes) == writes
        await type_into(pilot, "routes", "192.168.7.0/24 via 10.90.1.20")
        await submit(pilot)
        await wait_for(pilot, lambda: isinstance(app.screen, ResourceScreen))
        await wait_for(
            pilot,
            lambda: cloud(app).routers.get(router.id).routes == (("192.168.7.0/24", "10.90.1.20"),),
        )

        await wait_for(pilot, lambda: not screen.in_flight)
        # delete: refused before anything is sent, naming the interface
        writes = len(app.context.backend.writes)
        await pilot.press("ctrl+d")
        await wait_for(pilot, lambda: "not now" in notes(app))
        text = notes(app)
        assert "still has 1 interface" in text and "10.90.1.1" in text and subnet.id[:8] in text
        assert not isinstance(app.screen, ConfirmScreen)
        assert len(app.context.backend.writes) == writes

        # the router's ports say which is the interface, which the gateway
        await pilot.press("enter")
        await settle(pilot)
        ports = app.screen
        assert isinstance(ports, ResourceScreen) and ports.resource.name == "ports"
        text = screen_text(pilot)
        assert "router interface" in text and "router gateway" in text
        assert f"10.90.1.1 on {subnet.id[:8]}" in text
        await pilot.press("escape")
        await settle(pilot)

        # removing every interface: the calls are listed and counted first; the route
        # that needs the interface makes Neutron refuse, said as Neutron says it
        await pilot.press("X")
        await wait_for(pilot, lambda: isinstance(app.screen, RunbookScreen))
        await pilot.pause()
        assert "remove interface port" in screen_text(pilot) and "nothing sent" in screen_text(
            pilot
        )
        runbook = app.screen.runbook
        await pilot.press("y")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("1", "enter")
        await wait_for(pilot, lambda: runbook.finished, rounds=400)
        (item,) = runbook.items
        assert item.state is State.FAILED and item.error is not None
        assert item.error.status == 409 and "required by one or more routes" in item.error.message
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is screen)
        await pilot.press("R")
        await wait_for(pilot, lambda: isinstance(app.screen, FormScreen))
        await type_into(pilot, "routes", "")
        await submit(pilot)
        await wait_for(pilot, lambda: cloud(app).routers.get(router.id).routes == ())
        await wait_for(pilot, lambda: not screen.in_flight)
        await pilot.press("I")
        await wait_for(pilot, lambda: isinstance(app.screen, FormScreen))
        await pick(pilot, "port_id", "10.90.1.1")
        await submit(pilot)
        await wait_for(pilot, lambda: network.id not in cloud(app).router_of_network)
        await wait_for(pilot, lambda: not screen.in_flight)

        await pilot.press("W")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.click("#confirm-yes")
        await wait_for(pilot, lambda: not cloud(app).routers.get(router.id).external_network_id)
        await wait_for(pilot, lambda: not screen.in_flight)
        await pilot.press("ctrl+d")
        await confirm_by_typing(pilot, "edge")
        await wait_for(pilot, lambda: cloud(app).routers.get(router.id) is None)
    actions = [action for action, _ in app.context.backend.writes]
    assert actions == [
        "create-router",
        "add-router-interface",
        "update-router",
        "update-router",
        "remove-router-interface",
        "clear-router-gateway",
        "delete-router",
    ]


async def test_a_gateway_is_set_on_an_external_network_and_snat_hidden_from_members() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await goto(pilot, "routers")
        await pilot.press("n")
        await wait_for(pilot, lambda: isinstance(app.screen, FormScreen))
        await type_into(pilot, "name", "inner")
        await submit(pilot)
        await wait_for(pilot, lambda: any(r.name == "inner" for r in cloud(app).routers))
        await wait_for(pilot, lambda: isinstance(app.screen, ResourceScreen))
        await settle(pilot)
        await select(pilot, "inner")
        await pilot.press("w")
        await wait_for(pilot, lambda: isinstance(app.screen, FormScreen))
        await pick(pilot, "network_id", "public")
        app.screen.query_one("#input-enable_snat").value = False
        await submit(pilot)
        await wait_for(
            pilot,
            lambda: next(r for r in cloud(app).routers if r.name == "inner").external_network_id,
        )
        router = next(r for r in cloud(app).routers if r.name == "inner")
        assert not router.enable_snat

    member = demo_app(is_admin=False)  # a project member's session
    async with member.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await goto(pilot, "routers")
        await pilot.press("n")
        await wait_for(pilot, lambda: isinstance(member.app.screen, FormScreen))
        assert not member.screen.query("#input-enable_snat")


async def test_a_port_is_created_on_the_scoped_network_edited_and_deleted() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        network, subnet = lab_network(app)
        await goto(pilot, "networks")
        await select(pilot, "lab")
        await pilot.press("o")  # the network's ports: a new port goes on it
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ResourceScreen) and screen.resource.name == "ports"
        await pilot.press("n")
        await wait_for(pilot, lambda: isinstance(app.screen, FormScreen))
        assert app.screen.raw_values()["network_id"] == network.id
        await type_into(pilot, "name", "vip")
        await type_into(pilot, "ip_address", "10.90.1.300")
        await type_into(pilot, "mac_address", "fa:16:3e")
        await submit(pilot)
        text = screen_text(pilot)
        assert "'10.90.1.300' is not an IPv4 or IPv6 address" in text
        assert "'fa:16:3e' is not a MAC address" in text
        assert app.screen.raw_values()["name"] == "vip", "typed values survive an error"
        await type_into(pilot, "ip_address", "10.90.1.50")
        await type_into(pilot, "mac_address", "FA:16:3E:AB:CD:EF")
        app.screen.query_one("#input-port_security").value = False
        await pick(pilot, "security_group_ids", "default")
        await submit(pilot)
        assert "security groups need port security on" in screen_text(pilot)
        assert not any(p.name == "vip" for p in cloud(app).ports)
        app.screen.query_one("#input-port_security").value = True
        await submit(pilot)
        await wait_for(pilot, lambda: any(p.name == "vip" for p in cloud(app).ports))
        port = next(p for p in cloud(app).ports if p.name == "vip")
        assert [(ip.subnet_id, ip.ip_address) for ip in port.fixed_ips] == [
            (subnet.id, "10.90.1.50")
        ]
        assert port.mac_address == "fa:16:3e:ab:cd:ef" and len(port.security_group_ids) == 1

        # the same address again: Neutron's 409 in the form, what was typed kept
        await wait_for(pilot, lambda: isinstance(app.screen, ResourceScreen))
        await pilot.press("n")
        await wait_for(pilot, lambda: isinstance(app.screen, FormScreen))
        await pick(pilot, "network_id", "lab")
        await type_into(pilot, "ip_address", "10.90.1.50")
        await submit(pilot)
        await wait_for(pilot, lambda: app.screen.last_error is not None)
        assert "already allocated" in screen_text(pilot)
        assert app.screen.raw_values()["ip_address"] == "10.90.1.50"
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, ResourceScreen))

        await wait_for(pilot, lambda: any(p.name == "vip" for p in screen.table.rows_in_view()))
        await select(pilot, "vip")
        await pilot.press("e")
        await wait_for(pilot, lambda: isinstance(app.screen, FormScreen))
        await type_into(pilot, "allowed_address_pairs", "10.90.1.60, 10.90.2.0/24 zz")
        await submit(pilot)
        assert "'zz' is not a MAC address" in screen_text(pilot)
        await type_into(pilot, "allowed_address_pairs", "10.90.1.60, 10.90.2.0/24")
        await submit(pilot)
        await wait_for(pilot, lambda: cloud(app).ports.get(port.id).allowed_address_pairs != ())
        assert cloud(app).ports.get(port.id).allowed_address_pairs == (
            ("10.90.1.60", port.mac_address),
            ("10.90.2.0/24", port.mac_address),
        )
        await wait_for(pilot, lambda: isinstance(app.screen, ResourceScreen))
        await wait_for(pilot, lambda: not screen.in_flight)
        await pilot.press("ctrl+d")
        await confirm_by_typing(pilot, "vip")
        await wait_for(pilot, lambda: cloud(app).ports.get(port.id) is None)


async def test_a_router_interface_is_removed_from_the_routers_port_list() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        network, subnet = lab_network(app)
        router = next(r for r in cloud(app).routers if r.name == "router-admin")
        added = await app.context.backend.add_router_interface(router.id, subnet_id=subnet.id)
        await goto(pilot, "routers")
        await select(pilot, "router-admin")
        await pilot.press("enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ResourceScreen)
        rows = list(screen.table.rows_in_view())
        assert sorted(p.role for p in rows) == ["gateway", "interface", "interface"]
        gateway = next(p for p in rows if p.role == "gateway")
        seeded = next(p for p in rows if p.role == "interface" and p.id != added)
        screen.table.select_key(gateway.id)
        await pilot.pause()
        # a router's ports are the router's to remove: no delete, no remove on the gateway
        assert screen.check_action("act", ("delete",)) is False
        assert screen.check_action("act", ("remove_interface",)) is False
        # the seeded servers' floating IPs go through the seeded interface: Neutron refuses
        screen.table.select_key(seeded.id)
        await pilot.pause()
        await pilot.press("I")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.click("#confirm-yes")
        await wait_for(pilot, lambda: "required by one or more floating IPs" in notes(app))
        assert cloud(app).ports.get(seeded.id) is not None
        await wait_for(pilot, lambda: not screen.in_flight)
        screen.table.select_key(added)
        await pilot.pause()
        await pilot.press("I")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.click("#confirm-yes")
        await wait_for(pilot, lambda: cloud(app).ports.get(added) is None)
        assert network.id not in cloud(app).router_of_network
        await wait_for(pilot, lambda: all(p.id != added for p in screen.table.rows_in_view()))
