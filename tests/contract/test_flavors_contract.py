"""Flavors, one body for the memory backend and devcloud's real Nova: the list and its pages,
a private flavor's life (create, extra specs, project access, a server booted from it,
delete), and Nova's refusals in its own words.

The private flavor `ct-compute-<run>-flavor` is made once per cloud and deleted at the end,
with the server booted from it, also on failure.
"""

from __future__ import annotations

import contextlib
import re
import uuid
from collections.abc import AsyncIterator

import pytest
import pytest_asyncio

from tests.contract.conftest import CIRROS, Lab
from tests.contract.support import audited, collect, gone, named, policy, refused
from tui.backend.audit import AuditLog
from tui.backend.errors import Conflict, Forbidden, NotFound
from tui.backend.models import BootSpec, Flavor, FlavorSpec

COVERS = frozenset(
    {
        "flavors",
        "flavor",
        "create_flavor",
        "delete_flavor",
        "flavor_extra_specs",
        "set_flavor_extra_specs",
        "unset_flavor_extra_spec",
        "flavor_access",
        "add_flavor_access",
        "remove_flavor_access",
        "servers_with_flavor",
    }
)

pytestmark = pytest.mark.asyncio(loop_scope="module")

RUN = uuid.uuid4().hex[:6]
NAME = f"ct-compute-{RUN}-flavor"
MISSING = f"ct-compute-{RUN}-missing"


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def private(lab: Lab) -> AsyncIterator[Flavor]:
    spec = FlavorSpec(
        name=NAME, vcpus=1, ram_mb=192, disk_gb=1, is_public=False, description="contract"
    )
    made = await lab.admin.create_flavor(spec)
    try:
        yield made
    finally:
        with contextlib.suppress(NotFound):
            await lab.admin.delete_flavor(made.id)


async def test_the_list_pages_and_an_admin_sees_private_flavors(lab: Lab, private: Flavor) -> None:
    async def both() -> tuple[list[Flavor], list[list[Flavor]]]:
        return await collect(lab.admin.flavors()), [p async for p in lab.admin.flavors(page_size=1)]

    # devcloud is shared: another test may make or delete a flavor between the two reads
    whole, pages = await lab.until(
        both, lambda got: got[0] == [f for p in got[1] for f in p], "the same flavors paged"
    )
    assert {"m1.tiny", "m1.small", NAME} <= {f.name for f in whole}
    assert {len(p) for p in pages} == {1}
    tiny = next(f for f in whole if f.name == "m1.tiny")
    assert (tiny.vcpus, tiny.ram_mb, tiny.disk_gb, tiny.is_public) == (1, 512, 1, True)
    assert await lab.admin.flavor(tiny.id) == tiny


async def test_a_member_sees_only_the_flavors_it_may_use(lab: Lab) -> None:
    member = lab.owner
    listed = await collect(member.flavors())
    assert listed and all(f.is_public for f in listed)
    hidden = [f for f in await collect(lab.admin.flavors()) if not f.is_public and f.name != NAME]
    for flavor in hidden:
        await refused(
            member.flavor(flavor.id), NotFound, 404, f"Flavor {flavor.id} could not be found."
        )


async def test_a_created_flavor_has_what_was_asked(lab: Lab, private: Flavor) -> None:
    assert private.id and private.name == NAME
    assert (private.vcpus, private.ram_mb, private.disk_gb) == (1, 192, 1)
    assert (private.ephemeral_gb, private.swap_mb, private.is_public) == (0, 0, False)
    assert private.raw.get("description") == "contract"
    assert await lab.admin.flavor(private.id) == private


async def test_a_second_flavor_of_the_same_name_is_refused(lab: Lab, private: Flavor) -> None:
    again = FlavorSpec(name=NAME, vcpus=1, ram_mb=64)
    await refused(
        lab.admin.create_flavor(again), Conflict, 409, f"Flavor with name {NAME} already exists."
    )


async def test_extra_specs_set_merge_and_unset(lab: Lab, private: Flavor) -> None:
    assert await lab.admin.flavor_extra_specs(private.id) == []
    await lab.admin.set_flavor_extra_specs(private.id, {"hw:cpu_policy": "dedicated"})
    await lab.admin.set_flavor_extra_specs(private.id, {"ct:color": "blue", "ct:size": "s"})
    specs = await lab.admin.flavor_extra_specs(private.id)
    assert {s.key: s.value for s in specs} == {
        "hw:cpu_policy": "dedicated",
        "ct:color": "blue",
        "ct:size": "s",
    }
    assert {s.flavor_id for s in specs} == {private.id}
    await lab.admin.unset_flavor_extra_spec(private.id, "ct:size")
    left = {s.key for s in await lab.admin.flavor_extra_specs(private.id)}
    assert left == {"hw:cpu_policy", "ct:color"}
    await refused(
        lab.admin.unset_flavor_extra_spec(private.id, "ct:size"),
        NotFound,
        404,
        f"Flavor {private.id} has no extra specs with key ct:size.",
    )


async def test_project_access_to_a_private_flavor(lab: Lab, private: Flavor) -> None:
    project = lab.owner.info.project_id
    assert await lab.admin.flavor_access(private.id) == []
    await lab.admin.add_flavor_access(private.id, project)
    (access,) = await lab.admin.flavor_access(private.id)
    assert (access.flavor_id, access.project_id) == (private.id, project)
    with pytest.raises(Conflict) as again:
        await lab.admin.add_flavor_access(private.id, project)
    # Nova names the flavor by its database id in these two, not by the API's id
    assert again.value.status == 409 and re.search(
        f"Flavor access already exists for flavor \\S+ and project {project} combination.$",
        again.value.message,
    ), again.value.message
    await lab.admin.remove_flavor_access(private.id, project)
    assert await lab.admin.flavor_access(private.id) == []
    with pytest.raises(NotFound) as gone:
        await lab.admin.remove_flavor_access(private.id, project)
    assert gone.value.status == 404 and re.search(
        f"Flavor access not found for \\S+ / {project} combination.$", gone.value.message
    ), gone.value.message


async def test_a_public_flavor_has_no_access_list(lab: Lab) -> None:
    tiny = await named(lab.admin.flavors(), "m1.tiny")
    await refused(
        lab.admin.flavor_access(tiny.id),
        NotFound,
        404,
        "Access list not available for public flavors.",
    )
    await refused(
        lab.admin.add_flavor_access(tiny.id, lab.owner.info.project_id),
        Conflict,
        409,
        "Can not add access to a public flavor.",
    )


async def test_servers_with_the_flavor_then_delete_it(lab: Lab, private: Flavor) -> None:
    project = lab.owner.info.project_id
    image = await named(lab.owner.images(), CIRROS)
    await lab.admin.add_flavor_access(private.id, project)
    spec = BootSpec(
        name=f"ct-compute-{RUN}-flavored",
        flavor_id=private.id,
        image_id=image.id,
        network_ids=lab.network_ids,
    )
    (server,) = await lab.owner.create_servers(spec)
    try:
        await lab.until(lambda: lab.admin.server(server.id), lambda s: s.status == "ACTIVE", "boot")
        using = await collect(
            lab.admin.servers_with_flavor(private.id, all_projects=True, page_size=1)
        )
        assert [s.id for s in using] == [server.id]
        assert using[0].flavor == NAME
        tiny = await named(lab.admin.flavors(), "m1.tiny")
        on_tiny = await collect(lab.admin.servers_with_flavor(tiny.id, all_projects=True))
        assert server.id not in {s.id for s in on_tiny}
        assert {s.flavor for s in on_tiny} <= {"m1.tiny"}
        # Nova deletes a flavor in use: its servers keep their copy of it
        await lab.admin.delete_flavor(private.id)
        await refused(
            lab.admin.flavor(private.id), NotFound, 404, f"Flavor {private.id} could not be found."
        )
        assert (await lab.admin.server(server.id)).flavor == NAME
        assert private.id not in {f.id for f in await collect(lab.admin.flavors())}
    finally:
        with contextlib.suppress(NotFound):
            await lab.admin.server_action(server.id, "delete")
        await lab.until(lambda: gone(lab.admin.server, server.id), bool, "delete")


async def test_every_flavor_write_is_audited_with_its_outcome(lab: Lab, audit: AuditLog) -> None:
    assert audited(audit, lab) == [
        ("create-flavor", "ok"),
        ("create-flavor", "409"),
        ("set-flavor-extra-specs", "ok"),
        ("set-flavor-extra-specs", "ok"),
        ("unset-flavor-extra-spec", "ok"),
        ("unset-flavor-extra-spec", "404"),
        ("grant-flavor-access", "ok"),
        ("grant-flavor-access", "409"),
        ("revoke-flavor-access", "ok"),
        ("revoke-flavor-access", "404"),
        ("grant-flavor-access", "409"),
        ("grant-flavor-access", "ok"),
        ("boot", "ok"),
        ("delete-flavor", "ok"),
        ("delete", "ok"),
    ]


async def test_missing_flavors_and_a_member_managing_flavors(lab: Lab) -> None:
    tail = f"Flavor {MISSING} could not be found."
    await refused(lab.admin.flavor(MISSING), NotFound, 404, tail)
    await refused(lab.admin.delete_flavor(MISSING), NotFound, 404, tail)
    await refused(lab.admin.flavor_extra_specs(MISSING), NotFound, 404, tail)
    member = lab.owner
    spec = FlavorSpec(name=f"{NAME}-member", vcpus=1, ram_mb=64)
    await refused(
        member.create_flavor(spec), Forbidden, 403, policy("os_compute_api:os-flavor-manage:create")
    )
