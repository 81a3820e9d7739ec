"""Servers, one body for the memory backend and devcloud's real Nova: who we are, boots Nova
refuses, the server list (filters, paging, every project), a server's fields, each server
action's effect, Nova's state rules (tui/backend/states.py) checked against what Nova refuses,
a host's zone held by its servers, the console log, the health overview's filtered lists,
the audit log, and the policy refusals a project member gets.

Two servers are booted once per cloud (as the project user, in one request) and reused; they
are deleted at the end, also on failure.
"""

from __future__ import annotations

import contextlib
import dataclasses
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import pytest
import pytest_asyncio

from tests.contract.conftest import CIRROS, Lab
from tests.contract.support import (
    audited,
    collect,
    gone,
    named,
    policy,
    refused,
    settled,
)
from tui.backend import states
from tui.backend.audit import AuditLog
from tui.backend.base import SERVER_ACTIONS
from tui.backend.errors import BackendError, Conflict, Forbidden, NotFound
from tui.backend.models import BootSpec, Server

COVERS = frozenset(
    {
        "info",
        "connect",
        "close",
        "servers",
        "server",
        "create_servers",
        "server_action",
        "console_log",
        "vnc_console_url",
        "servers_in_status",
        "servers_in_a_task",
        # with the hosts' module: a host's zone stays while servers run on it
        "add_aggregate_host",
        "set_aggregate_metadata",
    }
)

pytestmark = pytest.mark.asyncio(loop_scope="module")

RUN = uuid.uuid4().hex[:6]
NAME = f"ct-compute-{RUN}"
MISSING = str(uuid.UUID(int=0xC0FFEE))


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def booted(lab: Lab) -> AsyncIterator[list[Server]]:
    """What create_servers answered for two servers `ct-compute-<run>-1` and `-2`."""
    flavor = await named(lab.owner.flavors(), "m1.tiny")
    image = await named(lab.owner.images(), CIRROS)
    spec = BootSpec(
        name=NAME, flavor_id=flavor.id, image_id=image.id, count=2, network_ids=lab.network_ids
    )
    made: list[Server] = []
    try:
        made = await lab.owner.create_servers(spec)
        yield made
    finally:
        for server in made:
            with contextlib.suppress(NotFound):
                await lab.admin.server_action(server.id, "delete")
        for server in made:
            await lab.until(lambda s=server: gone(lab.admin.server, s.id), bool, "delete")


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def pair(lab: Lab, booted: list[Server]) -> tuple[Server, Server]:
    """The two servers ACTIVE, as the admin sees them."""
    first, second = booted
    return await settled(lab, first.id, "ACTIVE"), await settled(lab, second.id, "ACTIVE")


# -- who we are --------------------------------------------------------------------------------


async def test_connect_says_who_and_where(lab: Lab) -> None:
    info = await lab.admin.connect()
    assert info == lab.admin.info
    assert "admin" in info.roles and not info.read_only
    assert info.region == "RegionOne"
    assert info.project and info.project_id and info.user and info.user_id
    assert "compute" in info.services
    assert lab.owner.info.project_id


# -- boot, the list, a server ----------------------------------------------------------------


async def test_create_servers_answers_every_server_building(lab: Lab, booted: list[Server]) -> None:
    assert sorted(s.name for s in booted) == [f"{NAME}-1", f"{NAME}-2"]
    assert all(s.status == "BUILD" for s in booted), [s.status for s in booted]
    assert {s.project_id for s in booted} == {lab.owner.info.project_id}
    assert len({s.id for s in booted}) == 2


@pytest.mark.parametrize(
    ("change", "says"),
    [
        ({"flavor_id": MISSING}, f"Flavor {MISSING} could not be found."),
        ({"image_id": MISSING}, "Can not find requested image"),
        ({"image_id": ""}, "Missing imageRef attribute"),
        ({"network_ids": (MISSING,)}, f"Network {MISSING} could not be found."),
        ({"network_ids": (), "port_ids": (MISSING,)}, f"Port id {MISSING} could not be found."),
        ({"key_name": f"{NAME}-nokey"}, "Invalid key_name provided."),
        (
            {"security_groups": (f"{NAME}-nogroup",)},
            f"Unable to find security_group with name or id '{NAME}-nogroup'",
        ),
        ({"availability_zone": f"{NAME}-nozone"}, "requested availability zone is not available"),
        ({"count": 0}, "field/attribute min_count. Value: 0. 0 is less than the minimum of 1"),
    ],
    ids=["flavor", "image", "no-image", "network", "port", "key", "group", "zone", "count"],
)
async def test_a_boot_nova_cannot_do_is_a_400(lab: Lab, change: dict[str, Any], says: str) -> None:
    flavor = await named(lab.owner.flavors(), "m1.tiny")
    image = await named(lab.owner.images(), CIRROS)
    spec = BootSpec(
        name=f"{NAME}-never", flavor_id=flavor.id, image_id=image.id, network_ids=lab.network_ids
    )
    await refused(
        lab.owner.create_servers(dataclasses.replace(spec, **change)), BackendError, 400, says
    )


async def test_a_listed_server_has_its_fields(lab: Lab, pair: tuple[Server, Server]) -> None:
    listed = {s.id: s for s in await collect(lab.admin.servers(all_projects=True))}
    server = listed[pair[0].id]
    hosts = {h.host for h in await collect(lab.admin.hypervisors())}
    image = await named(lab.owner.images(), CIRROS)
    assert (server.status, server.vm_state, server.power_state) == ("ACTIVE", "active", "RUNNING")
    assert server.host in hosts and server.hypervisor_hostname
    assert server.availability_zone
    assert (server.flavor, server.image) == ("m1.tiny", image.id)
    assert server.project_id == lab.owner.info.project_id
    assert server.user_id == lab.owner.info.user_id
    assert server.fixed_ips and all(a.addr and a.mac for a in server.fixed_ips)
    assert server.created and server.updated and not server.locked
    shown = await lab.admin.server(server.id)
    assert (shown.id, shown.name, shown.status, shown.host, shown.addresses) == (
        server.id,
        server.name,
        server.status,
        server.host,
        server.addresses,
    )


async def test_the_list_filters_by_project_and_host(lab: Lab, pair: tuple[Server, Server]) -> None:
    mine = await collect(lab.owner.servers())
    assert {pair[0].id, pair[1].id} <= {s.id for s in mine}
    assert {s.project_id for s in mine} == {lab.owner.info.project_id}
    project = await collect(lab.admin.servers(project_id=lab.owner.info.project_id))
    assert {pair[0].id, pair[1].id} <= {s.id for s in project}
    assert {s.project_id for s in project} == {lab.owner.info.project_id}
    host = pair[0].host
    on_host = await collect(lab.admin.servers(host=host))
    assert pair[0].id in {s.id for s in on_host}
    assert {s.host for s in on_host} == {host}


async def test_the_list_pages_through_every_project(lab: Lab, pair: tuple[Server, Server]) -> None:
    async def both() -> tuple[list[str], list[list[Server]]]:
        whole = await collect(lab.admin.servers(all_projects=True))
        paged = [p async for p in lab.admin.servers(all_projects=True, page_size=1)]
        return [s.id for s in whole], paged

    # devcloud is shared: another test may boot or delete between the two reads
    whole, pages = await lab.until(
        both, lambda got: got[0] == [s.id for p in got[1] for s in p], "the same servers paged"
    )
    assert len(whole) >= 2 and {len(p) for p in pages} == {1}
    assert {pair[0].id, pair[1].id} <= set(whole)


async def test_a_missing_server_is_a_404(lab: Lab) -> None:
    tail = f"Instance {MISSING} could not be found."
    await refused(lab.admin.server(MISSING), NotFound, 404, tail)
    await refused(lab.owner.console_log(MISSING), NotFound, 404, tail)
    await refused(lab.owner.vnc_console_url(MISSING), NotFound, 404, tail)
    await refused(lab.owner.server_action(MISSING, "pause"), NotFound, 404, tail)
    await refused(lab.owner.server_action(MISSING, "delete"), NotFound, 404, tail)
    # os-start and os-stop look in the cell mappings first, and say so
    unmapped = f"Instance {MISSING} has no mapping to a cell."
    await refused(lab.owner.server_action(MISSING, "stop"), NotFound, 404, unmapped)


# -- actions and Nova's state rules ------------------------------------------------------------

# a table action -> how server_action sends it
SENT_AS = {"hard_reboot": ("reboot", {"hard": True}), "reboot": ("reboot", {"hard": False})}
# The power actions, tried in every state: an action the table refuses must be refused.
POWER = ("start", "stop", "reboot", "hard_reboot", "pause", "unpause", "suspend", "resume")


async def the_table_holds(lab: Lab, server: Server) -> None:
    """Every power action the table refuses in the server's state (and attaching a volume),
    Nova refuses with 409 and the table's words; the state does not change."""
    barred = [a for a in POWER if not states.allows(a)(server)]
    assert barred, server.status
    for action in barred:
        name, args = SENT_AS.get(action, (action, {}))
        message = states.conflict_message(action, server)
        assert message is not None
        await refused(lab.owner.server_action(server.id, name, **args), Conflict, 409, message)
    if not states.allows("attach_volume")(server):  # Nova checks the server before the volume
        message = states.conflict_message("attach_volume", server)
        assert message is not None
        await refused(lab.owner.attach_volume(server.id, MISSING), Conflict, 409, message)
    after = await lab.admin.server(server.id)
    assert (after.status, after.vm_state) == (server.status, server.vm_state)


@pytest.mark.parametrize(
    "steps",
    [
        pytest.param((("stop", "SHUTOFF"), ("start", "ACTIVE")), id="stop"),
        pytest.param((("pause", "PAUSED"), ("unpause", "ACTIVE")), id="pause"),
        pytest.param((("suspend", "SUSPENDED"), ("resume", "ACTIVE")), id="suspend"),
        pytest.param((("reboot", "ACTIVE"), ("hard_reboot", "ACTIVE")), id="reboot"),
    ],
)
async def test_power_actions_and_the_states_they_refuse(
    lab: Lab, pair: tuple[Server, Server], steps: tuple[tuple[str, str], ...]
) -> None:
    server = pair[1]
    await the_table_holds(lab, await settled(lab, server.id, "ACTIVE"))
    for action, status in steps:
        assert states.allows(action)(await lab.admin.server(server.id)), action
        name, args = SENT_AS.get(action, (action, {}))
        await lab.owner.server_action(server.id, name, **args)
        now = await settled(lab, server.id, status)
        assert now.vm_state == states.VM_STATE_OF_STATUS[status]
        # the power state is the virt driver's word (devcloud's fake driver pauses and
        # suspends nothing): only stopping and starting are pinned
        if action in ("stop", "start"):
            assert now.power_state == ("SHUTDOWN" if action == "stop" else "RUNNING")
        await the_table_holds(lab, now)


async def test_lock_and_rename(lab: Lab, pair: tuple[Server, Server]) -> None:
    server = pair[1]
    await lab.owner.server_action(server.id, "lock")
    assert (await lab.owner.server(server.id)).locked
    await lab.owner.server_action(server.id, "unlock")
    assert not (await lab.owner.server(server.id)).locked
    await lab.owner.server_action(server.id, "rename", name=f"{server.name}-renamed")
    assert (await lab.owner.server(server.id)).name == f"{server.name}-renamed"
    await lab.owner.server_action(server.id, "rename", name=server.name)
    assert (await lab.owner.server(server.id)).name == server.name


async def test_reset_state_to_error_and_the_error_list(
    lab: Lab, pair: tuple[Server, Server]
) -> None:
    server = pair[0]
    await lab.admin.server_action(server.id, "reset_state", state="error")
    try:
        broken = await lab.admin.server(server.id)
        assert (broken.status, broken.vm_state, broken.task_state) == ("ERROR", "error", "")
        in_error = await collect(lab.admin.servers_in_status("ERROR", page_size=1))
        assert server.id in {s.id for s in in_error}
        assert {s.status for s in in_error} == {"ERROR"}
        await the_table_holds(lab, broken)
    finally:
        await lab.admin.server_action(server.id, "reset_state", state="active")
    back = await lab.admin.server(server.id)
    assert (back.status, back.vm_state) == ("ACTIVE", "active")
    assert server.id not in {s.id for s in await collect(lab.admin.servers_in_status("ERROR"))}


async def test_servers_in_any_task_not_updated_since(lab: Lab, pair: tuple[Server, Server]) -> None:
    now = datetime.now(UTC)
    busy = await collect(lab.admin.servers_in_a_task(before=now, page_size=1))
    assert all(s.task_state for s in busy), [(s.name, s.task_state) for s in busy]
    assert all(s.updated and s.updated <= now.strftime("%Y-%m-%dT%H:%M:%SZ") for s in busy)
    assert not {s.id for s in pair} & {s.id for s in busy}, "the two servers are at rest"
    long_ago = datetime(2000, 1, 1, tzinfo=UTC)
    assert await collect(lab.admin.servers_in_a_task(before=long_ago)) == []


async def test_create_backup_makes_a_backup_image(lab: Lab, pair: tuple[Server, Server]) -> None:
    server = await settled(lab, pair[0].id, "ACTIVE")
    name = f"{NAME}-backup"
    await lab.owner.server_action(
        server.id, "create_backup", name=name, backup_type="daily", rotation=1
    )
    try:
        backup = await lab.until(
            lambda: collect(lab.owner.images()),
            lambda images: name in {i.name for i in images},
            "the backup image",
        )
        image = next(i for i in backup if i.name == name)
        assert image.owner == server.project_id
        assert image.raw.get("image_type") == "backup"
        assert image.raw.get("instance_uuid") == server.id
        await settled(lab, server.id, "ACTIVE")
    finally:
        for image in await collect(lab.owner.images()):
            if image.name == name:
                await lab.owner.delete_image(image.id)


async def test_an_unknown_action_is_refused_before_sending(
    lab: Lab, pair: tuple[Server, Server]
) -> None:
    assert "teleport" not in SERVER_ACTIONS
    with pytest.raises(Exception, match="Unknown server action 'teleport'"):
        await lab.owner.server_action(pair[0].id, "teleport")


# -- a host's zone, pinned by its servers ----------------------------------------------------------


async def test_a_host_with_servers_keeps_its_zone(lab: Lab, pair: tuple[Server, Server]) -> None:
    server = await lab.admin.server(pair[0].id)
    # a host in no zoned aggregate is in Nova's default zone, which this message calls None
    old = None if server.availability_zone == "nova" else server.availability_zone
    zone = f"{NAME}-zone"
    made = await lab.admin.create_aggregate(f"{NAME}-zoned", zone)
    try:
        with pytest.raises(Conflict) as moving:
            await lab.admin.add_aggregate_host(made, server.host)
        assert moving.value.status == 409
        assert (
            f"the availability zone of the host would change from '{old}' to '{zone}' but the "
            "host already has"
        ) in moving.value.message, moving.value.message
        with pytest.raises(BackendError) as unzoned:
            await lab.admin.set_aggregate_metadata(made, {"availability_zone": None})
        assert unzoned.value.status == 400
        assert unzoned.value.message.endswith(
            f"Cannot update metadata of aggregate {made.id}. Reason: Aggregate {made.name} "
            "does not support empty named availability zone."
        ), unzoned.value.message
    finally:
        await lab.admin.delete_aggregate(made)


# -- the console -------------------------------------------------------------------------------


async def test_console_log_whole_and_its_last_lines(lab: Lab, pair: tuple[Server, Server]) -> None:
    server = await settled(lab, pair[0].id, "ACTIVE")
    log = await lab.owner.console_log(server.id)
    lines = log.splitlines()
    assert len(lines) >= 2
    assert await lab.owner.console_log(server.id, lines=1) == lines[-1]
    assert (await lab.owner.console_log(server.id, lines=2)).splitlines() == lines[-2:]


# -- the session -------------------------------------------------------------------------------


async def test_a_closed_session_opens_again_on_its_next_call(
    lab: Lab, pair: tuple[Server, Server]
) -> None:
    await lab.owner.close()
    assert (await lab.owner.server(pair[0].id)).id == pair[0].id


# -- the audit log -----------------------------------------------------------------------------


async def test_every_write_and_refusal_is_audited(lab: Lab, audit: AuditLog) -> None:
    records = audited(audit, lab)
    assert records[0] == ("boot", "ok")
    done = ("stop", "start", "pause", "unpause", "suspend", "resume", "reboot", "lock")
    done += ("unlock", "rename", "reset-state", "create-backup")
    assert {(action, "ok") for action in done} <= set(records)
    refused = {("stop", "409"), ("start", "409"), ("unpause", "409"), ("resume", "409")}
    refused |= {("pause", "404"), ("stop", "404"), ("delete", "404")}
    assert refused <= set(records)


# -- what a project member may not do -------------------------------------------------------------


async def test_a_member_may_not_list_every_project(lab: Lab) -> None:
    member = lab.owner
    rule = policy("os_compute_api:servers:detail:get_all_tenants")
    await refused(collect(member.servers(all_projects=True)), Forbidden, 403, rule)
    await refused(collect(member.servers_in_status("ERROR")), Forbidden, 403, rule)
    now = datetime.now(UTC)
    await refused(collect(member.servers_in_a_task(before=now)), Forbidden, 403, rule)
