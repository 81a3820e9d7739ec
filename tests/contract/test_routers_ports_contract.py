"""Neutron's routers and ports as the operator builds them, one body for the memory backend
and devcloud's real Neutron: a router's gateway, interfaces and static routes, ports with
fixed IPs, MAC, security groups and allowed address pairs, and Neutron's refusals (a router
still in use, a subnet without gateway or already on the router, overlapping subnets, a
gateway on a network that is not external, a next hop nowhere near the router, an address
or MAC in use, security groups without port security).

The project member owns what is made here. Its networks and subnets come from openstacksdk
on devcloud (another module pins their create calls) and are put in the memory cloud's store
directly; all of it is deleted at the end, interfaces first, also on failure. devcloud runs
no L3 agent: a router's status is what Neutron's API says, its ports exist all the same.
"""

from __future__ import annotations

import contextlib
import ipaddress
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
import pytest_asyncio

from tests.contract.conftest import Lab
from tests.contract.support import collect, devcloud_sdk, refused, undo
from tui.backend.errors import BackendError, Conflict, Forbidden, NotFound
from tui.backend.models import (
    Network,
    Port,
    PortChange,
    PortSpec,
    Router,
    RouterChange,
    RouterSpec,
    Subnet,
)

pytestmark = pytest.mark.asyncio(loop_scope="module")

PINNED = """
router create_router update_router set_router_gateway clear_router_gateway
add_router_interface remove_router_interface delete_router create_port update_port delete_port
"""
COVERS = frozenset(PINNED.split())

RUN = uuid.uuid4().hex[:6]
NOBODY = "00000000-0000-4000-8000-000000000000"
# a /16 of our own for this run: other modules and helpers build on devcloud at the same time
OCTET = 100 + int(RUN[:4], 16) % 100


@dataclass
class Built:
    """The member's networks to route: `lan` with a routed subnet and one without gateway,
    `other` with a subnet overlapping the routed one; the external network."""

    external: Network
    lan: Network
    routed: Subnet
    no_gateway: Subnet
    other: Network
    overlapping: Subnet
    routers: list[str] = field(default_factory=list)  # to delete at the end
    ports: list[str] = field(default_factory=list)


def _cidrs() -> tuple[str, str, str]:
    return (f"10.{OCTET}.1.0/24", f"10.{OCTET}.2.0/24", f"10.{OCTET}.1.0/25")


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def built(lab: Lab) -> AsyncIterator[Built]:
    external = next(n for n in await collect(lab.owner.networks(external=True)))
    with _networks(lab) as (lan, routed, no_gateway, other, overlapping):
        made = Built(external, lan, routed, no_gateway, other, overlapping)
        try:
            yield made
        finally:
            await _unbuild(lab, made)


async def _unbuild(lab: Lab, made: Built) -> None:
    """Interfaces first (routes that need them before), then routers, then ports."""
    for router_id in made.routers:
        with contextlib.suppress(NotFound):
            await lab.admin.update_router(router_id, RouterChange(routes=()))
            for port in await collect(lab.admin.ports(device_id=router_id)):
                if port.device_owner == "network:router_interface":
                    await lab.admin.remove_router_interface(router_id, port_id=port.id)
    await undo(lab.admin.delete_router(r) for r in made.routers)
    await undo(lab.admin.delete_port(p) for p in made.ports)


@contextlib.contextmanager
def _networks(lab: Lab) -> Iterator[tuple[Network, Subnet, Subnet, Network, Subnet]]:
    if lab.real:
        yield from _networks_on_devcloud()
    else:
        yield _networks_in_memory(lab)


def _networks_on_devcloud() -> Iterator[tuple[Network, Subnet, Subnet, Network, Subnet]]:
    sdk = devcloud_sdk("devcloud-demo")
    made: list[Any] = []
    routed_cidr, bare_cidr, overlap_cidr = _cidrs()
    try:
        lan = sdk.network.create_network(name=f"ct-rt-{RUN}-lan")
        made.append(lan)
        routed = sdk.network.create_subnet(
            network_id=lan.id, name=f"ct-rt-{RUN}-routed", ip_version=4, cidr=routed_cidr
        )
        bare = sdk.network.create_subnet(
            network_id=lan.id,
            name=f"ct-rt-{RUN}-bare",
            ip_version=4,
            cidr=bare_cidr,
            gateway_ip=None,
            enable_dhcp=False,
        )
        other = sdk.network.create_network(name=f"ct-rt-{RUN}-other")
        made.append(other)
        overlapping = sdk.network.create_subnet(
            network_id=other.id, name=f"ct-rt-{RUN}-overlap", ip_version=4, cidr=overlap_cidr
        )
        subnets = [Subnet.from_api(s.to_dict(computed=False)) for s in (routed, bare, overlapping)]
        networks = [
            Network.from_api({**n.to_dict(computed=False), "subnets": ids})
            for n, ids in ((lan, [routed.id, bare.id]), (other, [overlapping.id]))
        ]
        yield networks[0], subnets[0], subnets[1], networks[1], subnets[2]
    finally:
        for network in reversed(made):
            for port in sdk.network.ports(network_id=network.id):
                if port.device_owner.startswith("network:router_interface"):
                    sdk.network.remove_interface_from_router(port.device_id, port_id=port.id)
                elif not port.device_owner.startswith("network:dhcp"):
                    sdk.network.delete_port(port, ignore_missing=True)
            sdk.network.delete_network(network, ignore_missing=True)
        sdk.close()


def _networks_in_memory(lab: Lab) -> tuple[Network, Subnet, Subnet, Network, Subnet]:
    from tui.backend.memory import data

    cloud = lab.admin._cloud
    project_id = lab.owner.info.project_id
    routed_cidr, bare_cidr, overlap_cidr = _cidrs()

    def subnet(k: int, network_id: str, cidr: str, gateway: bool) -> Subnet:
        net = ipaddress.ip_network(cidr)
        raw = {
            **data.subnet_json(80 + k, project_id),
            "network_id": network_id,
            "cidr": cidr,
            "gateway_ip": str(net.network_address + 1) if gateway else None,
            "allocation_pools": [
                {"start": str(net.network_address + 2), "end": str(net.broadcast_address - 1)}
            ],
        }
        return cloud.subnets.add(Subnet.from_api(raw))

    lan_id, other_id = data.fixed_id("network", 80), data.fixed_id("network", 81)
    routed = subnet(0, lan_id, routed_cidr, True)
    bare = subnet(1, lan_id, bare_cidr, False)
    overlapping = subnet(2, other_id, overlap_cidr, True)
    networks = [
        cloud.networks.add(
            Network.from_api({**data.network_json(80 + k, project_id), "subnets": ids})
        )
        for k, ids in ((0, [routed.id, bare.id]), (1, [overlapping.id]))
    ]
    return networks[0], routed, bare, networks[1], overlapping


async def new_router(lab: Lab, built: Built, name: str, **spec: Any) -> Router:
    router = await lab.owner.create_router(RouterSpec(f"ct-rt-{RUN}-{name}", **spec))
    built.routers.append(router.id)
    return router


async def new_port(lab: Lab, built: Built, spec: PortSpec, backend: Any = None) -> Port:
    port = await (backend or lab.owner).create_port(spec)
    built.ports.append(port.id)
    return port


async def default_group(lab: Lab) -> str:
    groups = await collect(lab.owner.security_groups(project_id=lab.owner.info.project_id))
    return next(g.id for g in groups if g.name == "default")


def in_subnet(address: str, subnet: Subnet) -> bool:
    return ipaddress.ip_address(address) in ipaddress.ip_network(subnet.cidr)


# -- routers ---------------------------------------------------------------------------------


async def test_a_router_from_creation_to_deletion(lab: Lab, built: Built) -> None:
    router = await new_router(lab, built, "life", description="contract")
    assert (router.name, router.description) == (f"ct-rt-{RUN}-life", "contract")
    assert router.project_id == lab.owner.info.project_id and router.admin_state_up
    assert (router.external_network_id, router.external_ips, router.routes) == ("", (), ())
    assert await lab.owner.router(router.id) == router

    gated = await lab.owner.set_router_gateway(router.id, built.external.id)
    assert gated.external_network_id == built.external.id and gated.enable_snat
    externals = await collect(lab.admin.subnets(network_id=built.external.id))
    (gateway_ip,) = gated.external_ips
    assert any(in_subnet(gateway_ip, s) for s in externals)

    port_id = await lab.owner.add_router_interface(router.id, subnet_id=built.routed.id)
    interface = await lab.owner.port(port_id)
    assert (interface.device_id, interface.device_owner) == (router.id, "network:router_interface")
    assert interface.role == "interface"
    assert [(ip.subnet_id, ip.ip_address) for ip in interface.fixed_ips] == [
        (built.routed.id, built.routed.gateway_ip)
    ]
    # the gateway port belongs to no project: an admin sees it among the router's ports
    ports = await collect(lab.admin.ports(device_id=router.id))
    assert {(p.role, p.network_id) for p in ports} == {
        ("interface", built.lan.id),
        ("gateway", built.external.id),
    }
    gateway = next(p for p in ports if p.role == "gateway")
    assert [ip.ip_address for ip in gateway.fixed_ips] == [gateway_ip]

    hop = str(ipaddress.ip_network(built.routed.cidr).network_address + 9)
    routed = await lab.owner.update_router(
        router.id, RouterChange(name=f"ct-rt-{RUN}-life2", routes=(("192.0.2.0/24", hop),))
    )
    assert (routed.name, routed.routes) == (f"ct-rt-{RUN}-life2", (("192.0.2.0/24", hop),))
    assert (await lab.owner.router(router.id)).routes == routed.routes
    await refused(
        lab.owner.remove_router_interface(router.id, subnet_id=built.routed.id),
        Conflict,
        409,
        f"Router interface for subnet {built.routed.id} on router {router.id} cannot be "
        "deleted, as it is required by one or more routes.",
    )

    await refused(
        lab.owner.delete_router(router.id),
        Conflict,
        409,
        f"Router {router.id} has ports still attached: {port_id}",
        operation="delete-router",
    )
    await lab.owner.update_router(router.id, RouterChange(routes=()))
    await lab.owner.remove_router_interface(router.id, subnet_id=built.routed.id)
    await refused(lab.owner.port(port_id), NotFound, 404, f"Port {port_id} could not be found.")
    cleared = await lab.owner.clear_router_gateway(router.id)
    assert (cleared.external_network_id, cleared.external_ips) == ("", ())
    assert await collect(lab.admin.ports(device_id=router.id)) == []
    await lab.owner.delete_router(router.id)
    await refused(
        lab.owner.router(router.id), NotFound, 404, f"Router {router.id} could not be found"
    )


async def test_an_interface_needs_a_subnet_with_a_gateway_once_and_apart(
    lab: Lab, built: Built
) -> None:
    router = await new_router(lab, built, "rules")
    bad = "Bad router request: "
    add = lab.owner.add_router_interface
    await refused(
        add(router.id, subnet_id=built.no_gateway.id),
        BackendError,
        400,
        bad + "Subnet for router interface must have a gateway IP.",
        operation="add-router-interface",
    )
    await refused(
        add(router.id), BackendError, 400, bad + "Either subnet_id or port_id must be specified."
    )
    await add(router.id, subnet_id=built.routed.id)
    await refused(
        add(router.id, subnet_id=built.routed.id),
        BackendError,
        400,
        bad + f"Router already has a port on subnet {built.routed.id}.",
    )
    over = built.overlapping
    await refused(
        add(router.id, subnet_id=over.id),
        BackendError,
        400,
        bad + f"Cidr {over.cidr} of subnet {over.id} overlaps with cidr {built.routed.cidr} "
        f"of subnet {built.routed.id}.",
    )
    await refused(
        lab.owner.remove_router_interface(router.id, subnet_id=built.no_gateway.id),
        NotFound,
        404,
        f"Router {router.id} has no interface on subnet {built.no_gateway.id}",
    )
    await refused(
        lab.owner.remove_router_interface(router.id, port_id=NOBODY),
        NotFound,
        404,
        f"Router {router.id} does not have an interface with id {NOBODY}",
    )
    await lab.owner.remove_router_interface(router.id, subnet_id=built.routed.id)


async def test_a_gateway_only_on_an_external_network(lab: Lab, built: Built) -> None:
    router = await new_router(lab, built, "gw")
    await refused(
        lab.owner.set_router_gateway(router.id, built.lan.id),
        BackendError,
        400,
        f"Bad router request: Network {built.lan.id} is not an external network.",
        operation="set-router-gateway",
    )
    assert (await lab.owner.router(router.id)).external_network_id == ""


async def test_a_static_route_goes_through_a_connected_subnet(lab: Lab, built: Built) -> None:
    router = await new_router(lab, built, "routes")
    await lab.owner.add_router_interface(router.id, subnet_id=built.routed.id)
    await refused(
        lab.owner.update_router(router.id, RouterChange(routes=(("192.0.2.0/24", "10.250.0.5"),))),
        BackendError,
        400,
        "Invalid format for routes: [{'destination': '192.0.2.0/24', 'nexthop': "
        "'10.250.0.5'}], the nexthop is not connected with router",
        operation="update-router",
    )
    assert (await lab.owner.router(router.id)).routes == ()
    await lab.owner.remove_router_interface(router.id, subnet_id=built.routed.id)


async def test_snat_is_an_admins_to_turn_off(lab: Lab, built: Built) -> None:
    await refused(
        lab.owner.create_router(
            RouterSpec(
                f"ct-rt-{RUN}-snat", external_network_id=built.external.id, enable_snat=False
            )
        ),
        Forbidden,
        403,
        "(rule:create_router and (rule:create_router:external_gateway_info and "
        "(rule:create_router:external_gateway_info:network_id and "
        "rule:create_router:external_gateway_info:enable_snat))) is disallowed by policy",
    )
    router = await new_router(lab, built, "snat")
    await refused(
        lab.owner.set_router_gateway(router.id, built.external.id, enable_snat=False),
        Forbidden,
        403,
        "rule:update_router:external_gateway_info:enable_snat))) is disallowed by policy",
    )
    plain = await lab.admin.set_router_gateway(router.id, built.external.id, enable_snat=False)
    assert plain.external_network_id == built.external.id and not plain.enable_snat
    again = await lab.admin.set_router_gateway(router.id, built.external.id, enable_snat=True)
    assert again.enable_snat and again.external_ips == plain.external_ips
    made = await lab.admin.create_router(
        RouterSpec(
            f"ct-rt-{RUN}-admin",
            project_id=lab.owner.info.project_id,
            external_network_id=built.external.id,
            enable_snat=False,
        )
    )
    built.routers.append(made.id)
    assert made.project_id == lab.owner.info.project_id and not made.enable_snat
    assert (await lab.owner.router(made.id)).external_network_id == built.external.id


# -- ports ----------------------------------------------------------------------------------


async def test_a_port_with_a_fixed_ip_mac_and_groups(lab: Lab, built: Built) -> None:
    group = await default_group(lab)
    address = str(ipaddress.ip_network(built.routed.cidr).network_address + 50)
    mac = f"fa:16:3e:{OCTET:02x}:{int(RUN[:2], 16):02x}:{int(RUN[2:4], 16):02x}"
    port = await new_port(
        lab,
        built,
        PortSpec(
            built.lan.id,
            name=f"ct-rt-{RUN}-fixed",
            fixed_ips=((built.routed.id, address),),
            mac_address=mac,
            security_group_ids=(group,),
        ),
    )
    assert (port.name, port.network_id, port.mac_address) == (
        f"ct-rt-{RUN}-fixed",
        built.lan.id,
        mac,
    )
    assert [(ip.subnet_id, ip.ip_address) for ip in port.fixed_ips] == [(built.routed.id, address)]
    assert port.security_group_ids == (group,) and port.port_security
    assert (port.device_id, port.device_owner, port.status) == ("", "", "DOWN")
    assert await lab.owner.port(port.id) == port

    await refused(
        lab.owner.create_port(PortSpec(built.lan.id, fixed_ips=(("", address),))),
        Conflict,
        409,
        f"IP address {address} already allocated in subnet {built.routed.id}",
        operation="create-port",
    )
    await refused(
        lab.owner.create_port(PortSpec(built.lan.id, mac_address=mac)),
        Conflict,
        409,
        f"Unable to complete operation for network {built.lan.id}. The mac address {mac} is "
        "in use.",
    )
    await refused(
        lab.owner.create_port(
            PortSpec(built.lan.id, port_security=False, security_group_ids=(group,))
        ),
        BackendError,
        400,
        "Port security must be enabled and port must have an IP address in order to use "
        "security groups.",
    )


async def test_a_port_without_a_choice_gets_an_address_and_the_default_group(
    lab: Lab, built: Built
) -> None:
    port = await new_port(lab, built, PortSpec(built.lan.id, fixed_ips=((built.routed.id, ""),)))
    (fixed,) = port.fixed_ips
    assert fixed.subnet_id == built.routed.id and in_subnet(fixed.ip_address, built.routed)
    assert fixed.ip_address != built.routed.gateway_ip
    assert port.security_group_ids == (await default_group(lab),)
    bare = await new_port(lab, built, PortSpec(built.lan.id, port_security=False))
    assert not bare.port_security and bare.security_group_ids == ()
    await lab.owner.delete_port(bare.id)
    await refused(lab.owner.port(bare.id), NotFound, 404, f"Port {bare.id} could not be found.")
    await refused(
        lab.owner.delete_port(bare.id), NotFound, 404, f"Port {bare.id} could not be found."
    )


async def test_a_ports_name_groups_and_address_pairs_change(lab: Lab, built: Built) -> None:
    group = await default_group(lab)
    port = await new_port(lab, built, PortSpec(built.lan.id, name=f"ct-rt-{RUN}-edit"))
    pairs = (("10.99.0.7", ""), ("10.99.1.0/24", "fa:16:3e:00:00:01"))
    edited = await lab.owner.update_port(
        port.id, PortChange(name=f"ct-rt-{RUN}-edited", allowed_address_pairs=pairs)
    )
    assert edited.name == f"ct-rt-{RUN}-edited"
    # a pair without MAC gets the port's own
    assert sorted(edited.allowed_address_pairs) == sorted(
        [("10.99.0.7", port.mac_address), ("10.99.1.0/24", "fa:16:3e:00:00:01")]
    )
    # the address pairs go first, then the groups
    pairs_first = "Port Security must be enabled in order to have allowed address pairs on a port."
    await refused(
        lab.owner.update_port(port.id, PortChange(port_security=False)),
        Conflict,
        409,
        pairs_first,
        operation="update-port",
    )
    await refused(
        lab.owner.update_port(port.id, PortChange(port_security=False, security_group_ids=())),
        Conflict,
        409,
        pairs_first,
    )
    await lab.owner.update_port(port.id, PortChange(allowed_address_pairs=()))
    await refused(
        lab.owner.update_port(port.id, PortChange(port_security=False)),
        Conflict,
        409,
        "Port has security group associated. Cannot disable port security or IP address "
        "until security group is removed.",
    )
    off = await lab.owner.update_port(
        port.id, PortChange(port_security=False, security_group_ids=(), allowed_address_pairs=())
    )
    assert (off.port_security, off.security_group_ids, off.allowed_address_pairs) == (False, (), ())
    await refused(
        lab.owner.update_port(port.id, PortChange(security_group_ids=(group,))),
        BackendError,
        400,
        "Port security must be enabled and port must have an IP address in order to use "
        "security groups.",
    )
    on = await lab.owner.update_port(
        port.id, PortChange(port_security=True, security_group_ids=(group,))
    )
    assert on.port_security and on.security_group_ids == (group,)


async def test_a_port_becomes_an_interface_and_goes_with_it(lab: Lab, built: Built) -> None:
    router = await new_router(lab, built, "byport")
    port = await new_port(lab, built, PortSpec(built.lan.id, fixed_ips=((built.routed.id, ""),)))
    assert await lab.owner.add_router_interface(router.id, port_id=port.id) == port.id
    plugged = await lab.owner.port(port.id)
    assert (plugged.device_id, plugged.role) == (router.id, "interface")
    await refused(
        lab.owner.delete_port(port.id),
        Conflict,
        409,
        f"Port {port.id} cannot be deleted directly via the port API: has device owner "
        "network:router_interface.",
    )
    await refused(
        lab.owner.delete_router(router.id),
        Conflict,
        409,
        f"Router {router.id} has ports still attached: {port.id}",
    )
    await lab.owner.remove_router_interface(router.id, port_id=port.id)
    await refused(lab.owner.port(port.id), NotFound, 404, f"Port {port.id} could not be found.")
    await lab.owner.delete_router(router.id)


async def test_a_member_cannot_touch_another_projects_router(lab: Lab, built: Built) -> None:
    theirs = await lab.admin.create_router(RouterSpec(f"ct-rt-{RUN}-theirs"))
    built.routers.append(theirs.id)
    missing = f"Router {theirs.id} could not be found"
    await refused(lab.owner.router(theirs.id), NotFound, 404, missing)
    await refused(lab.owner.delete_router(theirs.id), NotFound, 404, missing)
    await lab.admin.delete_router(theirs.id)
