"""A server's network interfaces and Nova's server groups from the keyboard, on the
in-memory cloud: `A` attaches a network (at a fixed IP of its subnets) or an existing port,
each mistake named on its field with nothing sent and nothing typed lost; `D` detaches a
port chosen by network, addresses and MAC; :server-groups makes, opens and deletes a group;
the boot form puts a new server in one."""

from __future__ import annotations

from typing import Any

from tests.app.test_compute_network_volume_screens import current, goto, pick, type_into
from tests.app_helpers import demo_app, screen_text, settle, wait_for
from tui.backend.models import PortSpec, Server
from tui.screens.confirm import ConfirmScreen
from tui.screens.form import FormScreen
from tui.screens.resource import ResourceScreen


def backend(pilot: Any) -> Any:
    return pilot.app.context.backend


def notes(pilot: Any) -> str:
    return "\n".join(n.message for n in pilot.app._notifications)


async def open_form(pilot: Any, key: str) -> FormScreen:
    await pilot.press(key)
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, FormScreen))
    screen = pilot.app.screen
    assert isinstance(screen, FormScreen)
    return screen


async def a_server_of_mine(pilot: Any, status: str = "ACTIVE") -> Server:
    mine = backend(pilot).info.project_id
    async for page in backend(pilot).servers(all_projects=True):
        for server in page:
            if server.project_id == mine and server.fixed_ips and server.status == status:
                return server
    raise AssertionError(f"no {status} server of the admin's project")


async def on_row(pilot: Any, server: Server) -> ResourceScreen:
    screen = current(pilot.app)
    assert screen.table.select_key(server.id)
    await pilot.pause()
    return screen


async def addresses_of(pilot: Any, server: Server) -> set[str]:
    return {a.addr for a in (await backend(pilot).server(server.id)).fixed_ips}


async def own_subnet(pilot: Any) -> Any:
    (network,) = [
        n async for page in backend(pilot).networks() for n in page if n.name == "private-admin"
    ]
    return await backend(pilot).subnet(network.subnet_ids[0])


async def test_a_network_interface_at_a_fixed_ip_then_detached() -> None:
    app = demo_app()
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot)
        server = await a_server_of_mine(pilot)
        screen = await on_row(pilot, server)
        subnet = await own_subnet(pilot)
        await open_form(pilot, "A")
        await pick(pilot, "network_id", "private-admin")
        await type_into(pilot, "fixed_ip", "10.99.0.7")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "10.99.0.7 is in no subnet of the network chosen" in screen_text(pilot)
        assert subnet.cidr in screen_text(pilot)
        wanted = subnet.cidr.rsplit(".", 1)[0] + ".201"
        await type_into(pilot, "fixed_ip", wanted)
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: not isinstance(app.screen, FormScreen))
        # the row follows: its addresses show the new interface
        await wait_for(pilot, lambda: wanted in screen.table.selected.address_text)
        assert wanted in screen_text(pilot)
        assert [w for w in backend(pilot).writes if w[0] == "attach-interface"]
        ports = [p async for page in backend(pilot).ports(device_id=server.id) for p in page]
        new = next(p for p in ports if p.ip_text == wanted)
        assert new.device_owner.startswith("compute:")

        form = await open_form(pilot, "D")
        picker = form.query_one("#input-port_id")
        await wait_for(pilot, lambda: len(picker._choices) == 2)
        labels = {c.label: c.detail for c in picker._choices}
        assert labels[f"private-admin {wanted}"] == f"MAC {new.mac_address}"
        await pick(pilot, "port_id", wanted)
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        assert f"Detach port {new.id} from {server.name}" in screen_text(pilot)
        await pilot.click("#confirm-yes")
        await wait_for(pilot, lambda: wanted not in screen.table.selected.address_text)
        assert wanted not in await addresses_of(pilot, server)


async def test_the_attach_form_names_each_mistake_and_keeps_what_was_typed() -> None:
    app = demo_app()
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot)
        server = await a_server_of_mine(pilot)
        await on_row(pilot, server)
        port = await backend(pilot).create_port(PortSpec(network_id=server_network(pilot, server)))
        writes = list(backend(pilot).writes)
        form = await open_form(pilot, "A")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "choose a network or an existing port" in screen_text(pilot)
        await type_into(pilot, "fixed_ip", "not-an-ip")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "'not-an-ip' is not an IPv4 or IPv6 address" in screen_text(pilot)
        assert form.query_one("#input-fixed_ip").value == "not-an-ip"
        await type_into(pilot, "fixed_ip", "")
        await pick(pilot, "network_id", "private-admin")
        await pick(pilot, "port_id", port.id[:8])
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "a network or a port, not both" in screen_text(pilot)
        assert isinstance(app.screen, FormScreen)
        assert backend(pilot).writes == writes, "nothing was sent"


def server_network(pilot: Any, server: Server) -> str:
    cloud = backend(pilot)._cloud
    return next(n.id for n in cloud.networks if n.name == server.fixed_ips[0].network)


async def test_an_existing_port_is_attached_and_kept_after_detach() -> None:
    app = demo_app()
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot)
        server = await a_server_of_mine(pilot)
        screen = await on_row(pilot, server)
        port = await backend(pilot).create_port(
            PortSpec(network_id=server_network(pilot, server), name="spare-nic")
        )
        await open_form(pilot, "A")
        await pick(pilot, "port_id", "spare-nic")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: port.ip_text in screen.table.selected.address_text)
        assert (await backend(pilot).port(port.id)).device_id == server.id

        await open_form(pilot, "D")
        await pick(pilot, "port_id", port.ip_text)
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.click("#confirm-yes")
        await wait_for(pilot, lambda: port.ip_text not in screen.table.selected.address_text)
        kept = await backend(pilot).port(port.id)
        assert (kept.device_id, kept.device_owner) == ("", "")


async def test_interfaces_are_offered_only_in_the_states_nova_allows() -> None:
    app = demo_app()
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot)
        server = await a_server_of_mine(pilot)
        await backend(pilot).server_action(server.id, "suspend")
        screen = current(app)
        screen.load()
        await settle(pilot)
        await on_row(pilot, server)
        attach, detach = (
            screen.resource.action(n) for n in ("attach_interface", "detach_interface")
        )
        row = screen.table.selected
        assert row.status == "SUSPENDED"
        assert not screen.offered(attach, row) and not screen.offered(detach, row)
        await pilot.press("A")
        await pilot.pause()
        assert not isinstance(app.screen, FormScreen)
        await backend(pilot).server_action(server.id, "resume")
        screen.load()
        await settle(pilot)
        await on_row(pilot, server)
        assert screen.offered(attach, screen.table.selected)


async def test_a_server_group_made_opened_and_deleted() -> None:
    app = demo_app()
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot)
        screen = await goto(pilot, "sgroups")
        assert screen.resource.name == "server-groups"
        form = await open_form(pilot, "n")
        await type_into(pilot, "name", "web-spread")
        await type_into(pilot, "max_server_per_host", "2")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: "web-spread" in screen_text(pilot))
        assert "max_server_per_host=2" in screen_text(pilot)
        group = next(g for g in screen.table.rows_in_view() if g.name == "web-spread")
        assert (group.policy, group.max_server_per_host) == ("anti-affinity", 2)
        assert form.form.title == "Create a server group"

        # the boot form puts a new server in it
        await goto(pilot, "servers")
        await open_form(pilot, "n")
        await type_into(pilot, "name", "web-9")
        await pick(pilot, "flavor", "tiny")
        await pick(pilot, "image", "cirros")
        await pick(pilot, "networks", "private-admin")
        await pick(pilot, "server_group", "web-spread")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, ResourceScreen))
        shown = await backend(pilot).server_group(group.id)
        (member,) = shown.members
        assert (await backend(pilot).server(member)).name == "web-9"

        await goto(pilot, "server-groups")
        await pilot.press("r")  # the list as it was before the boot: read it again
        await settle(pilot)
        screen = current(app)
        assert screen.table.select_key(group.id)
        await pilot.pause()
        await pilot.press("enter")
        await settle(pilot)
        assert current(app).resource.name == "servers"
        assert [s.name for s in current(app).table.rows_in_view()] == ["web-9"]
        assert "server group web-spread" in screen_text(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert current(app).table.select_key(group.id)
        await pilot.pause()
        await pilot.press("ctrl+d")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        assert "1 member: it keeps running, in no group" in str(app.screen.body)
        await pilot.press(*"web-spread")
        await pilot.click("#confirm-yes")
        await wait_for(pilot, lambda: "web-spread" not in screen_text(pilot))
        assert ("delete-server-group", f"server group {group.id}") in backend(pilot).writes


async def test_max_servers_per_host_is_asked_only_for_anti_affinity() -> None:
    app = demo_app()
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot)
        screen = await goto(pilot, "affinity")
        form = await open_form(pilot, "n")
        assert form.query_one("#field-max_server_per_host").display
        await type_into(pilot, "name", "db-together")
        await pick(pilot, "policy", "affinity: all")
        await pilot.pause()
        assert not form.query_one("#field-max_server_per_host").display
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: "db-together" in screen_text(pilot))
        group = next(g for g in screen.table.rows_in_view() if g.name == "db-together")
        assert (group.policy, group.rules_text) == ("affinity", "")
