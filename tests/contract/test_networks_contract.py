"""Neutron, one body for the memory backend and devcloud's real Neutron: networks, subnets,
ports, routers and security groups as listed and shown, floating IPs from allocation to
release with Neutron's refusals, and the network agents with what they host.

The project member (devcloud's `demo`, a member's session on the memory cloud) owns what is
made here: two unbound ports on its routed network and an "island" network no router
reaches, made through openstacksdk on devcloud (the protocol has no call for them) and put
in the memory cloud's store directly; all of it is deleted at the end, also on failure.
"""

from __future__ import annotations

import contextlib
import ipaddress
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field

import pytest
import pytest_asyncio

from tests.contract.conftest import Lab
from tests.contract.support import collect, devcloud_sdk, refused, undo
from tui.backend.errors import BackendError, Conflict, Forbidden, NotFound
from tui.backend.models import (
    FloatingIP,
    Network,
    NetworkAgent,
    Port,
    Router,
    SecurityGroupRule,
    Subnet,
)

pytestmark = pytest.mark.asyncio(loop_scope="module")

# the protocol methods this module pins
PINNED = """
networks network subnets ports port routers floating_ips floating_ip allocate_floating_ip
associate_floating_ip disassociate_floating_ip release_floating_ip security_groups
security_group dhcp_agent_hosts network_agents network_agent set_network_agent
dhcp_agents_of_network networks_of_dhcp_agent l3_agents_of_router routers_of_l3_agent
"""
COVERS = frozenset(PINNED.split())

RUN = uuid.uuid4().hex[:6]
NOBODY = "00000000-0000-4000-8000-000000000000"


@dataclass
class Neutron:
    """What the tests work on, found (or made) the same way on both clouds."""

    external: Network
    router: Router  # the member's router with a gateway on `external`
    routed: Network  # the member's network behind `router`
    island: Network  # the member's network no router reaches
    ports: tuple[Port, Port]  # unbound ports on `routed`
    island_port: Port
    allocated: list[str] = field(default_factory=list)  # floating IPs to release at the end


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def net(lab: Lab) -> AsyncIterator[Neutron]:
    owner = lab.owner
    routers = [
        r
        for r in await collect(owner.routers())
        if r.external_network_id and r.project_id == owner.info.project_id
    ]
    assert routers, f"{lab.name}: the member has no router with a gateway"
    router = routers[0]
    interfaces = [
        p
        for p in await collect(owner.ports(device_id=router.id))
        if p.device_owner == "network:router_interface"
    ]
    assert interfaces, f"{lab.name}: {router.name} has no interface"
    routed = await owner.network(interfaces[0].network_id)
    external = await lab.admin.network(router.external_network_id)
    with _made(lab, routed) as made:
        island, ports, island_port = made
        neutron = Neutron(external, router, routed, island, ports, island_port)
        try:
            yield neutron
        finally:
            await undo(lab.admin.release_floating_ip(fip) for fip in neutron.allocated)


@contextlib.contextmanager
def _made(lab: Lab, routed: Network) -> Iterator[tuple[Network, tuple[Port, Port], Port]]:
    if lab.real:
        yield from _made_on_devcloud(routed)
    else:
        yield _made_in_memory(lab, routed)


def _made_on_devcloud(routed: Network) -> Iterator[tuple[Network, tuple[Port, Port], Port]]:
    sdk = devcloud_sdk("devcloud-demo")
    made: list[object] = []
    try:
        island = sdk.network.create_network(name=f"ct-net-{RUN}-island")
        made.append(island)
        subnet = sdk.network.create_subnet(
            network_id=island.id,
            name=f"ct-net-{RUN}-island",
            ip_version=4,
            cidr=f"10.{200 + int(RUN[:2], 16) % 50}.{int(RUN[2:4], 16)}.0/24",
            enable_dhcp=False,
        )
        made.append(subnet)
        raw_ports = []
        for name, network_id in (("a", routed.id), ("b", routed.id), ("x", island.id)):
            port = sdk.network.create_port(network_id=network_id, name=f"ct-net-{RUN}-{name}")
            made.append(port)
            raw_ports.append(Port.from_api(port.to_dict(computed=False)))
        network = Network.from_api({**island.to_dict(computed=False), "subnets": [subnet.id]})
        yield network, (raw_ports[0], raw_ports[1]), raw_ports[2]
    finally:
        for thing in reversed(made):
            kind = type(thing).__name__.lower()
            getattr(sdk.network, f"delete_{kind}")(thing, ignore_missing=True)
        sdk.close()


def _made_in_memory(lab: Lab, routed: Network) -> tuple[Network, tuple[Port, Port], Port]:
    from tui.backend.memory import data

    cloud = lab.admin._cloud
    project_id = lab.owner.info.project_id
    island = cloud.networks.add(Network.from_api(data.network_json(77, project_id)))
    subnet = cloud.subnets.add(Subnet.from_api(data.subnet_json(77, project_id)))
    ports = []
    for k, (network, sub) in enumerate(
        ((routed, cloud.subnets.get(routed.subnet_ids[0])),) * 2 + ((island, subnet),)
    ):
        spec = data.PortSpec(
            id=data.fixed_id("contract-port", k),
            network_id=network.id,
            subnet_id=sub.id,
            ip=data.new_address(sub.cidr, 1000 + k),
            mac=data.new_mac(9000 + k),
            project_id=project_id,
            status="DOWN",
        )
        ports.append(cloud.ports.add(Port.from_api(data.port_json(spec))))
    return island, (ports[0], ports[1]), ports[2]


def id_of(record: SecurityGroupRule) -> str:
    return record.id


async def allocate(lab: Lab, net: Neutron, description: str = "") -> FloatingIP:
    fip = await lab.owner.allocate_floating_ip(net.external.id, description=description)
    net.allocated.append(fip.id)
    return fip


# -- networks, subnets, ports, routers, security groups -------------------------------------


async def test_networks_page_and_filter_on_external(lab: Lab, net: Neutron) -> None:
    pages = [page async for page in lab.admin.networks(page_size=2)]
    ids = [n.id for page in pages for n in page]
    assert len(pages) >= 2 and all(0 < len(page) <= 2 for page in pages)
    assert len(ids) == len(set(ids))
    assert {net.external.id, net.routed.id, net.island.id} <= set(ids)
    external = await collect(lab.admin.networks(external=True))
    internal = await collect(lab.admin.networks(external=False))
    assert external and all(n.external for n in external)
    assert net.external.id in {n.id for n in external}
    assert internal and not any(n.external for n in internal)
    assert net.routed.id in {n.id for n in internal}


async def test_a_network_shows_as_listed_with_its_fields(lab: Lab, net: Neutron) -> None:
    listed = next(n for n in await collect(lab.owner.networks()) if n.id == net.routed.id)
    shown = await lab.owner.network(net.routed.id)
    assert shown == listed
    assert shown.status == "ACTIVE" and shown.admin_state_up and not shown.external
    assert shown.project_id == lab.owner.info.project_id
    assert shown.subnet_ids and shown.mtu > 0
    # the provider attributes are an admin's to see
    assert shown.network_type == "" and shown.segmentation_id == ""
    assert (await lab.admin.network(net.routed.id)).network_type


async def test_a_member_sees_its_own_and_the_external_networks_only(lab: Lab, net: Neutron) -> None:
    mine = lab.owner.info.project_id
    seen = await collect(lab.owner.networks())
    assert all(n.project_id == mine or n.shared or n.external for n in seen)
    assert net.external.id in {n.id for n in seen}
    others = [
        n
        for n in await collect(lab.admin.networks())
        if n.project_id != mine and not (n.shared or n.external)
    ]
    assert others, "no other project's network to hide"
    await refused(
        lab.owner.network(others[0].id),
        NotFound,
        404,
        f"Network {others[0].id} could not be found.",
    )


async def test_subnets_of_a_network(lab: Lab, net: Neutron) -> None:
    subnets = await collect(lab.owner.subnets(network_id=net.routed.id))
    assert {s.id for s in subnets} == set(net.routed.subnet_ids)
    for s in subnets:
        cidr = ipaddress.ip_network(s.cidr)
        assert s.network_id == net.routed.id and s.ip_version == cidr.version
        assert ipaddress.ip_address(s.gateway_ip) in cidr
        assert s.project_id == lab.owner.info.project_id


async def test_ports_by_network_and_by_device(lab: Lab, net: Neutron) -> None:
    on_network = await collect(lab.owner.ports(network_id=net.routed.id))
    assert all(p.network_id == net.routed.id for p in on_network)
    assert {p.id for p in net.ports} <= {p.id for p in on_network}
    of_router = await collect(lab.owner.ports(device_id=net.router.id))
    assert of_router and all(p.device_id == net.router.id for p in of_router)
    assert net.routed.id in {
        p.network_id for p in of_router if p.device_owner == "network:router_interface"
    }
    port = await lab.owner.port(net.ports[0].id)
    assert port == next(p for p in on_network if p.id == port.id)
    (fixed,) = port.fixed_ips
    subnet = next(iter(await collect(lab.owner.subnets(network_id=net.routed.id))))
    assert fixed.subnet_id == subnet.id
    assert ipaddress.ip_address(fixed.ip_address) in ipaddress.ip_network(subnet.cidr)
    assert port.mac_address and not port.device_id and port.name.endswith("-a") is lab.real
    await refused(lab.owner.port(NOBODY), NotFound, 404, f"Port {NOBODY} could not be found.")


async def test_routers_of_the_member(lab: Lab, net: Neutron) -> None:
    routers = await collect(lab.owner.routers())
    assert all(r.project_id == lab.owner.info.project_id for r in routers)
    router = next(r for r in routers if r.id == net.router.id)
    assert router.status == "ACTIVE" and router.admin_state_up
    assert router.external_network_id == net.external.id
    subnets = await collect(lab.admin.subnets(network_id=net.external.id))
    assert router.external_ips and all(
        any(ipaddress.ip_address(ip) in ipaddress.ip_network(s.cidr) for s in subnets)
        for ip in router.external_ips
    )


async def test_security_groups_of_a_project(lab: Lab, net: Neutron) -> None:
    mine = lab.owner.info.project_id
    groups = await collect(lab.owner.security_groups(project_id=mine))
    assert groups and all(g.project_id == mine for g in groups)
    default = next(g for g in groups if g.name == "default")
    assert default.rules and all(r.security_group_id == default.id for r in default.rules)
    assert {r.direction for r in default.rules} == {"ingress", "egress"}
    shown = await lab.owner.security_group(default.id)
    assert (shown.name, shown.project_id) == (default.name, default.project_id)
    assert sorted(shown.rules, key=id_of) == sorted(default.rules, key=id_of)
    await refused(
        lab.owner.security_group(NOBODY), NotFound, 404, f"Security group {NOBODY} does not exist"
    )


# -- floating IPs ----------------------------------------------------------------------------


async def test_a_floating_ip_from_allocation_to_release(lab: Lab, net: Neutron) -> None:
    fip = await allocate(lab, net, description=f"ct-net-{RUN}")
    subnets = await collect(lab.admin.subnets(network_id=net.external.id))
    assert any(ipaddress.ip_address(fip.address) in ipaddress.ip_network(s.cidr) for s in subnets)
    assert (fip.network_id, fip.project_id) == (net.external.id, lab.owner.info.project_id)
    assert (fip.port_id, fip.fixed_ip, fip.router_id, fip.status) == ("", "", "", "DOWN")
    assert fip.description == f"ct-net-{RUN}"
    assert await lab.owner.floating_ip(fip.id) == fip
    mine = await collect(lab.owner.floating_ips(project_id=lab.owner.info.project_id))
    assert fip.id in {f.id for f in mine}

    a, b = net.ports
    linked = await lab.owner.associate_floating_ip(fip.id, a.id)
    assert (linked.port_id, linked.fixed_ip) == (a.id, a.fixed_ips[0].ip_address)
    assert linked.router_id == net.router.id and linked.address == fip.address
    assert [f.id for f in await collect(lab.owner.floating_ips(port_id=a.id))] == [fip.id]

    moved = await lab.owner.associate_floating_ip(fip.id, b.id, b.fixed_ips[0].ip_address)
    assert (moved.port_id, moved.fixed_ip) == (b.id, b.fixed_ips[0].ip_address)
    assert await collect(lab.owner.floating_ips(port_id=a.id)) == []

    freed = await lab.owner.disassociate_floating_ip(fip.id)
    assert (freed.port_id, freed.fixed_ip, freed.router_id) == ("", "", "")
    assert (await lab.owner.floating_ip(fip.id)).port_id == ""
    # Neutron keeps no state rule here: a free address "disassociates" again, and one in
    # use is released as it is (the screens offer each action where it is useful)
    assert (await lab.owner.disassociate_floating_ip(fip.id)).port_id == ""
    await lab.owner.associate_floating_ip(fip.id, a.id)
    await lab.owner.release_floating_ip(fip.id)
    assert await collect(lab.owner.floating_ips(port_id=a.id)) == []
    for call in (lab.owner.floating_ip, lab.owner.release_floating_ip):
        await refused(call(fip.id), NotFound, 404, f"Floating IP {fip.id} could not be found")


async def test_floating_ips_only_come_from_an_external_network(lab: Lab, net: Neutron) -> None:
    await refused(
        lab.owner.allocate_floating_ip(net.routed.id),
        BackendError,
        400,
        f"Bad floatingip request: Network {net.routed.id} is not a valid external network.",
        operation="allocate-floating-ip",
    )


async def test_a_member_allocates_only_for_its_own_project(lab: Lab, net: Neutron) -> None:
    await refused(
        lab.owner.allocate_floating_ip(net.external.id, project_id=NOBODY.replace("-", "")),
        BackendError,
        400,
        "Specifying 'project_id' other than the authenticated project in request is not "
        "allowed for the current user.",
    )


async def test_no_floating_ip_for_a_port_no_router_reaches(lab: Lab, net: Neutron) -> None:
    fip = await allocate(lab, net)
    port = net.island_port
    unreachable = (
        f"External network {net.external.id} is not reachable from subnet "
        f"{port.fixed_ips[0].subnet_id}.  Therefore, cannot associate Port {port.id} with a "
        "Floating IP."
    )
    associate = lab.owner.associate_floating_ip(fip.id, port.id)
    await refused(associate, NotFound, 404, unreachable, operation="associate-floating-ip")
    assert (await lab.owner.floating_ip(fip.id)).port_id == ""


async def test_a_fixed_ip_the_port_lacks_is_refused(lab: Lab, net: Neutron) -> None:
    fip = await allocate(lab, net)
    port = net.ports[0]
    await refused(
        lab.owner.associate_floating_ip(fip.id, port.id, "192.0.2.77"),
        BackendError,
        400,
        f"Bad floatingip request: Port {port.id} does not have fixed ip 192.0.2.77.",
    )


async def test_one_fixed_ip_takes_one_floating_ip(lab: Lab, net: Neutron) -> None:
    first, second = await allocate(lab, net), await allocate(lab, net)
    port = net.ports[0]
    address = port.fixed_ips[0].ip_address
    await lab.owner.associate_floating_ip(first.id, port.id)
    taken = (
        f"Cannot associate floating IP {second.address} ({second.id}) with port {port.id} "
        f"using fixed IP {address}, as that fixed IP already has a floating IP on external "
        f"network {net.external.id}."
    )
    try:
        await refused(lab.owner.associate_floating_ip(second.id, port.id), Conflict, 409, taken)
    finally:
        await lab.owner.disassociate_floating_ip(first.id)


# -- network agents and what they host -------------------------------------------------------


async def _dhcp_agent(lab: Lab) -> NetworkAgent:
    agents = await collect(lab.admin.network_agents())
    return next(a for a in agents if a.binary == "neutron-dhcp-agent")


async def test_network_agents_as_listed_and_shown(lab: Lab, net: Neutron) -> None:
    agents = await collect(lab.admin.network_agents())
    assert agents and all(a.id and a.binary and a.host and a.agent_type for a in agents)
    dhcp = next(a for a in agents if a.binary == "neutron-dhcp-agent")
    assert dhcp.agent_type == "DHCP agent" and dhcp.alive and dhcp.admin_state_up
    shown = await lab.admin.network_agent(dhcp.id)
    assert (shown.id, shown.host, shown.binary, shown.availability_zone) == (
        dhcp.id,
        dhcp.host,
        dhcp.binary,
        dhcp.availability_zone,
    )
    on_host = await collect(lab.admin.network_agents(host=dhcp.host))
    assert dhcp.id in {a.id for a in on_host} and all(a.host == dhcp.host for a in on_host)
    await refused(
        lab.admin.network_agent(NOBODY), NotFound, 404, f"Agent {NOBODY} could not be found."
    )


async def test_what_a_dhcp_agent_serves(lab: Lab, net: Neutron) -> None:
    dhcp = await _dhcp_agent(lab)
    agents = await lab.admin.dhcp_agents_of_network(net.routed.id)
    assert dhcp.id in {a.id for a in agents}
    assert all(a.binary == "neutron-dhcp-agent" for a in agents)
    hosts = await lab.admin.dhcp_agent_hosts(net.routed.id)
    assert sorted(hosts) == sorted({a.host for a in agents})
    networks = await lab.admin.networks_of_dhcp_agent(dhcp.id)
    assert net.routed.id in {n.id for n in networks}
    # a network nobody serves (or that does not exist) has no agent: not an error
    assert await lab.admin.dhcp_agents_of_network(NOBODY) == []
    assert await lab.admin.dhcp_agent_hosts(NOBODY) == []
    await refused(
        lab.admin.networks_of_dhcp_agent(NOBODY),
        NotFound,
        404,
        f"Agent {NOBODY} could not be found.",
    )


async def test_routers_and_l3_agents(lab: Lab, net: Neutron) -> None:
    dhcp = await _dhcp_agent(lab)
    l3 = await lab.admin.l3_agents_of_router(net.router.id)
    assert all(a.binary == "neutron-l3-agent" for a in l3)  # devcloud runs none
    for agent in l3:
        assert net.router.id in {r.id for r in await lab.admin.routers_of_l3_agent(agent.id)}
    assert await lab.admin.routers_of_l3_agent(dhcp.id) == []
    await refused(
        lab.admin.l3_agents_of_router(NOBODY), NotFound, 404, f"Router {NOBODY} could not be found"
    )
    await refused(
        lab.admin.routers_of_l3_agent(NOBODY), NotFound, 404, f"Agent {NOBODY} could not be found."
    )


async def test_agents_are_hidden_from_a_member(lab: Lab, net: Neutron) -> None:
    dhcp = await _dhcp_agent(lab)
    assert await collect(lab.owner.network_agents()) == []
    hidden = "The resource could not be found."
    await refused(lab.owner.network_agent(dhcp.id), NotFound, 404, hidden)
    await refused(lab.owner.set_network_agent(dhcp, enabled=False), NotFound, 404, hidden)
    assert (await lab.admin.network_agent(dhcp.id)).admin_state_up
    for call, rule in (
        (lab.owner.dhcp_agent_hosts(net.routed.id), "get_dhcp-agents"),
        (lab.owner.dhcp_agents_of_network(net.routed.id), "get_dhcp-agents"),
        (lab.owner.networks_of_dhcp_agent(dhcp.id), "get_dhcp-networks"),
        (lab.owner.l3_agents_of_router(net.router.id), "get_l3-agents"),
    ):
        await refused(call, Forbidden, 403, f"rule:{rule} is disallowed by policy")


async def test_enabling_an_enabled_agent_keeps_it_enabled(lab: Lab, net: Neutron) -> None:
    dhcp = await _dhcp_agent(lab)
    await lab.admin.set_network_agent(dhcp, enabled=True)
    assert (await lab.admin.network_agent(dhcp.id)).admin_state_up


async def test_disabling_an_agent_and_enabling_it_again(lab: Lab, net: Neutron) -> None:
    if lab.real:
        print("\ndevcloud: its only DHCP agent serves every session's networks: not disabled")
        pytest.skip("devcloud's only DHCP agent serves every session's networks")
    dhcp = await _dhcp_agent(lab)
    await lab.admin.set_network_agent(dhcp, enabled=False)
    assert not (await lab.admin.network_agent(dhcp.id)).admin_state_up
    await lab.admin.set_network_agent(dhcp, enabled=True)
    assert (await lab.admin.network_agent(dhcp.id)).admin_state_up
