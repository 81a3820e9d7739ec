"""The network setup wizard from the keyboard, on the memory cloud: `N` on `:networks` (or
“New network setup” in the palette), one form, the preview of every call, the run that
builds the cheat sheet's complete example, a failure midway that says where it stopped and
rolls back, and "leave what was made" that keeps it (and `U` that rolls it back later)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any, TypeVar

import pytest
from textual.widgets import Checkbox, Input

from tests.app.test_compute_network_volume_screens import current, goto, type_into
from tests.app_helpers import demo_app, screen_text, settle, wait_for
from tui.app import StackdeckApp
from tui.backend.errors import BackendError
from tui.backend.memory import MemoryBackend, network_writes
from tui.backend.memory.data import PUBLIC_NETWORK
from tui.config import Settings
from tui.runbook import Phase, Runbook, State
from tui.screens.confirm import ConfirmScreen
from tui.screens.form import FormScreen
from tui.screens.runbook import RunbookScreen
from tui.screens.runbook_dialogs import ResumeScreen
from tui.widgets.picker import Picker

T = TypeVar("T")
NAMES = {"network": "wiz-net", "subnet": "wiz-subnet", "router": "wiz-router"}


async def collect(pages: AsyncIterator[list[T]]) -> list[T]:
    return [item async for page in pages for item in page]


def memory(app: StackdeckApp) -> MemoryBackend:
    backend = app.backend
    assert isinstance(backend, MemoryBackend)
    return backend


def shown_runbook(app: StackdeckApp) -> Runbook:
    screen = app.screen
    assert isinstance(screen, RunbookScreen), screen
    return screen.runbook


async def made(backend: MemoryBackend) -> dict[str, list[Any]]:
    """What the wizard's names find in the memory cloud."""
    networks = [n for n in await collect(backend.networks()) if n.name == NAMES["network"]]
    subnets = [s for s in await collect(backend.subnets()) if s.name == NAMES["subnet"]]
    routers = [r for r in await collect(backend.routers()) if r.name == NAMES["router"]]
    ports = [  # the routers' interfaces (their gateway ports are on the external network)
        p
        for r in routers
        for p in await collect(backend.ports(device_id=r.id))
        if p.device_owner == "network:router_interface"
    ]
    return {"networks": networks, "subnets": subnets, "routers": routers, "ports": ports}


async def default_rules(backend: MemoryBackend) -> set[tuple[str, str, int | None]]:
    groups = await collect(backend.security_groups(project_id=backend.info.project_id))
    default = next(g for g in groups if g.name == "default")
    return {(r.direction, r.protocol, r.port_range_min) for r in default.rules}


async def open_form(pilot: Any) -> FormScreen:
    app = pilot.app
    await goto(pilot, "networks")
    await pilot.press("N")
    await wait_for(pilot, lambda: isinstance(app.screen, FormScreen))
    screen = app.screen
    await wait_for(pilot, lambda: bool(screen.query("#input-external")))
    picker = screen.query_one("#input-external", Picker)
    await wait_for(pilot, lambda: bool(picker.values))
    return screen


async def fill(pilot: Any, *, leave: bool = False) -> None:
    for field, name in NAMES.items():
        await type_into(pilot, field, name)
    await type_into(pilot, "dns", "8.8.8.8")
    if leave:
        box = pilot.app.screen.query_one("#input-leave", Checkbox)
        box.focus()
        await pilot.press("space")
        assert box.value is True


async def preview(pilot: Any) -> Runbook:
    await pilot.press("ctrl+s")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, RunbookScreen))
    await pilot.pause()
    return shown_runbook(pilot.app)


async def test_the_form_proposes_a_free_cidr_and_the_external_network() -> None:
    app = demo_app(servers=4)
    async with app.run_test(size=(130, 50)) as pilot:
        await settle(pilot)
        form = await open_form(pilot)
        # the admin project's subnets hold 10.0.0.0/16: the first /24 outside it
        assert form.query_one("#input-cidr", Input).value == "10.1.0.0/24"
        assert form.query_one("#input-external", Picker).values == (PUBLIC_NETWORK,)
        text = screen_text(pilot)
        assert "New network setup" in text and "8.8.8.8" in text  # the DNS placeholder


async def test_bad_addresses_are_refused_on_their_fields_and_nothing_is_sent() -> None:
    app = demo_app(servers=4)
    async with app.run_test(size=(130, 50)) as pilot:
        await settle(pilot)
        backend = memory(app)
        writes = len(backend.writes)
        await open_form(pilot)
        await type_into(pilot, "cidr", "10.9.0.1/24")
        await type_into(pilot, "gateway", "10.8.0.1")
        await type_into(pilot, "dns", "8.8.8.8, dns.google")
        await pilot.press("ctrl+s")
        await pilot.pause(0.2)
        assert isinstance(app.screen, FormScreen)
        text = screen_text(pilot)
        assert "'10.9.0.1/24' has host bits set: the network is 10.9.0.0/24" in text
        assert "'dns.google' is not an IPv4 or IPv6 address" in text
        await type_into(pilot, "cidr", "10.9.0.0/24")
        await pilot.press("ctrl+s")
        await pilot.pause(0.2)
        assert "gateway 10.8.0.1 is outside 10.9.0.0/24" in screen_text(pilot)
        assert app.screen.query_one("#input-dns", Input).value == "8.8.8.8, dns.google"
        assert len(backend.writes) == writes


async def test_the_preview_lists_every_call_and_a_run_builds_the_complete_example() -> None:
    app = demo_app(servers=4)
    async with app.run_test(size=(150, 50), notifications=True) as pilot:
        await settle(pilot)
        backend = memory(app)
        await open_form(pilot)
        await fill(pilot)
        runbook = await preview(pilot)
        text = screen_text(pilot)
        assert "preview" in text and "nothing sent" in text
        for call in (
            "create network wiz-net",
            "create subnet wiz-subnet 10.1.0.0/24, gateway auto, DNS 8.8.8.8",
            "create router wiz-router",
            "set wiz-router's gateway on public",
            "add an interface on wiz-subnet to wiz-router",
            "add ingress ICMP to the default group",
            "add ingress TCP 22 (SSH) to the default group",
        ):
            assert call in text, call
        assert (await made(backend))["networks"] == []
        await pilot.press("y")
        await wait_for(pilot, lambda: runbook.finished, rounds=200)
        assert [i.state for i in runbook.items] == [State.DONE] * 8
        found = await made(backend)
        (network,), (subnet,), (router,) = found["networks"], found["subnets"], found["routers"]
        assert subnet.network_id == network.id and subnet.cidr == "10.1.0.0/24"
        assert subnet.dns_nameservers == ("8.8.8.8",)
        assert router.external_network_id == PUBLIC_NETWORK
        assert [ip.subnet_id for p in found["ports"] for ip in p.fixed_ips] == [subnet.id]
        assert {("ingress", "icmp", None), ("ingress", "tcp", 22)} <= await default_rules(backend)
        await pilot.pause()
        assert "Finished" in screen_text(pilot)


async def refuse_interface(app: StackdeckApp) -> None:
    backend = memory(app)

    async def refused(router_id: str, **_: Any) -> str:
        raise BackendError(
            "Bad router request: Cidr of subnet overlaps with cidr of another subnet of the router",
            status=400,
            request_id="req-wizard-1",
            operation="add router interface",
        )

    backend.add_router_interface = refused  # type: ignore[method-assign]


async def test_a_failure_midway_says_where_it_stopped_and_rolls_everything_back() -> None:
    app = demo_app(servers=4)
    async with app.run_test(size=(150, 50)) as pilot:
        await settle(pilot)
        backend = memory(app)
        rules_before = await default_rules(backend)
        await refuse_interface(app)
        await open_form(pilot)
        await fill(pilot)
        runbook = await preview(pilot)
        await pilot.press("y")
        await wait_for(pilot, lambda: runbook.finished, rounds=200)
        assert [i.state for i in runbook.items] == [
            State.DONE,  # the pool check
            State.UNDONE,
            State.UNDONE,
            State.UNDONE,
            State.UNDONE,
            State.FAILED,
            State.ABORTED,
            State.ABORTED,
        ]
        assert await made(backend) == {"networks": [], "subnets": [], "routers": [], "ports": []}
        assert await default_rules(backend) == rules_before
        await pilot.pause()
        text = screen_text(pilot)
        assert "stopped at step 6, interface on wiz-subnet: HTTP 400: add router" in text
        assert "(request req-wizard-1)" in text
        assert (
            "rolled back: network wiz-net, subnet wiz-subnet, router wiz-router, gateway on public"
            in text
        )
        assert "left in the cloud" not in text


async def test_leave_mode_keeps_what_was_made_and_u_rolls_it_back() -> None:
    app = demo_app(servers=4)
    async with app.run_test(size=(150, 50)) as pilot:
        await settle(pilot)
        backend = memory(app)
        await refuse_interface(app)
        await open_form(pilot)
        await fill(pilot, leave=True)
        runbook = await preview(pilot)
        await pilot.press("y")
        await wait_for(pilot, lambda: runbook.finished, rounds=200)
        found = await made(backend)
        assert [len(found[k]) for k in ("networks", "subnets", "routers")] == [1, 1, 1]
        assert found["routers"][0].external_network_id
        await pilot.pause()
        text = screen_text(pilot)
        assert (
            "left in the cloud: network wiz-net, subnet wiz-subnet, router wiz-router, gateway on"
            in text
        )
        assert "U rolls them back" in text
        await pilot.press("U")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.click("#confirm-yes")
        await wait_for(pilot, lambda: runbook.phase is Phase.FINISHED and not runbook.left())
        assert await made(backend) == {"networks": [], "subnets": [], "routers": [], "ports": []}


async def test_the_palette_offers_the_wizard_from_anywhere() -> None:
    app = demo_app(servers=4)
    async with app.run_test(size=(130, 50)) as pilot:
        await settle(pilot)
        assert current(app).resource.name == "servers"
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"New network setup")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, FormScreen))
        assert "New network setup" in screen_text(pilot)
        assert app.screen_stack[-2].resource.name == "networks"  # type: ignore[attr-defined]


async def test_read_only_mode_does_not_offer_it() -> None:
    app = demo_app(servers=4, read_only=True)
    async with app.run_test(size=(130, 50), notifications=True) as pilot:
        await settle(pilot)
        await goto(pilot, "networks")
        await pilot.press("N")
        await pilot.pause(0.2)
        assert not isinstance(app.screen, FormScreen)


async def test_an_admin_can_make_the_external_network_in_the_same_form(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The demo cloud's only flat physical network carries `public`; this one has a second,
    as a cloud with two `flat_networks` would."""
    monkeypatch.setattr(network_writes, "FLAT_NETWORKS", ("public", "extnet2"))
    app = demo_app(servers=4)
    async with app.run_test(size=(150, 50), notifications=True) as pilot:
        await settle(pilot)
        backend = memory(app)
        form = await open_form(pilot)
        await fill(pilot)
        assert not form.query_one("#field-ext_name").display
        box = form.query_one("#input-new_external", Checkbox)
        box.focus()
        await pilot.press("space")
        await pilot.pause()
        assert form.query_one("#field-ext_name").display
        assert not form.query_one("#field-external").display
        await type_into(pilot, "ext_name", "public2")
        await type_into(pilot, "ext_physnet", "extnet2")
        await type_into(pilot, "ext_cidr", "172.30.0.0/24")
        await type_into(pilot, "ext_pool", "172.30.0.10-172.30.0.20")
        await type_into(pilot, "ext_gateway", "172.30.0.15")
        await pilot.press("ctrl+s")
        await pilot.pause(0.2)
        text = screen_text(pilot)
        assert "gateway 172.30.0.15 is inside the allocation pool 172.30.0.10-172.30.0.20" in text
        await type_into(pilot, "ext_gateway", "172.30.0.1")
        runbook = await preview(pilot)
        assert [i.key for i in runbook.items][:3] == ["ext-network", "ext-subnet", "pool"]
        assert "create network public2, router:external, flat on extnet2" in screen_text(pilot)
        await pilot.press("y")
        await wait_for(pilot, lambda: runbook.finished, rounds=200)
        assert not runbook.summary().failed, [(i.key, i.message) for i in runbook.items]
        public2 = next(n for n in await collect(backend.networks()) if n.name == "public2")
        assert public2.external and public2.physical_network == "extnet2"
        (router,) = (await made(backend))["routers"]
        assert router.external_network_id == public2.id


async def test_after_a_restart_the_step_in_flight_is_found_not_made_twice() -> None:
    """stackdeck is killed while Neutron makes the router; the restarted one finds the
    router by its name (it was not there at plan time) and goes on from the gateway."""
    backend = MemoryBackend(servers=4)
    settings = Settings(demo=True, refresh_seconds=0, start_resource="networks")
    first = StackdeckApp(backend, settings)
    create_router = backend.create_router
    hang = asyncio.Event()

    async def made_but_no_answer(spec: Any) -> Any:
        await create_router(spec)
        await hang.wait()  # the answer never comes: stackdeck is killed meanwhile

    backend.create_router = made_but_no_answer  # type: ignore[method-assign]
    async with first.run_test(size=(150, 50)) as pilot:
        await settle(pilot)
        await open_form(pilot)
        await fill(pilot)
        runbook = await preview(pilot)
        await pilot.press("y")
        await wait_for(pilot, lambda: runbook.item("router").sent != [])  # type: ignore[union-attr]
    backend.create_router = create_router  # type: ignore[method-assign]
    assert len((await made(backend))["routers"]) == 1

    again = StackdeckApp(backend, settings)
    async with again.run_test(size=(150, 50), notifications=True) as pilot:
        await wait_for(pilot, lambda: isinstance(again.screen, ResumeScreen))
        await pilot.press("r")
        await wait_for(pilot, lambda: isinstance(again.screen, RunbookScreen))
        resumed = shown_runbook(again)
        await wait_for(pilot, lambda: resumed.finished, rounds=200)
        router = resumed.item("router")
        assert router is not None and router.message.startswith("found after restart: ")
        assert [i.state for i in resumed.items] == [State.DONE] * 8
        found = await made(backend)
        assert [len(found[k]) for k in ("networks", "subnets", "routers", "ports")] == [1] * 4
        assert found["routers"][0].id == router.data["id"]


async def test_a_flat_physical_network_in_use_stops_the_chain_before_anything_is_made() -> None:
    app = demo_app(servers=4)
    async with app.run_test(size=(150, 50)) as pilot:
        await settle(pilot)
        backend = memory(app)
        form = await open_form(pilot)
        await fill(pilot)
        form.query_one("#input-new_external", Checkbox).focus()
        await pilot.press("space")
        await type_into(pilot, "ext_name", "public2")
        runbook = await preview(pilot)
        await pilot.press("y")
        await wait_for(pilot, lambda: runbook.finished, rounds=200)
        first = runbook.items[0]
        assert first.state is State.FAILED and first.error is not None
        assert "Physical network public is in use" in first.error.text()
        assert all(i.state is State.ABORTED for i in runbook.items[1:])
        assert "public2" not in {n.name for n in await collect(backend.networks())}
        assert (await made(backend))["networks"] == []
