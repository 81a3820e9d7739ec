"""Building networks and subnets from the keyboard on the in-memory cloud: what the operator
types, sees, and what the cloud then holds (or, for a refused address, that nothing was sent)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.widgets import Checkbox, Input, Static

from tests.app.test_compute_network_volume_screens import current, goto, pick
from tests.app_forms import paste
from tests.app_helpers import demo_app, screen_text, select, settle, wait_for
from tui.backend.audit import AuditLog
from tui.backend.memory import MemoryBackend, fixed_id
from tui.backend.models import NetworkSpec, SubnetSpec
from tui.screens.confirm import ConfirmScreen
from tui.screens.form import FormScreen
from tui.widgets.picker import Picker

DEMO_NET = "private-demo"  # the second project's network, with servers' ports on it


def cloud_of(app: Any) -> MemoryBackend:
    backend: MemoryBackend = app.backend
    return backend


async def type_into(pilot: Any, field: str, text: str) -> None:
    """Replace what a text field holds (pasted: as typed, without a key press per letter)."""
    await paste(pilot, pilot.app.screen.query_one(f"#input-{field}", Input), text)


async def tick(pilot: Any, field: str, on: bool = True) -> None:
    box = pilot.app.screen.query_one(f"#input-{field}", Checkbox)
    if box.value != on:
        box.focus()
        await pilot.press("space")


async def open_form(pilot: Any, key: str) -> FormScreen:
    await pilot.press(key)
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, FormScreen))
    form = pilot.app.screen
    assert isinstance(form, FormScreen)
    return form


def form_says(form: FormScreen) -> str:
    """What the form says under its fields and at its foot."""
    lines = [str(form.query_one("#form-error", Static).render())]
    lines += [str(w.render()) for w in form.query(".form-help").results(Static)]
    return "\n".join(lines)


async def submit_refused(pilot: Any, form: FormScreen, said: str) -> None:
    """Submit; the form stays, saying `said` (on a field, or the cloud's refusal)."""
    await pilot.press("ctrl+s")
    await wait_for(pilot, lambda: said in form_says(form))
    assert pilot.app.screen is form


def messages(app: Any) -> str:
    return "\n".join(n.message for n in app._notifications)


async def test_a_network_is_created_given_a_subnet_edited_and_deleted(tmp_path: Path) -> None:
    audit = AuditLog(tmp_path / "audit.jsonl")
    app = demo_app(audit=audit)
    cloud = cloud_of(app)
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot)
        screen = await goto(pilot, "networks")
        form = await open_form(pilot, "n")
        assert form.form.title == "Create network"
        await type_into(pilot, "name", "lab-net")
        await type_into(pilot, "mtu", "1400")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: any(n.name == "lab-net" for n in screen.table.rows_in_view()))
        made = next(n for n in screen.table.rows_in_view() if n.name == "lab-net")
        assert made.mtu == 1400 and made.network_type == "geneve"

        await select(pilot, "lab-net")
        form = await open_form(pilot, "S")
        assert form.form.title == "Add a subnet to lab-net"
        await wait_for(pilot, lambda: form.raw_values()["network_id"] == made.id)
        await type_into(pilot, "name", "lab-subnet")
        await type_into(pilot, "cidr", "10.50.0.0/24")
        await type_into(pilot, "allocation_pools", "10.50.0.10-10.50.0.99")
        await type_into(pilot, "dns_nameservers", "192.0.2.53, 192.0.2.54")
        await type_into(pilot, "host_routes", "10.60.0.0/16 via 10.50.0.254")
        await tick(pilot, "enable_dhcp", False)
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: screen.table.selected.subnet_ids != ())
        subnet = await cloud.subnet(screen.table.selected.subnet_ids[0])
        assert (subnet.name, subnet.cidr, subnet.gateway_ip) == (
            "lab-subnet",
            "10.50.0.0/24",
            "10.50.0.1",
        )
        assert subnet.pool_pairs == (("10.50.0.10", "10.50.0.99"),)
        assert subnet.dns_nameservers == ("192.0.2.53", "192.0.2.54")
        assert subnet.host_routes == (("10.60.0.0/16", "10.50.0.254"),)
        assert not subnet.enable_dhcp

        form = await open_form(pilot, "e")
        assert form.raw_values()["mtu"] == "1400"
        await type_into(pilot, "name", "lab-net-2")
        await tick(pilot, "shared")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: screen.table.selected.name == "lab-net-2")
        assert screen.table.selected.shared and screen.table.selected.mtu == 1400

        await pilot.press("ctrl+d")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        shown = screen_text(pilot)
        assert "1 subnet(s), deleted with it" in shown and "lab-subnet 10.50.0.0/24" in shown
        await pilot.press(*"lab-net-2", "enter")
        await wait_for(
            pilot, lambda: all(n.name != "lab-net-2" for n in screen.table.rows_in_view())
        )
    assert cloud._cloud.subnets.get(subnet.id) is None
    assert [(r.action, r.result) for r in audit.records()] == [
        ("create-network", "ok"),
        ("create-subnet", "ok"),
        ("update-network", "ok"),
        ("delete-network", "ok"),
    ]


async def test_a_subnet_is_edited_from_the_subnets_list() -> None:
    app = demo_app()
    cloud = cloud_of(app)
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot)
        screen = await goto(pilot, "subnets")
        await select(pilot, f"{DEMO_NET}-subnet")
        form = await open_form(pilot, "e")
        values = form.raw_values()
        assert values["allocation_pools"] == "10.1.0.2-10.1.255.254"
        assert values["dns_nameservers"] == "192.0.2.53"
        await type_into(pilot, "allocation_pools", "10.1.1.1-10.1.1.200, 10.1.2.1-10.1.2.200")
        await type_into(pilot, "host_routes", "192.168.0.0/24 via 10.1.0.254")
        await type_into(pilot, "dns_nameservers", "")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: not isinstance(app.screen, FormScreen))
        await wait_for(pilot, lambda: screen.table.selected.host_routes != ())
    subnet = await cloud.subnet(fixed_id("subnet", 1))
    assert subnet.pool_pairs == (("10.1.1.1", "10.1.1.200"), ("10.1.2.1", "10.1.2.200"))
    assert subnet.host_routes == (("192.168.0.0/24", "10.1.0.254"),)
    assert subnet.dns_nameservers == () and subnet.gateway_ip == "10.1.0.1"


async def test_bad_addresses_are_said_on_their_field_and_nothing_is_sent(tmp_path: Path) -> None:
    audit = AuditLog(tmp_path / "audit.jsonl")
    app = demo_app(audit=audit)
    cloud = cloud_of(app)
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot)
        await goto(pilot, "subnets")
        form = await open_form(pilot, "n")
        await pick(pilot, "network_id", DEMO_NET)
        await type_into(pilot, "cidr", "10.50.0.1/24")
        await submit_refused(pilot, form, "has host bits set: the network is 10.50.0.0/24")
        await type_into(pilot, "cidr", "10.50.0.0/24")
        await type_into(pilot, "allocation_pools", "10.51.0.1-10.51.0.9")
        await submit_refused(pilot, form, "pool 10.51.0.1-10.51.0.9 is outside 10.50.0.0/24")
        await type_into(pilot, "allocation_pools", "10.50.0.10-10.50.0.20")
        await type_into(pilot, "gateway_ip", "10.50.0.15")
        await submit_refused(
            pilot, form, "gateway 10.50.0.15 is inside the allocation pool 10.50.0.10-10.50.0.20"
        )
        await type_into(pilot, "gateway_ip", "10.50.0.1")
        await type_into(pilot, "host_routes", "10.60.0.0/16 to 10.50.0.254")
        await submit_refused(pilot, form, "is not a route: write DESTINATION via NEXTHOP")
        await type_into(pilot, "host_routes", "fd00::/64 via fd00::1")
        await submit_refused(pilot, form, "fd00::/64 is not an IPv4 network")
        assert form.query_one("#field-host_routes").has_class("-invalid")
        assert form.raw_values() | {} == {
            **form.raw_values(),
            "cidr": "10.50.0.0/24",
            "allocation_pools": "10.50.0.10-10.50.0.20",
            "gateway_ip": "10.50.0.1",
            "host_routes": "fd00::/64 via fd00::1",
        }, "what was typed is kept"
        assert audit.records() == [] and cloud.writes == []
        await type_into(pilot, "host_routes", "10.60.0.0/16 via 10.50.0.254")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: not isinstance(app.screen, FormScreen))
    assert cloud.writes == [
        ("create-subnet", f"subnet 10.50.0.0/24 on network {fixed_id('network', 1)}")
    ]


async def test_neutrons_refusal_stays_in_the_form_with_what_was_typed() -> None:
    app = demo_app()
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot)
        await goto(pilot, "networks")
        await select(pilot, DEMO_NET)
        form = await open_form(pilot, "S")
        await type_into(pilot, "cidr", "10.1.5.0/24")  # inside the network's 10.1.0.0/16
        await submit_refused(pilot, form, "overlaps with another subnet")
        assert form.last_error is not None and form.last_error.status == 400
        assert form.raw_values()["cidr"] == "10.1.5.0/24"


async def test_subnets_of_one_network_offer_that_network() -> None:
    app = demo_app()
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot)
        await goto(pilot, "networks")
        await select(pilot, DEMO_NET)
        await pilot.press("enter")
        await settle(pilot)
        assert current(app).resource.name == "subnets"
        form = await open_form(pilot, "n")
        picker = form.query_one("#input-network_id", Picker)
        await wait_for(pilot, lambda: picker.value == fixed_id("network", 1))
        assert form.form.title == "Create subnet"


async def test_a_refused_delete_names_the_ports_in_the_way() -> None:
    app = demo_app()
    cloud = cloud_of(app)
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot)
        screen = await goto(pilot, "networks")
        await select(pilot, DEMO_NET)
        await pilot.press("ctrl+d")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        assert "port(s) in use: Neutron refuses while they are there" in screen_text(pilot)
        await pilot.press(*DEMO_NET, "enter")
        await wait_for(pilot, lambda: "Ports in the way" in messages(app))
        said = messages(app)
        port = next(p for p in cloud._cloud.ports if p.network_id == fixed_id("network", 1))
        assert "HTTP 409" in said and "There are one or more ports still in use" in said
        assert f"port {port.id} ({port.device_owner} device {port.device_id})" in said
        assert f"subnet {fixed_id('subnet', 1)} {DEMO_NET}-subnet 10.1.0.0/16" in said
        assert any(n.name == DEMO_NET for n in screen.table.rows_in_view())


async def test_a_member_is_offered_no_admin_fields() -> None:
    app = demo_app(is_admin=False)
    cloud = cloud_of(app)
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot)
        screen = await goto(pilot, "networks")
        form = await open_form(pilot, "n")
        names = {f.name for f in form.form.fields}
        assert {
            "shared",
            "external",
            "network_type",
            "project_id",
            "segmentation_id",
        } & names == set()
        assert "made by an admin" in screen_text(pilot)
        await type_into(pilot, "name", "mine")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: any(n.name == "mine" for n in screen.table.rows_in_view()))
    made = next(n for n in cloud._cloud.networks if n.name == "mine")
    assert made.project_id == cloud.info.project_id and not made.shared


async def test_an_admin_picks_the_provider_type_the_cloud_shows() -> None:
    app = demo_app()
    cloud = cloud_of(app)
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot)
        screen = await goto(pilot, "networks")
        form = await open_form(pilot, "n")
        assert not form.query_one("#field-physical_network").display
        picker = form.query_one("#input-network_type", Picker)
        await wait_for(pilot, lambda: picker._choices)
        offered = {c.value: c.detail for c in picker._choices}
        assert offered["geneve"].endswith("network(s) use it") and "flat" in offered
        await type_into(pilot, "name", "provider-net")
        await pick(pilot, "network_type", "flat")
        assert form.query_one("#field-physical_network").display
        assert not form.query_one("#field-segmentation_id").display
        await submit_refused(pilot, form, "a flat network needs its physical network")
        await pick(pilot, "physical_network", "public")
        await submit_refused(pilot, form, "Physical network public is in use.")  # the public net
        await pick(pilot, "network_type", "vxlan")
        await type_into(pilot, "segmentation_id", "4242")
        await pilot.press("ctrl+s")
        await wait_for(
            pilot, lambda: any(n.name == "provider-net" for n in screen.table.rows_in_view())
        )
    made = next(n for n in cloud._cloud.networks if n.name == "provider-net")
    assert (made.network_type, made.segmentation_id, made.physical_network) == ("vxlan", "4242", "")


async def test_a_subnet_is_deleted_unless_ports_have_addresses_on_it() -> None:
    app = demo_app()
    cloud = cloud_of(app)
    lab = await cloud.create_network(NetworkSpec(name="lab-net"))
    spare = await cloud.create_subnet(
        SubnetSpec(network_id=lab.id, name="spare", cidr="10.70.0.0/24")
    )
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot)
        screen = await goto(pilot, "subnets")
        await select(pilot, f"{DEMO_NET}-subnet")
        await pilot.press("ctrl+d")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        assert "port(s) have an address on it: Neutron refuses" in screen_text(pilot)
        await pilot.press(*f"{DEMO_NET}-subnet", "enter")
        await wait_for(pilot, lambda: "One or more ports have an IP allocation" in messages(app))
        assert "HTTP 409" in messages(app)
        await select(pilot, "spare")
        await pilot.press("ctrl+d")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        assert "No port has an address on it." in screen_text(pilot)
        await pilot.press(*"spare", "enter")
        await wait_for(pilot, lambda: all(s.name != "spare" for s in screen.table.rows_in_view()))
    assert cloud._cloud.subnets.get(spare.id) is None
    assert (await cloud.network(lab.id)).subnet_ids == ()
    assert cloud._cloud.subnets.get(fixed_id("subnet", 1)) is not None
