"""Servers refreshed by changes, one body for the memory backend and devcloud's real Nova:
`servers(changes_since=...)` (Nova's changes-since) lists only what changed since a moment
of the cloud's clock (`cloud_time`), deleted servers included with status DELETED, for a
project member and for an admin listing every project, page by page.

Two servers are booted once per cloud (as the project user) and deleted at the end.
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import AsyncIterator
from datetime import datetime, timedelta

import pytest
import pytest_asyncio

from tests.contract.conftest import CIRROS, Lab
from tests.contract.support import collect, gone, named, settled
from tests.contract.test_server_interfaces_contract import own_network
from tui.backend.errors import NotFound
from tui.backend.models import BootSpec, Server
from tui.backend.timestamps import parse_utc

COVERS = frozenset({"servers", "cloud_time"})

pytestmark = pytest.mark.asyncio(loop_scope="module")

RUN = uuid.uuid4().hex[:6]
NAME = f"ct-changes-{RUN}"


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def pair(lab: Lab) -> AsyncIterator[list[Server]]:
    """Two ACTIVE servers `ct-changes-<run>-1` and `-2` of the project member."""
    flavor = await named(lab.owner.flavors(), "m1.tiny")
    image = await named(lab.owner.images(), CIRROS)
    spec = BootSpec(
        name=NAME, flavor_id=flavor.id, image_id=image.id, count=2, network_ids=lab.network_ids
    )
    made: list[Server] = []
    try:
        made = await lab.owner.create_servers(spec)
        yield [await settled(lab, s.id, "ACTIVE") for s in made]
    finally:
        for server in made:
            with contextlib.suppress(NotFound):
                await lab.admin.server_action(server.id, "delete")


async def quiet_mark(lab: Lab) -> datetime:
    """The cloud's time once our servers' last change is in an earlier second (Nova keeps
    `updated_at` to the second and compares it with `>=`)."""
    await asyncio.sleep(lab.pause * 4)
    await collect(lab.owner.servers())  # a reply tells the cloud's time
    mark = lab.owner.cloud_time()
    assert mark is not None, "no cloud time after a reply"
    await asyncio.sleep(lab.pause * 3)
    return mark


async def test_the_cloud_time_follows_the_cloud_clock(lab: Lab, pair: list[Server]) -> None:
    await collect(lab.owner.servers())
    now = lab.owner.cloud_time()
    assert now is not None
    for server in pair:
        updated = parse_utc(server.updated)
        assert updated is not None and updated <= now + timedelta(seconds=1)
        assert now - updated < timedelta(hours=1), (now, server.updated)


async def test_changes_list_what_changed_and_what_was_deleted(lab: Lab, pair: list[Server]) -> None:
    ours = {s.id for s in pair}
    mark = await quiet_mark(lab)
    unchanged = await collect(lab.owner.servers(changes_since=mark))
    assert ours.isdisjoint(s.id for s in unchanged)
    if not lab.real:  # devcloud is shared: other tests' servers change meanwhile
        assert unchanged == []

    renamed, stopped = pair
    await lab.owner.server_action(renamed.id, "rename", name=f"{NAME}-renamed")
    await lab.owner.server_action(stopped.id, "stop")
    await settled(lab, stopped.id, "SHUTOFF")
    changed = {s.id: s for s in await collect(lab.owner.servers(changes_since=mark))}
    assert changed[renamed.id].name == f"{NAME}-renamed"
    assert changed[stopped.id].status == "SHUTOFF"

    await lab.owner.server_action(renamed.id, "delete")
    await lab.until(lambda: gone(lab.admin.server, renamed.id), bool, "server deleted")
    plain = await collect(lab.owner.servers())
    assert renamed.id not in {s.id for s in plain}
    for who, pages in (
        ("member", lab.owner.servers(changes_since=mark, page_size=1)),
        ("admin", lab.admin.servers(all_projects=True, changes_since=mark)),
    ):
        found = {s.id: s for s in await collect(pages)}
        assert found[renamed.id].status == "DELETED", who
        assert found[stopped.id].status == "SHUTOFF", who


async def test_an_address_change_alone_is_not_a_change(lab: Lab, pair: list[Server]) -> None:
    """Nova keeps addresses in its network info cache, not in the instance record: an
    interface attached (or a floating IP associated) does not come with changes-since, and
    the list shows it at its next full listing (docs/refresh.md)."""
    server = pair[-1]
    mark = await quiet_mark(lab)
    port_id = await lab.owner.attach_interface(server.id, network_id=await own_network(lab))
    (ip,) = (await lab.owner.port(port_id)).fixed_ips
    await lab.until(
        lambda: lab.owner.server(server.id),
        lambda s: ip.ip_address in s.address_text,
        "the new address on the server",
    )
    for who, pages in (
        ("member", lab.owner.servers(changes_since=mark)),
        ("admin", lab.admin.servers(all_projects=True, changes_since=mark)),
    ):
        assert server.id not in {s.id for s in await collect(pages)}, who
