"""Server list filters, one body for the memory backend and devcloud's real Nova:
`servers(filters=ServerFilters(...))` lists what Nova lists for `status`, `host`,
`project_id`, `name` (a regex, any case), `ip` (a part of a fixed IP), `flavor`, `image`,
`user_id`, `availability_zone` and `locked` — the memory backend's matcher must agree.

Two servers are booted once per cloud (as the project user): the first is set to ERROR, the
second locked; both are deleted at the end.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import AsyncIterator

import pytest
import pytest_asyncio

from tests.contract.conftest import CIRROS, Lab
from tests.contract.support import collect, named, refused, settled
from tui.backend.errors import BackendError, NotFound
from tui.backend.models import BootSpec, Server
from tui.backend.server_filters import ServerFilters

COVERS = frozenset({"servers"})

pytestmark = pytest.mark.asyncio(loop_scope="module")

RUN = uuid.uuid4().hex[:6]
NAME = f"ct-filters-{RUN}"


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def pair(lab: Lab) -> AsyncIterator[tuple[Server, Server]]:
    """`<name>-1` in ERROR and `<name>-2` ACTIVE and locked, as the admin sees them."""
    flavor = await named(lab.owner.flavors(), "m1.tiny")
    image = await named(lab.owner.images(), CIRROS)
    spec = BootSpec(
        name=NAME, flavor_id=flavor.id, image_id=image.id, count=2, network_ids=lab.network_ids
    )
    made: list[Server] = []
    try:
        made = sorted(await lab.owner.create_servers(spec), key=lambda s: s.name)
        first, second = [await settled(lab, s.id, "ACTIVE") for s in made]
        await lab.admin.server_action(first.id, "reset_state", state="error")
        await lab.owner.server_action(second.id, "lock")
        yield (
            await settled(lab, first.id, "ERROR"),
            await lab.until(lambda: lab.admin.server(second.id), lambda s: s.locked, "locked"),
        )
    finally:
        for server in made:
            with contextlib.suppress(NotFound):
                await lab.admin.server_action(server.id, "delete")


async def ours(lab: Lab, **filters: object) -> set[str]:
    """The names of this module's servers the admin's list shows under `filters`."""
    listed = await collect(lab.admin.servers(all_projects=True, filters=ServerFilters(**filters)))  # type: ignore[arg-type]
    return {s.name for s in listed if s.name.startswith(NAME)}


async def test_status_lists_by_nova_status_in_any_case(
    lab: Lab, pair: tuple[Server, Server]
) -> None:
    assert await ours(lab, status="error") == {f"{NAME}-1"}
    assert await ours(lab, status="ACTIVE") == {f"{NAME}-2"}
    errors = await collect(
        lab.admin.servers(all_projects=True, filters=ServerFilters(status="ERROR"))
    )
    assert {s.status for s in errors} == {"ERROR"}
    await refused(
        collect(lab.admin.servers(filters=ServerFilters(status="SLEEPY"))),
        BackendError,
        400,
        "Invalid status value",
    )


async def test_name_is_a_regex_searched_in_any_case(lab: Lab, pair: tuple[Server, Server]) -> None:
    assert await ours(lab, name=NAME.upper()) == {f"{NAME}-1", f"{NAME}-2"}
    assert await ours(lab, name=f"{RUN}-2$") == {f"{NAME}-2"}
    assert await ours(lab, name=f"^{RUN}") == set()


async def test_host_project_user_image_flavor(lab: Lab, pair: tuple[Server, Server]) -> None:
    first = pair[0]
    both = {f"{NAME}-1", f"{NAME}-2"}
    on_host = {s.name for s in pair if s.host == first.host}
    assert await ours(lab, host=first.host.upper()) == on_host
    assert await ours(lab, project_id=lab.owner.info.project_id) == both
    assert await ours(lab, user_id=lab.owner.info.user_id) == both
    assert await ours(lab, user_id=lab.admin.info.user_id) == set()
    assert await ours(lab, image=first.image) == both
    tiny = await named(lab.admin.flavors(), "m1.tiny")
    small = await named(lab.admin.flavors(), "m1.small")
    assert await ours(lab, flavor=tiny.id) == both
    assert await ours(lab, flavor=small.id) == set()
    assert await ours(lab, flavor="no-such-flavor") == set()


async def test_ip_is_a_part_of_a_fixed_ip(lab: Lab, pair: tuple[Server, Server]) -> None:
    first = pair[0]
    address = first.fixed_ips[0].addr
    contain = {s.name for s in pair if any(address in a.addr for a in s.fixed_ips)}
    assert await ours(lab, ip=address) == contain  # 10.0.0.6 is a part of 10.0.0.67 too
    head = address.rsplit(".", 1)[0] + "."
    assert f"{NAME}-1" in await ours(lab, ip=head)
    assert await ours(lab, ip=address + "$") == set()  # not a regex: a part of the text


async def test_zone_and_locked(lab: Lab, pair: tuple[Server, Server]) -> None:
    zone = pair[0].availability_zone  # devcloud's compute2 is in zone az2
    part = zone.upper()[:3]
    in_zone = {s.name for s in pair if part.lower() in s.availability_zone.lower()}
    assert await ours(lab, availability_zone=part) == in_zone
    assert await ours(lab, availability_zone=f"^{zone}$") == in_zone
    assert await ours(lab, locked=True) == {f"{NAME}-2"}
    assert await ours(lab, locked=False) == {f"{NAME}-1"}


async def test_a_member_filters_within_the_project(lab: Lab, pair: tuple[Server, Server]) -> None:
    listed = await collect(lab.owner.servers(filters=ServerFilters(status="ERROR")))
    assert f"{NAME}-1" in {s.name for s in listed}
    assert {s.project_id for s in listed} == {lab.owner.info.project_id}
