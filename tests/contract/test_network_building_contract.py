"""Building networks and subnets, one body for the memory backend and devcloud's Neutron:
create, edit and delete as a project member and as an admin (a provider network for another
project), and Neutron's refusals word for word: an overlapping CIDR, a gateway inside a
pool, a pool beyond the CIDR, a network or subnet still in use, a member asking for
provider attributes, sharing or an external network.

Everything made here is named `ct-build-<run>-...` and deleted at the end, also on failure.
"""

from __future__ import annotations

import ipaddress
import random
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager

import pytest
import pytest_asyncio

from tests.contract.conftest import Lab
from tests.contract.support import collect, devcloud_sdk, gone, refused, undo
from tui.backend.errors import BackendError, Conflict, Forbidden, NotFound
from tui.backend.models import (
    Network,
    NetworkChange,
    NetworkSpec,
    Port,
    Subnet,
    SubnetChange,
    SubnetPool,
    SubnetSpec,
)

pytestmark = pytest.mark.asyncio(loop_scope="module")

COVERS = frozenset(
    {
        "subnet",
        "subnet_pools",
        "create_network",
        "update_network",
        "delete_network",
        "create_subnet",
        "update_subnet",
        "delete_subnet",
    }
)

RUN = uuid.uuid4().hex[:6]
# a /24 of its own per run, away from devcloud's and the demo cloud's networks
OCTET = 100 + int(RUN[:2], 16) % 100
CIDR = f"10.{OCTET}.{int(RUN[2:4], 16)}.0/24"
PREFIX = CIDR.rsplit(".", 1)[0]


def name(suffix: str) -> str:
    return f"ct-build-{RUN}-{suffix}"


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def made(lab: Lab) -> AsyncIterator[list[Network]]:
    """The networks a test made (deleted at the end, with what is on them)."""
    networks: list[Network] = []
    try:
        yield networks
    finally:
        await undo(lab.admin.delete_network(n.id) for n in networks)


async def new_network(lab: Lab, made: list[Network], suffix: str, **spec: object) -> Network:
    network = await lab.owner.create_network(NetworkSpec(name=name(suffix), **spec))  # type: ignore[arg-type]
    made.append(network)
    return network


@contextmanager
def port_on(lab: Lab, network: Network, subnet: Subnet) -> Iterator[Port]:
    """An unbound port with an address on `subnet`: made through openstacksdk on devcloud
    (its create is another part of the protocol), put in the memory cloud's store directly."""
    if lab.real:
        sdk = devcloud_sdk("devcloud-demo")
        port = sdk.network.create_port(network_id=network.id, name=name("port"))
        try:
            yield Port.from_api(port.to_dict(computed=False))
        finally:
            sdk.network.delete_port(port, ignore_missing=True)
            sdk.close()
        return
    from tui.backend.memory import data

    cloud = lab.admin._cloud  # type: ignore[attr-defined]
    spec = data.PortSpec(
        id=data.fixed_id("build-contract-port", int(RUN, 16)),
        network_id=network.id,
        subnet_id=subnet.id,
        ip=f"{PREFIX}.77",
        mac=data.new_mac(7700),
        project_id=lab.owner.info.project_id,
        status="DOWN",
    )
    port = cloud.ports.add(Port.from_api(data.port_json(spec)))
    try:
        yield port
    finally:
        if cloud.ports.get(port.id) is not None:
            cloud.ports.remove(port.id)


# -- a member's network and subnet, from create to delete -----------------------------------


async def test_a_member_builds_edits_and_deletes_a_network_and_its_subnet(
    lab: Lab, made: list[Network]
) -> None:
    owner = lab.owner
    network = await new_network(lab, made, "net", description="contract", mtu=1400)
    assert (network.name, network.description, network.mtu) == (name("net"), "contract", 1400)
    assert network.project_id == owner.info.project_id
    assert network.admin_state_up and network.port_security and not network.shared
    assert not network.external and network.subnet_ids == ()
    assert network.network_type == ""  # a member sees no provider attributes

    subnet = await owner.create_subnet(
        SubnetSpec(
            network_id=network.id,
            name=name("subnet"),
            cidr=CIDR,
            gateway_ip=f"{PREFIX}.1",
            allocation_pools=((f"{PREFIX}.10", f"{PREFIX}.99"),),
            dns_nameservers=("192.0.2.53",),
            host_routes=((f"10.{OCTET}.250.0/24", f"{PREFIX}.254"),),
            enable_dhcp=False,
        )
    )
    assert (subnet.cidr, subnet.gateway_ip, subnet.ip_version) == (CIDR, f"{PREFIX}.1", 4)
    assert subnet.pool_pairs == ((f"{PREFIX}.10", f"{PREFIX}.99"),)
    assert subnet.allocation_pools == (f"{PREFIX}.10-{PREFIX}.99",)
    assert subnet.dns_nameservers == ("192.0.2.53",)
    assert subnet.host_routes == ((f"10.{OCTET}.250.0/24", f"{PREFIX}.254"),)
    assert not subnet.enable_dhcp and subnet.network_id == network.id
    assert await owner.subnet(subnet.id) == subnet
    assert (await owner.network(network.id)).subnet_ids == (subnet.id,)

    renamed = await owner.update_network(
        network.id, NetworkChange(name=name("renamed"), mtu=1300, port_security=False)
    )
    assert (renamed.name, renamed.mtu, renamed.port_security) == (name("renamed"), 1300, False)
    assert renamed.description == "contract"  # what was not asked stays

    edited = await owner.update_subnet(
        subnet.id,
        SubnetChange(
            allocation_pools=((f"{PREFIX}.100", f"{PREFIX}.199"),),
            dns_nameservers=("192.0.2.54", "192.0.2.55"),
            host_routes=(),
            gateway_ip=f"{PREFIX}.254",
        ),
    )
    assert edited.pool_pairs == ((f"{PREFIX}.100", f"{PREFIX}.199"),)
    assert edited.dns_nameservers == ("192.0.2.54", "192.0.2.55")
    assert edited.host_routes == () and edited.gateway_ip == f"{PREFIX}.254"
    assert edited.name == name("subnet")

    cleared = await owner.update_subnet(subnet.id, SubnetChange(no_gateway=True))
    assert cleared.gateway_ip == ""

    await owner.delete_subnet(subnet.id)
    assert await gone(owner.subnet, subnet.id)
    assert (await owner.network(network.id)).subnet_ids == ()
    await owner.delete_network(network.id)
    assert await gone(owner.network, network.id)


async def test_a_subnet_without_pools_gets_neutrons_around_the_gateway(
    lab: Lab, made: list[Network]
) -> None:
    network = await new_network(lab, made, "default-pools")
    subnet = await lab.owner.create_subnet(
        SubnetSpec(network_id=network.id, cidr=CIDR, gateway_ip=f"{PREFIX}.100")
    )
    # (Neutron answers the two in either order)
    assert set(subnet.pool_pairs) == {
        (f"{PREFIX}.1", f"{PREFIX}.99"),
        (f"{PREFIX}.101", f"{PREFIX}.254"),
    }
    v6 = await lab.owner.create_subnet(
        SubnetSpec(
            network_id=network.id,
            ip_version=6,
            cidr=f"fd{RUN[:2]}:{RUN[2:6]}::/64",
            ipv6_ra_mode="slaac",
            ipv6_address_mode="slaac",
            no_gateway=True,
        )
    )
    assert (v6.ip_version, v6.gateway_ip, v6.ipv6_ra_mode) == (6, "", "slaac")
    assert v6.ipv6_address_mode == "slaac"
    await lab.owner.delete_network(network.id)
    assert await gone(lab.owner.subnet, subnet.id)


# -- an admin's provider network ------------------------------------------------------------


async def test_an_admin_builds_a_shared_provider_network_for_a_project(
    lab: Lab, made: list[Network]
) -> None:
    segment = random.randint(100_000, 16_000_000)
    network = await lab.admin.create_network(
        NetworkSpec(
            name=name("provider"),
            project_id=lab.owner.info.project_id,
            shared=True,
            network_type="vxlan",
            segmentation_id=segment,
            admin_state_up=False,
        )
    )
    made.append(network)
    assert (network.network_type, network.segmentation_id) == ("vxlan", str(segment))
    assert network.project_id == lab.owner.info.project_id
    assert network.shared and not network.admin_state_up
    seen = await lab.owner.network(network.id)
    assert seen.shared and seen.network_type == ""
    external = await lab.admin.update_network(network.id, NetworkChange(external=True))
    assert external.external
    await lab.admin.delete_network(network.id)
    assert await gone(lab.admin.network, network.id)


async def test_neutron_refuses_a_provider_network_type_it_lacks(lab: Lab) -> None:
    await refused(
        lab.admin.create_network(NetworkSpec(name=name("gre"), network_type="gre")),
        BackendError,
        400,
        "Invalid input for operation: network_type value 'gre' not supported.",
    )
    await refused(
        lab.admin.create_network(
            NetworkSpec(name=name("flat"), network_type="flat", physical_network="nowhere")
        ),
        BackendError,
        400,
        "Invalid input for operation: physical_network 'nowhere' unknown for flat provider "
        "network.",
    )


# -- refusals -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("spec", "rules"),
    [
        ({"network_type": "vxlan"}, "provider:network_type"),
        ({"external": True}, "router:external"),
        ({"shared": True}, "shared"),
    ],
    ids=["provider", "external", "shared"],
)
async def test_a_member_may_not_ask_for_what_is_an_admins(
    lab: Lab, spec: dict[str, object], rules: str
) -> None:
    await refused(
        lab.owner.create_network(NetworkSpec(name=name("refused"), **spec)),  # type: ignore[arg-type]
        Forbidden,
        403,
        f"(rule:create_network and rule:create_network:{rules}) is disallowed by policy",
        operation="create-network",
    )


async def test_neutron_refuses_overlaps_pools_beyond_the_cidr_and_a_gateway_in_a_pool(
    lab: Lab, made: list[Network]
) -> None:
    owner = lab.owner
    network = await new_network(lab, made, "refusals")
    subnet = await owner.create_subnet(SubnetSpec(network_id=network.id, cidr=CIDR))
    narrower = f"{PREFIX}.0/25"
    await refused(
        owner.create_subnet(SubnetSpec(network_id=network.id, cidr=narrower)),
        BackendError,
        400,
        f"Invalid input for operation: Requested subnet with cidr: {narrower} for network: "
        f"{network.id} overlaps with another subnet.",
        operation="create-subnet",
    )
    other = f"10.{OCTET}.{(int(RUN[2:4], 16) + 1) % 256}"
    await refused(
        owner.create_subnet(
            SubnetSpec(
                network_id=network.id,
                cidr=f"{other}.0/24",
                allocation_pools=((f"{PREFIX}.2", f"{PREFIX}.9"),),
            )
        ),
        BackendError,
        400,
        f"The allocation pool {PREFIX}.2-{PREFIX}.9 spans beyond the subnet cidr {other}.0/24.",
    )
    await refused(
        owner.create_subnet(
            SubnetSpec(
                network_id=network.id,
                cidr=f"{other}.0/24",
                gateway_ip=f"{other}.5",
                allocation_pools=((f"{other}.2", f"{other}.50"),),
            )
        ),
        Conflict,
        409,
        f"Gateway ip {other}.5 conflicts with allocation pool {other}.2-{other}.50.",
    )
    await refused(
        owner.create_subnet(
            SubnetSpec(
                network_id=network.id,
                cidr=f"{other}.0/24",
                allocation_pools=((f"{other}.2", f"{other}.50"), (f"{other}.40", f"{other}.60")),
            )
        ),
        Conflict,
        409,
        f"Found overlapping allocation pools: {other}.2-{other}.50 {other}.40-{other}.60 for "
        f"subnet {other}.0/24.",
    )
    await refused(
        owner.update_subnet(subnet.id, SubnetChange(gateway_ip=f"{PREFIX}.9")),
        Conflict,
        409,
        f"Gateway ip {PREFIX}.9 conflicts with allocation pool {PREFIX}.2-{PREFIX}.254.",
        operation="update-subnet",
    )
    assert (await owner.subnet(subnet.id)).gateway_ip == f"{PREFIX}.1"  # nothing changed


async def test_a_network_or_subnet_in_use_is_not_deleted(lab: Lab, made: list[Network]) -> None:
    owner = lab.owner
    network = await new_network(lab, made, "in-use")
    subnet = await owner.create_subnet(SubnetSpec(network_id=network.id, cidr=CIDR))
    with port_on(lab, network, subnet) as port:
        await refused(
            owner.delete_network(network.id),
            Conflict,
            409,
            f"Unable to complete operation on network {network.id}. There are one or more "
            f"ports still in use on the network, id for these ports is: {port.id}.",
            operation="delete-network",
        )
        await refused(
            owner.delete_subnet(subnet.id),
            Conflict,
            409,
            f"Unable to complete operation on subnet {subnet.id}: One or more ports have an "
            "IP allocation from this subnet.",
            operation="delete-subnet",
        )
        assert (await owner.network(network.id)).subnet_ids == (subnet.id,)
    await owner.delete_network(network.id)  # the port gone, the subnet goes with it
    assert await gone(owner.subnet, subnet.id)


async def test_what_is_not_there_is_said_so(lab: Lab) -> None:
    missing = str(uuid.UUID(int=int(RUN, 16)))
    await refused(lab.owner.subnet(missing), NotFound, 404, f"Subnet {missing} could not be found.")
    await refused(
        lab.owner.delete_network(missing), NotFound, 404, f"Network {missing} could not be found."
    )
    await refused(
        lab.owner.create_subnet(SubnetSpec(network_id=missing, cidr=CIDR)),
        NotFound,
        404,
        f"Network {missing} could not be found.",
    )


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def pool(lab: Lab) -> AsyncIterator[SubnetPool]:
    """The member's subnet pool: made through openstacksdk on devcloud (the protocol has no
    call for it), put in the memory cloud's pools directly."""
    prefix = f"172.31.{int(RUN[2:4], 16)}.0/24"
    raw = {
        "name": name("pool"),
        "prefixes": [prefix],
        "default_prefixlen": 26,
        "min_prefixlen": 24,
        "max_prefixlen": 29,
    }
    if not lab.real:
        made = SubnetPool.from_api(
            {
                **raw,
                "id": str(uuid.UUID(int=int(RUN, 16) + 1)),
                "project_id": lab.owner.info.project_id,
                "ip_version": 4,
                "shared": False,
                "is_default": False,
            }
        )
        lab.admin._cloud.kept("subnet_pools", list).append(made)  # type: ignore[attr-defined]
        yield made
        return
    sdk = devcloud_sdk("devcloud-demo")
    created = sdk.network.create_subnet_pool(**raw)
    try:
        yield SubnetPool.from_api(created.to_dict(computed=False))
    finally:
        sdk.network.delete_subnet_pool(created, ignore_missing=True)
        sdk.close()


async def test_a_subnet_is_taken_from_a_subnet_pool(
    lab: Lab, made: list[Network], pool: SubnetPool
) -> None:
    listed = {p.id: p for p in await collect(lab.owner.subnet_pools())}
    assert listed[pool.id].prefixes == pool.prefixes
    assert (listed[pool.id].default_prefixlen, listed[pool.id].ip_version) == (26, 4)
    for found in listed.values():
        assert found.prefixes and found.ip_version in (4, 6)
        assert found.min_prefixlen <= found.default_prefixlen <= found.max_prefixlen
    network = await new_network(lab, made, "pooled")
    first = await lab.owner.create_subnet(
        SubnetSpec(network_id=network.id, subnetpool_id=pool.id, prefixlen=28)
    )
    second = await lab.owner.create_subnet(SubnetSpec(network_id=network.id, subnetpool_id=pool.id))
    block = ipaddress.ip_network(pool.prefixes[0])
    taken = [ipaddress.ip_network(s.cidr) for s in (first, second)]
    assert [t.prefixlen for t in taken] == [28, 26]
    assert all(t.subnet_of(block) for t in taken) and not taken[0].overlaps(taken[1])
    assert first.subnetpool_id == pool.id == second.subnetpool_id
    await lab.owner.delete_network(network.id)
