"""The network setup wizard through the app against devcloud's real Neutron, as the demo
user: one form builds the cheat sheet's complete example (network, subnet, router with its
gateway on `public`, the interface, ICMP and SSH in the default group); a server booted on
the new network reaches ACTIVE and gets a floating IP from `public` through the new router.
A second run that Neutron refuses midway rolls back and leaves nothing.

Everything is named with this run's suffix and removed in a finally; the default group's
rules are shared, so only the rules this run added are removed.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any, TypeVar

from tests.app.test_compute_network_volume_screens import goto, type_into
from tests.app_helpers import screen_text, settle, wait_for
from tui.app import StackdeckApp
from tui.backend.audit import AuditLog
from tui.backend.errors import BackendError, NotFound
from tui.backend.models import BootSpec
from tui.backend.openstack import OpenStackBackend
from tui.config import Settings
from tui.runbook import Event, Runbook, State
from tui.screens.confirm import ConfirmScreen
from tui.screens.form import FormScreen
from tui.screens.runbook import RunbookScreen
from tui.widgets.picker import Picker

T = TypeVar("T")
DEMO = "devcloud-demo"
CIRROS = "cirros-0.6.2-x86_64-disk"
RUN = uuid.uuid4().hex[:6]


async def collect(pages: AsyncIterator[list[T]]) -> list[T]:
    return [item async for page in pages for item in page]


async def until(
    fetch: Callable[[], Awaitable[T]], done: Callable[[T], bool], what: str, timeout: float = 120
) -> T:
    deadline = time.monotonic() + timeout
    while True:
        value = await fetch()
        if done(value):
            return value
        assert time.monotonic() < deadline, f"timed out waiting for {what}: {value!r}"
        await asyncio.sleep(0.5)


def names(tag: str) -> dict[str, str]:
    return {
        "network": f"wiz-{RUN}-{tag}-net",
        "subnet": f"wiz-{RUN}-{tag}-subnet",
        "router": f"wiz-{RUN}-{tag}-router",
    }


async def run_wizard(pilot: Any, tag: str, *, dns: str = "8.8.8.8") -> Runbook:
    """`N` on :networks, the names and DNS typed, the rest as proposed; `ctrl+s`, `y`."""
    app = pilot.app
    await goto(pilot, "networks")
    await pilot.press("N")
    await wait_for(pilot, lambda: isinstance(app.screen, FormScreen), rounds=400)
    await wait_for(pilot, lambda: bool(app.screen.query("#input-external")), rounds=400)
    picker = app.screen.query_one("#input-external", Picker)
    await wait_for(pilot, lambda: bool(picker.values), rounds=400)
    for field, name in names(tag).items():
        await type_into(pilot, field, name)
    await type_into(pilot, "dns", dns)
    await pilot.press("ctrl+s")
    await wait_for(pilot, lambda: isinstance(app.screen, RunbookScreen), rounds=400)
    runbook: Runbook = app.screen.runbook  # type: ignore[attr-defined]
    assert runbook.phase.value == "preview"
    return runbook


async def made_by(backend: OpenStackBackend, tag: str) -> dict[str, list[Any]]:
    wanted = names(tag)
    return {
        "networks": [n for n in await collect(backend.networks()) if n.name == wanted["network"]],
        "subnets": [s for s in await collect(backend.subnets()) if s.name == wanted["subnet"]],
        "routers": [r for r in await collect(backend.routers()) if r.name == wanted["router"]],
    }


async def sweep(backend: OpenStackBackend, rule_ids: list[str]) -> None:
    """Remove whatever this run's names find (after a failed assertion too)."""
    for server in await collect(backend.servers()):
        if server.name.startswith(f"wiz-{RUN}"):
            with contextlib.suppress(NotFound):
                await backend.server_action(server.id, "delete")
            await until_gone(lambda s=server: backend.server(s.id))
    for fip in await collect(backend.floating_ips()):
        if fip.description == f"wiz {RUN}":
            with contextlib.suppress(NotFound):
                await backend.release_floating_ip(fip.id)
    for router in await collect(backend.routers()):
        if not router.name.startswith(f"wiz-{RUN}"):
            continue
        for port in await collect(backend.ports(device_id=router.id)):
            for ip in port.fixed_ips:
                with contextlib.suppress(NotFound, BackendError):
                    await backend.remove_router_interface(router.id, subnet_id=ip.subnet_id)
        with contextlib.suppress(NotFound):
            await backend.delete_router(router.id)
    for network in await collect(backend.networks()):
        if network.name.startswith(f"wiz-{RUN}"):
            with contextlib.suppress(NotFound):
                await backend.delete_network(network.id)
    for rule_id in rule_ids:
        with contextlib.suppress(NotFound):
            await backend.delete_security_group_rule(rule_id)


async def until_gone(fetch: Callable[[], Awaitable[Any]]) -> None:
    async def missing() -> bool:
        try:
            await fetch()
        except NotFound:
            return True
        return False

    await until(missing, bool, "deletion")


def rules_added(runbook: Runbook) -> list[str]:
    return [
        str(i.data["id"])
        for i in runbook.items
        if i.key.startswith("rule-") and i.data.get("made") and i.state is State.DONE
    ]


async def test_the_wizard_builds_a_network_a_server_on_it_gets_a_floating_ip(
    devcloud: Path, tmp_path: Path
) -> None:
    audit = AuditLog(tmp_path / "audit.jsonl")
    backend = OpenStackBackend(DEMO, audit=audit)
    settings = Settings(cloud=DEMO, refresh_seconds=0, start_resource="networks")
    app = StackdeckApp(backend, settings)
    rule_ids: list[str] = []
    try:
        async with app.run_test(size=(150, 50), notifications=True) as pilot:
            await settle(pilot, rounds=400)
            runbook = await run_wizard(pilot, "ok")
            cidr = str(runbook.params["cidr"])
            await wait_for(pilot, lambda: "nothing sent" in screen_text(pilot), rounds=400)
            text = screen_text(pilot)
            assert f"create network wiz-{RUN}-ok-net" in text
            assert "gateway on public" in text
            await pilot.press("y")
            await wait_for(pilot, lambda: runbook.finished, rounds=1200)
            rule_ids = rules_added(runbook)
            states = {i.key: (i.state, i.message) for i in runbook.items}
            for key in ("pool", "network", "subnet", "router", "gateway", "interface"):
                assert states[key][0] is State.DONE, states
            for key in ("rule-icmp", "rule-ssh"):  # added, or there already (said so)
                assert states[key][0] in (State.DONE, State.SKIPPED), states
            assert states["pool"][1].startswith("public: about ")

            found = await made_by(backend, "ok")
            (network,), (subnet,), (router,) = (
                found["networks"],
                found["subnets"],
                found["routers"],
            )
            public = next(n for n in await collect(backend.networks()) if n.name == "public")
            assert subnet.network_id == network.id and subnet.cidr == cidr
            assert subnet.dns_nameservers == ("8.8.8.8",)
            assert router.external_network_id == public.id and router.external_ips
            interfaces = await collect(backend.ports(device_id=router.id))
            assert subnet.id in {ip.subnet_id for p in interfaces for ip in p.fixed_ips}
            records = audit.of_runbook(runbook.id)
            assert [r.result for r in records] == ["ok"] * len(records) and len(records) >= 5

            # a server on the new network, and a floating IP through the new router
            flavor = next(f for f in await collect(backend.flavors()) if f.name == "m1.tiny")
            image = next(i for i in await collect(backend.images()) if i.name == CIRROS)
            spec = BootSpec(
                name=f"wiz-{RUN}-vm",
                flavor_id=flavor.id,
                image_id=image.id,
                network_ids=(network.id,),
            )
            (server,) = await backend.create_servers(spec)
            started = time.monotonic()
            await until(lambda: backend.server(server.id), lambda s: s.status == "ACTIVE", "ACTIVE")
            print(f"\nserver ACTIVE on the wizard's network in {time.monotonic() - started:.1f}s")
            (port,) = await collect(backend.ports(device_id=server.id))
            assert port.network_id == network.id
            fip = await backend.allocate_floating_ip(public.id, description=f"wiz {RUN}")
            linked = await backend.associate_floating_ip(fip.id, port.id)
            assert linked.port_id == port.id and linked.router_id == router.id
            assert linked.fixed_ip in {ip.ip_address for ip in port.fixed_ips}

            # done with it: the server and its address go, then the setup rolls back
            await backend.release_floating_ip(fip.id)
            await backend.server_action(server.id, "delete")
            await until_gone(lambda: backend.server(server.id))
            await pilot.press("U")  # the operator rolls the setup back
            await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen), rounds=400)
            await pilot.click("#confirm-yes")
            await wait_for(pilot, lambda: runbook.phase.value == "rolling back", rounds=400)
            await asyncio.wait_for(runbook.wait(), 120)
            assert runbook.left() == [], [(i.label, i.message) for i in runbook.items]
            rule_ids = []
            assert await made_by(backend, "ok") == {"networks": [], "subnets": [], "routers": []}
    finally:
        await sweep(backend, rule_ids)
        await backend.close()


async def test_a_run_neutron_refuses_midway_rolls_back_and_says_where(
    devcloud: Path, tmp_path: Path
) -> None:
    """Neutron takes at most five name servers per subnet: the subnet step is refused with
    its own message after the network was made, and the network is deleted again."""
    backend = OpenStackBackend(DEMO, audit=AuditLog(tmp_path / "audit.jsonl"))
    settings = Settings(cloud=DEMO, refresh_seconds=0, start_resource="networks")
    app = StackdeckApp(backend, settings)
    rule_ids: list[str] = []
    too_many = ", ".join(f"192.0.2.{n}" for n in range(1, 7))
    try:
        async with app.run_test(size=(150, 50), notifications=True) as pilot:
            await settle(pilot, rounds=400)
            runbook = await run_wizard(pilot, "bad", dns=too_many)
            await pilot.press("y")
            await wait_for(pilot, lambda: runbook.finished, rounds=1200)
            rule_ids = rules_added(runbook)
            subnet = runbook.item("subnet")
            assert subnet is not None and subnet.state is State.FAILED
            assert subnet.error is not None and subnet.error.status == 400
            assert subnet.error.request_id.startswith("req-")
            assert "nameserver" in subnet.error.message.lower(), subnet.error.message
            network = runbook.item("network")
            assert network is not None and network.state is State.UNDONE
            assert [i.state for i in runbook.items[3:]] == [State.ABORTED] * 5
            await pilot.pause()
            text = screen_text(pilot)
            assert "stopped at step 3, subnet" in text and "HTTP 400" in text
            assert f"rolled back: network wiz-{RUN}-bad-net" in text
            assert await made_by(backend, "bad") == {"networks": [], "subnets": [], "routers": []}
    finally:
        await sweep(backend, rule_ids)
        await backend.close()


async def test_a_refusal_at_the_interface_step_rolls_back_four_objects(
    devcloud: Path, tmp_path: Path
) -> None:
    """Paused after the gateway step, the subnet is deleted from outside (another operator);
    resumed, Neutron refuses the interface (404) and everything made is undone — the subnet,
    already gone, is said so."""
    backend = OpenStackBackend(DEMO, audit=AuditLog(tmp_path / "audit.jsonl"))
    settings = Settings(cloud=DEMO, refresh_seconds=0, start_resource="networks")
    app = StackdeckApp(backend, settings)
    try:
        async with app.run_test(size=(150, 50), notifications=True) as pilot:
            await settle(pilot, rounds=400)
            runbook = await run_wizard(pilot, "gone")

            def pause_after_gateway(event: Event) -> None:
                item = event.item
                if item is not None and item.key == "gateway" and item.state is State.DONE:
                    runbook.pause()

            runbook.subscribe(pause_after_gateway)
            await pilot.press("y")
            await wait_for(pilot, lambda: runbook.phase.value == "paused", rounds=1200)
            subnet_id = str(runbook.item("subnet").data["id"])  # type: ignore[union-attr]
            await backend.delete_subnet(subnet_id)
            await pilot.press("p")
            await wait_for(pilot, lambda: runbook.finished, rounds=1200)
            interface = runbook.item("interface")
            assert interface is not None and interface.state is State.FAILED
            assert interface.error is not None and interface.error.status == 404
            states = [(i.key, i.state) for i in runbook.items]
            assert states[:5] == [
                ("pool", State.DONE),
                ("network", State.UNDONE),
                ("subnet", State.UNDONE),
                ("router", State.UNDONE),
                ("gateway", State.UNDONE),
            ]
            assert runbook.item("subnet").message.endswith("already gone")  # type: ignore[union-attr]
            assert await made_by(backend, "gone") == {
                "networks": [],
                "subnets": [],
                "routers": [],
            }
            await pilot.pause()
            assert "stopped at step 6" in screen_text(pilot)
    finally:
        await sweep(backend, [])
        await backend.close()
