"""Security groups and their rules, one body for the memory backend and devcloud's real
Neutron and Nova: a group from creation to deletion, rules added and deleted, every refusal
Neutron gives for a rule (word for word), the `default` group's protections, another
project's groups, and a server put in a group and taken out through Nova (a group in use
cannot be deleted).

The project member (devcloud's `demo`) owns what is made here: groups named
`ct-sg-<run>-...` and one server, deleted at the end, also on failure.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field, replace

import pytest
import pytest_asyncio

from tests.contract.conftest import CIRROS, Lab
from tests.contract.support import collect, gone, named, refused, settled, undo
from tui.backend.errors import BackendError, Conflict, Forbidden, NotFound, ReadOnlyError
from tui.backend.models import BootSpec, SecurityGroup, SecurityGroupRule, Server
from tui.backend.models.network_specs import SecurityGroupRuleSpec

pytestmark = pytest.mark.asyncio(loop_scope="module")

COVERS = frozenset(
    {
        "create_security_group",
        "update_security_group",
        "delete_security_group",
        "create_security_group_rule",
        "delete_security_group_rule",
        "add_server_security_group",
        "remove_server_security_group",
    }
)

RUN = uuid.uuid4().hex[:6]
NAME = f"ct-sg-{RUN}"
NOBODY = "00000000-0000-4000-8000-000000000000"


@dataclass
class Groups:
    """The member's groups made here (deleted at the end) and its `default` group."""

    lab: Lab
    default: SecurityGroup
    made: list[str] = field(default_factory=list)
    kept: dict[str, SecurityGroup] = field(default_factory=dict)

    async def new(self, suffix: str, description: str = "") -> SecurityGroup:
        group = await self.lab.owner.create_security_group(
            f"{NAME}-{suffix}", description=description
        )
        self.made.append(group.id)
        return group

    async def shared(self, suffix: str) -> SecurityGroup:
        """A group several tests use and leave as they found it, made on first use."""
        if suffix not in self.kept:
            self.kept[suffix] = await self.new(suffix)
        return self.kept[suffix]


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def groups(lab: Lab) -> AsyncIterator[Groups]:
    mine = lab.owner.info.project_id
    default = next(
        g for g in await collect(lab.owner.security_groups(project_id=mine)) if g.name == "default"
    )
    made = Groups(lab, default)
    try:
        yield made
    finally:
        await undo(lab.admin.delete_security_group(g) for g in reversed(made.made))


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def server(lab: Lab) -> AsyncIterator[Server]:
    """One ACTIVE server of the member's."""
    flavor = await named(lab.owner.flavors(), "m1.tiny")
    image = await named(lab.owner.images(), CIRROS)
    spec = BootSpec(
        name=f"{NAME}-vm", flavor_id=flavor.id, image_id=image.id, network_ids=lab.network_ids
    )
    made: list[Server] = []
    try:
        made = await lab.owner.create_servers(spec)
        yield await settled(lab, made[0].id, "ACTIVE")
    finally:
        for vm in made:
            with contextlib.suppress(NotFound):
                await lab.admin.server_action(vm.id, "delete")
        for vm in made:
            await lab.until(lambda s=vm: gone(lab.admin.server, s.id), bool, "delete")


def rule(group: SecurityGroup, **fields: object) -> SecurityGroupRuleSpec:
    return replace(SecurityGroupRuleSpec(group.id), **fields)  # type: ignore[arg-type]


def shape(r: SecurityGroupRule) -> tuple[object, ...]:
    return (
        r.direction,
        r.ethertype,
        r.protocol,
        r.port_range_min,
        r.port_range_max,
        r.remote_ip_prefix,
        r.remote_group_id,
    )


# -- groups -----------------------------------------------------------------------------------


async def test_a_group_from_creation_to_deletion(lab: Lab, groups: Groups) -> None:
    group = await groups.new("life", "made by the contract")
    assert (group.name, group.description) == (f"{NAME}-life", "made by the contract")
    assert group.project_id == lab.owner.info.project_id and group.stateful
    # a new group lets everything out and nothing in
    assert sorted(shape(r) for r in group.rules) == [
        ("egress", "IPv4", "", None, None, "", ""),
        ("egress", "IPv6", "", None, None, "", ""),
    ]
    listed = await collect(lab.owner.security_groups(project_id=group.project_id))
    assert group.id in {g.id for g in listed}

    renamed = await lab.owner.update_security_group(group.id, name=f"{NAME}-renamed")
    assert (renamed.name, renamed.description) == (f"{NAME}-renamed", "made by the contract")
    described = await lab.owner.update_security_group(group.id, description="")
    assert (described.name, described.description) == (f"{NAME}-renamed", "")
    assert (await lab.owner.security_group(group.id)).name == f"{NAME}-renamed"
    assert (await lab.admin.security_group(group.id)).name == f"{NAME}-renamed"

    await lab.owner.delete_security_group(group.id)
    missing = f"Security group {group.id} does not exist"
    await refused(lab.owner.security_group(group.id), NotFound, 404, missing)
    for call in (
        lab.owner.delete_security_group(group.id),
        lab.owner.update_security_group(group.id, name="x"),
    ):
        await refused(call, NotFound, 404, missing)


async def test_an_admin_makes_a_group_for_a_project(lab: Lab, groups: Groups) -> None:
    mine = lab.owner.info.project_id
    group = await lab.admin.create_security_group(f"{NAME}-for", project_id=mine)
    groups.made.append(group.id)
    assert group.project_id == mine
    assert (await lab.owner.security_group(group.id)).name == f"{NAME}-for"
    await refused(
        lab.owner.create_security_group(f"{NAME}-other", project_id=lab.admin.info.project_id),
        BackendError,
        400,
        "Specifying 'project_id' other than the authenticated project in request is not "
        "allowed for the current user.",
    )


async def test_the_default_group_keeps_its_name_and_stays(lab: Lab, groups: Groups) -> None:
    default = groups.default
    taken = "Default security group already exists."
    await refused(lab.owner.create_security_group("default"), Conflict, 409, taken)
    own = await groups.new("not-default")
    await refused(lab.owner.update_security_group(own.id, name="default"), Conflict, 409, taken)
    await refused(
        lab.owner.update_security_group(default.id, name=f"{NAME}-x"),
        Conflict,
        409,
        "Updating default security group not allowed.",
    )
    # Neutron looks for ports using a group before it looks at its name: the default group
    # of a project with servers is "in use" first
    with pytest.raises(Conflict) as kept:
        await lab.owner.delete_security_group(default.id)
    assert kept.value.status == 409 and kept.value.request_id
    assert kept.value.message.endswith(
        ("Insufficient rights for removing default security group.", f"{default.id} in use.")
    ), kept.value.message
    assert (await lab.owner.security_group(default.id)).name == "default"


async def test_another_projects_group_is_out_of_reach(lab: Lab, groups: Groups) -> None:
    theirs = next(
        g
        for g in await collect(lab.admin.security_groups(project_id=lab.admin.info.project_id))
        if g.name == "default"
    )
    missing = f"Security group {theirs.id} does not exist"
    await refused(lab.owner.security_group(theirs.id), NotFound, 404, missing)
    await refused(lab.owner.update_security_group(theirs.id, name="x"), NotFound, 404, missing)
    await refused(lab.owner.delete_security_group(theirs.id), NotFound, 404, missing)
    await refused(
        lab.owner.create_security_group_rule(rule(theirs, protocol="tcp")),
        Forbidden,
        403,
        "rule:create_security_group_rule is disallowed by policy",
    )
    await refused(
        lab.owner.delete_security_group_rule(theirs.rules[0].id),
        NotFound,
        404,
        "The resource could not be found.",
    )


# -- rules ------------------------------------------------------------------------------------


async def test_rules_added_and_deleted(lab: Lab, groups: Groups) -> None:
    group = await groups.new("rules")
    owner = lab.owner
    icmp = await owner.create_security_group_rule(
        rule(group, protocol="icmp", remote_ip_prefix="0.0.0.0/0")
    )
    ssh = await owner.create_security_group_rule(
        rule(group, protocol="tcp", port_range_min=22, port_range_max=22, description="ssh")
    )
    web = await owner.create_security_group_rule(
        rule(group, protocol="6", port_range_min=80, port_range_max=443)
    )
    ping = await owner.create_security_group_rule(
        rule(group, protocol="icmp", port_range_min=8, port_range_max=0, ethertype="IPv6")
    )
    peers = await owner.create_security_group_rule(
        rule(group, protocol="udp", direction="egress", remote_group_id=group.id)
    )
    gre = await owner.create_security_group_rule(rule(group, protocol="47"))
    assert shape(icmp) == ("ingress", "IPv4", "icmp", None, None, "0.0.0.0/0", "")
    assert shape(ssh) == ("ingress", "IPv4", "tcp", 22, 22, "", "") and ssh.description == "ssh"
    assert shape(web) == ("ingress", "IPv4", "6", 80, 443, "", "")
    # ICMP over IPv6 is stored as Neutron's name for it
    assert shape(ping) == ("ingress", "IPv6", "ipv6-icmp", 8, 0, "", "")
    assert shape(peers) == ("egress", "IPv4", "udp", None, None, "", group.id)
    assert shape(gre) == ("ingress", "IPv4", "47", None, None, "", "")
    made = [icmp, ssh, web, ping, peers, gre]
    assert all(r.security_group_id == group.id for r in made)

    shown = await owner.security_group(group.id)
    assert {r.id for r in made} <= {r.id for r in shown.rules} and len(shown.rules) == 8
    await owner.delete_security_group_rule(ssh.id)
    assert ssh.id not in {r.id for r in (await owner.security_group(group.id)).rules}
    await refused(
        owner.delete_security_group_rule(ssh.id),
        NotFound,
        404,
        f"Security group rule {ssh.id} does not exist",
        operation="delete-security-group-rule",
    )


async def test_a_rule_twice_is_a_conflict(lab: Lab, groups: Groups) -> None:
    group = await groups.new("twice")
    first = await lab.owner.create_security_group_rule(
        rule(group, protocol="tcp", port_range_min=22, port_range_max=22)
    )
    egress = next(r for r in group.rules if r.ethertype == "IPv4")
    for again, existing in (
        (rule(group, protocol="tcp", port_range_min=22, port_range_max=22), first),
        # the same by number, whatever its description
        (rule(group, protocol="6", port_range_min=22, port_range_max=22, description="x"), first),
        # anywhere is no remote at all
        (rule(group, direction="egress", remote_ip_prefix="0.0.0.0/0"), egress),
    ):
        await refused(
            lab.owner.create_security_group_rule(again),
            Conflict,
            409,
            f"Security group rule already exists. Rule id is {existing.id}.",
            operation="create-security-group-rule",
        )


PROTOCOLS = (
    "None, 'any', 'ah', 'dccp', 'egp', 'esp', 'gre', 'hopopt', 'icmp', 'igmp', 'ip', 'ipip', "
    "'ipv6-encap', 'ipv6-frag', 'ipv6-icmp', 'icmpv6', 'ipv6-nonxt', 'ipv6-opts', "
    "'ipv6-route', 'ospf', 'pgm', 'rsvp', 'sctp', 'tcp', 'udp', 'udplite', 'vrrp'"
)
BAD_RULES = [
    pytest.param(
        {"protocol": "gre", "port_range_min": 22, "port_range_max": 22},
        "Ports cannot be specified for protocol 47. Ports are only supported for DCCP, SCTP, "
        "TCP, UDP, UDPLITE.",
        id="ports-on-gre",
    ),
    pytest.param(
        {"protocol": "tcp", "port_range_min": 443, "port_range_max": 80},
        "For TCP/UDP protocols, port_range_min must be <= port_range_max",
        id="min-after-max",
    ),
    pytest.param(
        {"protocol": "tcp", "port_range_min": 22},
        "For TCP/UDP protocols, port_range_min must be <= port_range_max",
        id="min-without-max",
    ),
    pytest.param(
        {"protocol": "tcp", "port_range_min": 22, "port_range_max": 70000},
        "Invalid value for port 70000",
        id="port-70000",
    ),
    pytest.param(
        {"protocol": "udp", "port_range_min": 0, "port_range_max": 53},
        "Invalid value for port 0",
        id="port-0",
    ),
    pytest.param(
        {"protocol": "icmp", "port_range_min": 256, "port_range_max": 0},
        "Invalid value for ICMP type (port_range_min) 256. It must be 0 to 255.",
        id="icmp-type-256",
    ),
    pytest.param(
        {"protocol": "icmp", "port_range_min": 8, "port_range_max": 256},
        "Invalid value for ICMP code (port_range_max) 256. It must be 0 to 255.",
        id="icmp-code-256",
    ),
    pytest.param(
        {"protocol": "icmp", "port_range_max": 0},
        "ICMP code (port-range-max) 0 is provided but ICMP type (port-range-min) is missing.",
        id="icmp-code-without-type",
    ),
    pytest.param(
        {"protocol": "icmp", "remote_ip_prefix": "::/0"},
        "Conflicting value ethertype IPv4 for CIDR ::/0",
        id="ipv6-cidr-on-ipv4",
    ),
    pytest.param(
        {"protocol": "icmpv6"}, "Invalid ethertype IPv4 for protocol icmpv6.", id="icmpv6-on-ipv4"
    ),
    pytest.param(
        {"port_range_min": 22, "port_range_max": 22},
        "Must also specify protocol if port range is given.",
        id="ports-without-protocol",
    ),
    pytest.param(
        {"protocol": "ftp"},
        f"Security group rule protocol ftp not supported. Only protocol values ({PROTOCOLS}) "
        "and integer representations [0 to 255] are supported.",
        id="unknown-protocol",
    ),
    pytest.param(
        {"protocol": "256"},
        f"Security group rule protocol 256 not supported. Only protocol values ({PROTOCOLS}) "
        "and integer representations [0 to 255] are supported.",
        id="protocol-256",
    ),
    pytest.param(
        {"ethertype": "IPv5"},
        "Security group rule for ethertype 'IPv5' not supported. Allowed values are "
        "['IPv4', 'IPv6'].",
        id="ethertype",
    ),
    pytest.param(
        {"direction": "sideways"},
        "Invalid input for direction. Reason: sideways is not in valid_values.",
        id="direction",
    ),
]


@pytest.mark.parametrize(("fields", "says"), BAD_RULES)
async def test_a_rule_neutron_cannot_take_is_a_400(
    lab: Lab, groups: Groups, fields: dict[str, object], says: str
) -> None:
    group = await groups.shared("refusing")
    await refused(
        lab.owner.create_security_group_rule(rule(group, **fields)), BackendError, 400, says
    )
    assert len((await lab.owner.security_group(group.id)).rules) == len(group.rules)


async def test_a_rule_names_one_remote_that_exists(lab: Lab, groups: Groups) -> None:
    group = await groups.new("remote")
    await refused(
        lab.owner.create_security_group_rule(
            rule(group, remote_ip_prefix="10.0.0.0/8", remote_group_id=group.id)
        ),
        BackendError,
        400,
        "Only one of remote_ip_prefix or remote_group_id or remote_address_group_id may be "
        "provided.",
    )
    await refused(
        lab.owner.create_security_group_rule(rule(group, remote_group_id=NOBODY)),
        NotFound,
        404,
        f"Security group {NOBODY} does not exist",
    )
    await refused(
        lab.owner.create_security_group_rule(replace(rule(group), security_group_id=NOBODY)),
        NotFound,
        404,
        f"Security group {NOBODY} does not exist",
    )


# -- a server's groups (Nova) -------------------------------------------------------------------


def group_names(vm: Server) -> set[str]:
    return {str(g.get("name")) for g in vm.raw.get("security_groups") or ()}


async def test_a_server_joins_a_group_and_leaves_it(
    lab: Lab, groups: Groups, server: Server
) -> None:
    group = await groups.new("servers")
    owner = lab.owner
    await owner.add_server_security_group(server.id, group.name)
    ports = await collect(owner.ports(device_id=server.id))
    assert ports and all(group.id in p.security_group_ids for p in ports)
    assert all(groups.default.id in p.security_group_ids for p in ports)
    assert group_names(await owner.server(server.id)) == {"default", group.name}
    await refused(
        owner.delete_security_group(group.id),
        Conflict,
        409,
        f"Security Group {group.id} in use.",
        operation="delete-security-group",
    )
    await refused(
        owner.add_server_security_group(server.id, group.name),
        BackendError,
        400,
        f"Invalid input for security_groups. Reason: Duplicate items in the list: '{group.id}'.",
        anywhere=True,
    )

    await owner.remove_server_security_group(server.id, group.name)
    ports = await collect(owner.ports(device_id=server.id))
    assert not any(group.id in p.security_group_ids for p in ports)
    assert group_names(await owner.server(server.id)) == {"default"}
    await refused(
        owner.remove_server_security_group(server.id, group.name),
        NotFound,
        404,
        f"Security group {group.name} not associated with the instance {server.id}",
        operation="remove-security-group",
    )
    await owner.delete_security_group(group.id)


async def test_nova_knows_only_the_callers_groups(lab: Lab, server: Server) -> None:
    project = lab.owner.info.project_id
    for call in (lab.owner.add_server_security_group, lab.owner.remove_server_security_group):
        await refused(
            call(server.id, f"{NAME}-nowhere"),
            NotFound,
            404,
            f"Security group {NAME}-nowhere is not found for project {project}",
        )


async def test_read_only_sends_no_security_group_write(lab: Lab, groups: Groups) -> None:
    if lab.real:
        from tui.backend.openstack import OpenStackBackend

        backend: object = OpenStackBackend("devcloud-demo", read_only=True)
    else:
        from tui.backend.memory import MemoryBackend

        backend = MemoryBackend(read_only=True)
    assert hasattr(backend, "create_security_group")
    calls = (
        backend.create_security_group(f"{NAME}-ro"),  # type: ignore[attr-defined]
        backend.delete_security_group(groups.default.id),  # type: ignore[attr-defined]
        backend.create_security_group_rule(rule(groups.default)),  # type: ignore[attr-defined]
        backend.add_server_security_group(NOBODY, "default"),  # type: ignore[attr-defined]
    )
    for call in calls:
        with pytest.raises(ReadOnlyError, match="read-only"):
            await call
    names = {g.name for g in await collect(lab.owner.security_groups())}
    assert f"{NAME}-ro" not in names


async def test_an_admin_puts_a_members_server_in_its_group_by_id(
    lab: Lab, groups: Groups, server: Server
) -> None:
    group = await groups.new("by-admin")
    await lab.admin.add_server_security_group(server.id, group.id)
    ports = await collect(lab.owner.ports(device_id=server.id))
    assert all(group.id in p.security_group_ids for p in ports)
    await lab.admin.remove_server_security_group(server.id, group.id)
    ports = await collect(lab.owner.ports(device_id=server.id))
    assert not any(group.id in p.security_group_ids for p in ports)


async def test_deleting_a_group_deletes_the_rules_naming_it(lab: Lab, groups: Groups) -> None:
    peers = await groups.new("peers")
    gone_next = await groups.new("gone-next")
    naming = await lab.owner.create_security_group_rule(
        rule(peers, protocol="tcp", remote_group_id=gone_next.id)
    )
    await lab.owner.delete_security_group(gone_next.id)
    assert naming.id not in {r.id for r in (await lab.owner.security_group(peers.id)).rules}


async def test_a_member_cannot_touch_another_projects_server(lab: Lab, groups: Groups) -> None:
    theirs = next(
        s
        for s in await collect(lab.admin.servers(all_projects=True))
        if s.project_id != lab.owner.info.project_id
    )
    await refused(
        lab.owner.add_server_security_group(theirs.id, "default"),
        NotFound,
        404,
        f"Instance {theirs.id} could not be found.",
    )
