"""Nova's server groups, one body for the memory backend and devcloud's real Nova: made with
a policy and its rule (2.64), listed (every project's for an admin only), shown with their
members, deleted; servers booted into one with the scheduler hint `group` land by its policy
(devcloud has two computes: a third anti-affinity member finds no valid host); Nova's
refusals in its own words.

The servers are the project user's, booted per test and deleted after it, also on failure.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import AsyncIterator

import pytest
import pytest_asyncio

from tests.contract.conftest import CIRROS, Lab
from tests.contract.support import collect, gone, named, refused, settled
from tui.backend.errors import BackendError, NotFound
from tui.backend.models import BootSpec, Server, ServerGroup

COVERS = frozenset({"server_groups", "server_group", "create_server_group", "delete_server_group"})

pytestmark = pytest.mark.asyncio(loop_scope="module")

RUN = uuid.uuid4().hex[:6]
NO_VALID_HOST = "No valid host was found. There are not enough hosts available."
FIELD = "Invalid input for field/attribute"


@pytest_asyncio.fixture(loop_scope="module")
async def booted(lab: Lab) -> AsyncIterator[list[Server]]:
    """What a test boots goes here; deleted after the test."""
    servers: list[Server] = []
    try:
        yield servers
    finally:
        for server in servers:
            with contextlib.suppress(NotFound):
                await lab.admin.server_action(server.id, "delete")
        for server in servers:
            await lab.until(lambda s=server: gone(lab.admin.server, s.id), bool, "delete")


async def boot_into(lab: Lab, group: ServerGroup, count: int, into: list[Server]) -> list[Server]:
    """`count` servers of the project user booted into `group`, once each has settled."""
    flavor = await named(lab.owner.flavors(), "m1.tiny")
    image = await named(lab.owner.images(), CIRROS)
    for k in range(count):
        spec = BootSpec(
            name=f"sg-{RUN}-{group.policy}-{k}",
            flavor_id=flavor.id,
            image_id=image.id,
            network_ids=lab.network_ids,
            server_group=group.id,
        )
        into += await lab.owner.create_servers(spec)
        # one after the other: each is placed knowing where the others went
        await lab.until(
            lambda s=into[-1]: lab.admin.server(s.id),
            lambda s: s.status in ("ACTIVE", "ERROR") and not s.task_state,
            "the boot settled",
        )
    return [await lab.admin.server(s.id) for s in into[-count:]]


async def test_a_group_made_listed_shown_and_deleted(lab: Lab) -> None:
    made = await lab.owner.create_server_group(
        f"sg-{RUN}-spread", "anti-affinity", max_server_per_host=2
    )
    try:
        assert (made.name, made.policy, made.max_server_per_host) == (
            f"sg-{RUN}-spread",
            "anti-affinity",
            2,
        )
        assert made.rules_text == "max_server_per_host=2"
        assert made.members == ()
        assert (made.project_id, made.user_id) == (
            lab.owner.info.project_id,
            lab.owner.info.user_id,
        )
        assert await lab.owner.server_group(made.id) == made
        assert made in await collect(lab.owner.server_groups())
        # a member asking for every project's gets their own; an admin gets them all
        assert made in await collect(lab.owner.server_groups(all_projects=True))
        assert made.id in {g.id for g in await collect(lab.admin.server_groups(all_projects=True))}
        assert made.id not in {g.id for g in await collect(lab.admin.server_groups())}
        plain = await lab.owner.create_server_group(f"sg-{RUN}-soft", "soft-affinity")
        assert (plain.policy, plain.max_server_per_host, plain.rules_text) == (
            "soft-affinity",
            0,
            "",
        )
        await lab.owner.delete_server_group(plain.id)
    finally:
        await lab.owner.delete_server_group(made.id)
    await refused(
        lab.owner.server_group(made.id),
        NotFound,
        404,
        f"Instance group {made.id} could not be found.",
    )
    assert made.id not in {g.id for g in await collect(lab.owner.server_groups())}


async def test_refusals_in_novas_words(lab: Lab) -> None:
    await refused(
        lab.owner.create_server_group(f"sg-{RUN}", "affinity", max_server_per_host=2),
        BackendError,
        400,
        "Only anti-affinity policy supports rules.",
        operation="create-server-group",
    )
    await refused(
        lab.owner.create_server_group(f"sg-{RUN}", "bogus"),
        BackendError,
        400,
        f"{FIELD} policy. Value: bogus. 'bogus' is not one of "
        "['anti-affinity', 'affinity', 'soft-anti-affinity', 'soft-affinity']",
    )
    await refused(
        lab.owner.create_server_group(f"sg-{RUN}", "anti-affinity", max_server_per_host=0),
        BackendError,
        400,
        f"{FIELD} max_server_per_host. Value: 0. 0 is less than the minimum of 1",
    )
    await refused(
        lab.owner.create_server_group("", "affinity"),
        BackendError,
        400,
        f"{FIELD} name. Value: . '' should be non-empty",
    )
    missing = str(uuid.uuid4())
    for call in (lab.owner.server_group(missing), lab.owner.delete_server_group(missing)):
        await refused(call, NotFound, 404, f"Instance group {missing} could not be found.")
    # another project's group is not there for a member
    admins = await lab.admin.create_server_group(f"sg-{RUN}-admin", "affinity")
    try:
        await refused(
            lab.owner.server_group(admins.id),
            NotFound,
            404,
            f"Instance group {admins.id} could not be found.",
        )
    finally:
        await lab.admin.delete_server_group(admins.id)
    flavor = await named(lab.owner.flavors(), "m1.tiny")
    image = await named(lab.owner.images(), CIRROS)
    spec = BootSpec(
        name=f"sg-{RUN}-lost",
        flavor_id=flavor.id,
        image_id=image.id,
        network_ids=lab.network_ids,
        server_group=missing,
    )
    await refused(
        lab.owner.create_servers(spec),
        BackendError,
        400,
        f"Instance group {missing} could not be found.",
    )


async def test_anti_affinity_members_land_on_two_hosts_and_a_third_finds_none(
    lab: Lab, booted: list[Server]
) -> None:
    group = await lab.owner.create_server_group(f"sg-{RUN}-anti", "anti-affinity")
    try:
        first, second, third = await boot_into(lab, group, 3, booted)
        assert first.status == second.status == "ACTIVE"
        assert first.host and second.host and first.host != second.host
        assert third.status == "ERROR" and not third.host
        assert third.raw["fault"]["message"] == NO_VALID_HOST
        shown = await lab.owner.server_group(group.id)
        assert set(shown.members) == {first.id, second.id, third.id}
        # a deleted member is no longer shown
        await lab.owner.server_action(third.id, "delete")
        await lab.until(lambda: gone(lab.admin.server, third.id), bool, "delete")
        after = await lab.until(
            lambda: lab.owner.server_group(group.id),
            lambda g: third.id not in g.members,
            "the deleted member gone",
        )
        assert set(after.members) == {first.id, second.id}
    finally:
        await lab.owner.delete_server_group(group.id)
    # the members outlive their group
    assert (await settled(lab, first.id, "ACTIVE")).host == first.host


async def test_affinity_members_share_a_host(lab: Lab, booted: list[Server]) -> None:
    group = await lab.owner.create_server_group(f"sg-{RUN}-together", "affinity")
    try:
        first, second = await boot_into(lab, group, 2, booted)
        assert first.status == second.status == "ACTIVE"
        assert first.host and first.host == second.host
    finally:
        await lab.owner.delete_server_group(group.id)
