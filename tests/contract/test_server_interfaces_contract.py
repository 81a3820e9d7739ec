"""A server's network interfaces, one body for the memory backend and devcloud's real Nova
and Neutron: a port made on a network (at a fixed IP when asked) and an existing port put on
a server, both shown in its addresses; detached, Nova's port is deleted and the given one is
kept unbound; Nova's refusals in its own words.

One server is booted once per cloud by the project user and deleted at the end.
"""

from __future__ import annotations

import contextlib
import ipaddress
import uuid
from collections.abc import AsyncIterator

import pytest
import pytest_asyncio

from tests.contract.conftest import CIRROS, Lab
from tests.contract.support import collect, gone, named, refused, settled
from tui.backend import states
from tui.backend.errors import BackendError, Conflict, NotFound
from tui.backend.models import BootSpec, Port, PortSpec, Server

COVERS = frozenset({"attach_interface", "detach_interface"})

pytestmark = pytest.mark.asyncio(loop_scope="module")

RUN = uuid.uuid4().hex[:6]


async def own_network(lab: Lab) -> str:
    if lab.network_ids:
        return lab.network_ids[0]
    networks = await collect(lab.owner.networks())
    mine = lab.owner.info.project_id
    return next(n.id for n in networks if n.project_id == mine and not n.external)


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def server(lab: Lab) -> AsyncIterator[Server]:
    """An ACTIVE server of the project user: `nic-<run>`."""
    flavor = await named(lab.owner.flavors(), "m1.tiny")
    image = await named(lab.owner.images(), CIRROS)
    spec = BootSpec(
        name=f"nic-{RUN}",
        flavor_id=flavor.id,
        image_id=image.id,
        network_ids=(await own_network(lab),),
    )
    (booted,) = await lab.owner.create_servers(spec)
    try:
        yield await settled(lab, booted.id, "ACTIVE")
    finally:
        with contextlib.suppress(NotFound):
            await lab.admin.server_action(booted.id, "delete")
        await lab.until(lambda: gone(lab.admin.server, booted.id), bool, "delete")


async def addresses(lab: Lab, server: Server) -> set[str]:
    return {a.addr for a in (await lab.owner.server(server.id)).fixed_ips}


async def free_address(lab: Lab, network_id: str) -> str:
    """An address of the network's first subnet that no port holds, from the top of its pool."""
    network = await lab.owner.network(network_id)
    subnet = await lab.owner.subnet(network.subnet_ids[0])
    taken = {ip.ip_address for p in await collect(lab.admin.ports()) for ip in p.fixed_ips}
    start, end = (ipaddress.ip_address(a) for a in subnet.pool_pairs[0])
    candidates = (str(end - k) for k in range(int(end) - int(start)))
    return next(a for a in candidates if a not in taken and a != subnet.gateway_ip)


async def test_a_port_made_on_a_network_shows_in_the_addresses_then_goes(
    lab: Lab, server: Server
) -> None:
    network_id = await own_network(lab)
    port_id = await lab.owner.attach_interface(server.id, network_id=network_id)
    port = await lab.owner.port(port_id)
    assert (port.device_id, port.network_id) == (server.id, network_id)
    assert port.device_owner.startswith("compute:")
    (ip,) = port.fixed_ips
    shown = await lab.until(
        lambda: lab.owner.server(server.id),
        lambda s: ip.ip_address in {a.addr for a in s.fixed_ips},
        "the new address",
    )
    assert {a.mac for a in shown.fixed_ips if a.addr == ip.ip_address} == {port.mac_address}
    owned = [p.id for p in await collect(lab.owner.ports(device_id=server.id))]
    assert port_id in owned and len(owned) == 2

    await lab.owner.detach_interface(server.id, port_id)
    await lab.until(lambda: gone(lab.owner.port, port_id), bool, "Nova's port deleted")
    await lab.until(
        lambda: addresses(lab, server), lambda a: ip.ip_address not in a, "the address gone"
    )


async def test_a_fixed_ip_is_taken_as_asked_and_an_address_in_use_is_refused(
    lab: Lab, server: Server
) -> None:
    network_id = await own_network(lab)
    wanted = await free_address(lab, network_id)
    port_id = await lab.owner.attach_interface(server.id, network_id=network_id, fixed_ip=wanted)
    try:
        port = await lab.owner.port(port_id)
        assert [ip.ip_address for ip in port.fixed_ips] == [wanted]
        await lab.until(lambda: addresses(lab, server), lambda a: wanted in a, "the fixed IP")
        await refused(
            lab.owner.attach_interface(server.id, network_id=network_id, fixed_ip=wanted),
            Conflict,
            409,
            f"Fixed IP {wanted} is already in use.",
            operation="attach-interface",
        )
    finally:
        await lab.owner.detach_interface(server.id, port_id)
        await lab.until(lambda: gone(lab.owner.port, port_id), bool, "Nova's port deleted")


async def test_an_existing_port_is_put_on_and_kept_unbound_after(lab: Lab, server: Server) -> None:
    network_id = await own_network(lab)
    made: Port = await lab.owner.create_port(PortSpec(network_id, name=f"nic-{RUN}-free"))
    try:
        assert await lab.owner.attach_interface(server.id, port_id=made.id) == made.id
        bound = await lab.owner.port(made.id)
        assert bound.device_id == server.id and bound.device_owner.startswith("compute:")
        await lab.until(
            lambda: addresses(lab, server), lambda a: made.ip_text in a, "the port's address"
        )
        await refused(
            lab.owner.attach_interface(server.id, port_id=made.id),
            Conflict,
            409,
            f"Port {made.id} is still in use.",
        )
        await lab.owner.detach_interface(server.id, made.id)
        kept = await lab.until(
            lambda: lab.owner.port(made.id), lambda p: not p.device_id, "the port unbound"
        )
        assert kept.device_owner == "" and kept.fixed_ips == made.fixed_ips
        await lab.until(
            lambda: addresses(lab, server), lambda a: made.ip_text not in a, "the address gone"
        )
    finally:
        await lab.owner.delete_port(made.id)


async def test_refusals_in_novas_words(lab: Lab, server: Server) -> None:
    network_id = await own_network(lab)
    before = await addresses(lab, server)
    missing = str(uuid.uuid4())
    await refused(
        lab.owner.attach_interface(server.id, network_id=network_id, port_id=missing),
        BackendError,
        400,
        "Must not input both network_id and port_id",
    )
    await refused(
        lab.owner.attach_interface(server.id, port_id=missing, fixed_ip="10.0.0.9"),
        BackendError,
        400,
        "Must input network_id when request IP address",
    )
    await refused(
        lab.owner.attach_interface(server.id, port_id=missing),
        NotFound,
        404,
        f"Port id {missing} could not be found.",
    )
    (own,) = await collect(lab.owner.ports(device_id=server.id))
    await refused(
        lab.owner.attach_interface(server.id, port_id=own.id),
        Conflict,
        409,
        f"Port {own.id} is still in use.",
    )
    await refused(
        lab.owner.attach_interface(missing, network_id=network_id),
        NotFound,
        404,
        f"Instance {missing} could not be found.",
    )
    assert await addresses(lab, server) == before


async def test_the_state_table_says_when_nova_refuses(lab: Lab, server: Server) -> None:
    network_id = await own_network(lab)
    await lab.owner.server_action(server.id, "suspend")
    suspended = await settled(lab, server.id, "SUSPENDED")
    try:
        assert not states.allows("attach_interface")(suspended)
        assert not states.allows("detach_interface")(suspended)
        words = states.conflict_message("attach_interface", suspended)
        assert (
            words
            == f"Cannot 'attach_interface' instance {server.id} while it is in vm_state suspended"
        )
        await refused(
            lab.owner.attach_interface(server.id, network_id=network_id), Conflict, 409, words
        )
        (own,) = await collect(lab.owner.ports(device_id=server.id))
        await refused(
            lab.owner.detach_interface(server.id, own.id),
            Conflict,
            409,
            str(states.conflict_message("detach_interface", suspended)),
            operation="detach-interface",
        )
    finally:
        await lab.owner.server_action(server.id, "resume")
        active = await settled(lab, server.id, "ACTIVE")
    assert states.allows("attach_interface")(active)
