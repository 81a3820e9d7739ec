"""Moving servers, one body for the memory backend and devcloud's real Nova:
live migration, cold migration + confirm, resize + revert, shelve / unshelve, evacuate's
refusal while the host's compute service is up, Nova's state rules, the migrations lists,
a server's instance actions, where a server is, and read-only refusing every move.

Two servers are booted once per cloud (as the project user) and reused; they are deleted at
the end, also on failure. Evacuating for real needs a compute service down: devcloud is
shared, so only the refusal is tested against it here (the memory backend's evacuation is
in tests/unit/test_moving_servers_memory.py).
"""

from __future__ import annotations

import contextlib
import time
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio

from tests.contract.conftest import CIRROS, Lab
from tests.contract.support import collect, gone, named, settled
from tui.backend import states
from tui.backend.audit import AuditLog
from tui.backend.errors import BackendError, Conflict, NotFound, ReadOnlyError
from tui.backend.models import BootSpec, Server
from tui.backend.moving import target_hosts, where_is

COVERS = frozenset(
    {
        "live_migrate",
        "migrate",
        "resize",
        "confirm_resize",
        "revert_resize",
        "evacuate",
        "shelve",
        "unshelve",
        "force_complete_migration",
        "abort_migration",
        "migrations",
        "server_migrations",
        "instance_actions",
        "instance_action",
    }
)

pytestmark = pytest.mark.asyncio(loop_scope="module")

RUN = uuid.uuid4().hex[:6]


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def pair(lab: Lab) -> AsyncIterator[tuple[Server, Server]]:
    """Two ACTIVE servers booted by the project user: `mv-<run>-a`, `mv-<run>-b`."""
    flavor = await named(lab.owner.flavors(), "m1.tiny")
    image = await named(lab.owner.images(), CIRROS)
    booted: list[Server] = []
    started = time.monotonic()
    try:
        for suffix in ("a", "b"):
            spec = BootSpec(
                name=f"mv-{RUN}-{suffix}",
                flavor_id=flavor.id,
                image_id=image.id,
                network_ids=lab.network_ids,
            )
            booted += await lab.owner.create_servers(spec)
        active = [
            await lab.until(
                lambda s=s: lab.admin.server(s.id),
                lambda s: s.status == "ACTIVE" and not s.task_state,
                "boot",
            )
            for s in booted
        ]
        print(f"\n{lab.name}: two servers ACTIVE after {time.monotonic() - started:.1f}s")
        yield active[0], active[1]
    finally:
        for server in booted:
            with contextlib.suppress(NotFound):
                await lab.admin.server_action(server.id, "delete")
        for server in booted:
            await lab.until(lambda s=server: gone(lab.admin.server, s.id), bool, "delete")


async def latest_migration(lab: Lab, server_id: str, kind: str) -> object:
    listed = await collect(lab.admin.migrations(server_id=server_id, migration_type=kind))
    assert listed, f"no {kind} migration of {server_id}"
    return listed[0]


# -- where servers can go ------------------------------------------------------------------


async def test_target_hosts_are_the_other_enabled_up_hypervisors(
    lab: Lab, pair: tuple[Server, Server]
) -> None:
    server = pair[0]
    candidates = await target_hosts(lab.admin, server.id)
    services = {s.host: s for s in await collect(lab.admin.compute_services())}
    assert candidates, "no host to move to"
    for c in candidates:
        assert c.host != server.host
        assert services[c.host].status == "enabled" and services[c.host].state == "up"
        assert c.free_vcpus > 0 and c.free_ram_mb > 0
    assert [c.free_ram_mb for c in candidates] == sorted(
        (c.free_ram_mb for c in candidates), reverse=True
    )


# -- live migration ------------------------------------------------------------------------


async def test_live_migration_moves_the_server_to_the_chosen_host(
    lab: Lab, pair: tuple[Server, Server]
) -> None:
    server = await lab.admin.server(pair[0].id)
    (target, *_) = await target_hosts(lab.admin, server)
    started = time.monotonic()
    await lab.admin.live_migrate(server.id, host=target.host)
    moved = await lab.until(
        lambda: lab.admin.server(server.id),
        lambda s: s.status == "ACTIVE" and not s.task_state and s.host == target.host,
        "live migration",
    )
    print(f"\n{lab.name}: live migration done in {time.monotonic() - started:.1f}s")
    assert moved.hypervisor_hostname == target.hypervisor
    migration = await lab.until(
        lambda: latest_migration(lab, server.id, "live-migration"),
        lambda m: m.status == "completed",
        "migration record completed",
    )
    assert (migration.source_compute, migration.dest_compute) == (server.host, target.host)
    assert migration.server_id == server.id and migration.type == "live-migration"
    # Nova records who asked for the migration (2.80), not the server's owner
    assert (migration.project_id, migration.user_id) == (
        lab.admin.info.project_id,
        lab.admin.info.user_id,
    )
    assert migration.uuid
    assert migration.created
    assert await lab.admin.server_migrations(server.id) == []


async def test_live_migration_to_an_unknown_host_is_refused(
    lab: Lab, pair: tuple[Server, Server]
) -> None:
    with pytest.raises(BackendError) as caught:
        await lab.admin.live_migrate(pair[0].id, host=f"nowhere-{RUN}")
    assert caught.value.status == 400
    assert f"Compute host nowhere-{RUN} could not be found." in caught.value.message


# -- cold migration, resize ------------------------------------------------------------------


async def test_cold_migration_waits_for_confirmation_then_stays(
    lab: Lab, pair: tuple[Server, Server]
) -> None:
    server = await lab.admin.server(pair[0].id)
    await lab.admin.migrate(server.id)
    verify = await settled(lab, server.id, "VERIFY_RESIZE")
    assert verify.host and verify.host != server.host and verify.vm_state == "resized"
    assert verify.flavor == server.flavor
    await lab.admin.confirm_resize(server.id)
    confirmed = await settled(lab, server.id, "ACTIVE")
    assert confirmed.host == verify.host
    migration = await lab.until(
        lambda: latest_migration(lab, server.id, "migration"),
        lambda m: m.status == "confirmed",
        "cold migration confirmed",
    )
    assert (migration.source_compute, migration.dest_compute) == (server.host, verify.host)


async def test_resize_then_revert_goes_back_to_the_old_flavor_and_host(
    lab: Lab, pair: tuple[Server, Server]
) -> None:
    server = await lab.admin.server(pair[1].id)
    small = await named(lab.owner.flavors(), "m1.small")
    await lab.owner.resize(server.id, small.id)
    verify = await settled(lab, server.id, "VERIFY_RESIZE")
    assert verify.flavor == "m1.small"
    await lab.owner.revert_resize(server.id)
    back = await settled(lab, server.id, "ACTIVE")
    assert (back.flavor, back.host) == ("m1.tiny", server.host)
    migration = await lab.until(
        lambda: latest_migration(lab, server.id, "resize"),
        lambda m: m.status == "reverted",
        "resize reverted",
    )
    assert migration.source_compute == server.host


async def test_resize_to_the_same_flavor_is_refused(lab: Lab, pair: tuple[Server, Server]) -> None:
    tiny = await named(lab.owner.flavors(), "m1.tiny")
    with pytest.raises(BackendError) as caught:
        await lab.owner.resize(pair[1].id, tiny.id)
    assert caught.value.status == 400
    assert "When resizing, instances must change flavor!" in caught.value.message


# -- Nova's state rules, evacuate's refusal ----------------------------------------------------


async def test_state_rules_refuse_with_novas_words(lab: Lab, pair: tuple[Server, Server]) -> None:
    server = await settled(lab, pair[1].id, "ACTIVE")
    with pytest.raises(Conflict) as caught:
        await lab.owner.confirm_resize(server.id)
    assert caught.value.status == 409
    assert caught.value.message.endswith(
        f"Cannot 'confirmResize' instance {server.id} while it is in vm_state active"
    )
    with pytest.raises(Conflict) as caught:
        await lab.owner.unshelve(server.id)
    assert caught.value.message.endswith(
        f"Cannot 'unshelve' instance {server.id} while it is in vm_state active"
    )
    assert caught.value.request_id and caught.value.request_id.startswith("req-")


async def test_evacuate_is_refused_while_the_compute_service_is_up(
    lab: Lab, pair: tuple[Server, Server]
) -> None:
    server = await lab.admin.server(pair[0].id)
    with pytest.raises(BackendError) as caught:
        await lab.admin.evacuate(server.id)
    error = caught.value
    # Nova answers 400 (ComputeServiceInUse), not 409
    assert error.status == 400 and error.operation == "evacuate"
    assert error.message.endswith(f"Compute service of {server.host} is still in use.")
    assert error.request_id and error.request_id.startswith("req-")
    after = await lab.admin.server(server.id)
    assert (after.status, after.task_state, after.host) == ("ACTIVE", "", server.host)


async def test_evacuate_to_its_own_host_is_refused(lab: Lab, pair: tuple[Server, Server]) -> None:
    server = await lab.admin.server(pair[0].id)
    with pytest.raises(BackendError) as caught:
        await lab.admin.evacuate(server.id, host=server.host)
    assert caught.value.status == 400
    assert caught.value.message.endswith("The target host can't be the same one.")


# -- shelve ----------------------------------------------------------------------------------


async def test_shelve_offloads_and_unshelve_brings_it_back(
    lab: Lab, pair: tuple[Server, Server]
) -> None:
    server = pair[1]
    await lab.owner.shelve(server.id)
    # Nova saves SHELVED_OFFLOADED first and clears the host in a second save
    shelved = await lab.until(
        lambda: lab.admin.server(server.id),
        lambda s: s.status == "SHELVED_OFFLOADED" and not s.task_state and not s.host,
        "shelved and offloaded",
    )
    assert shelved.vm_state == "shelved_offloaded" and shelved.hypervisor_hostname == ""
    await lab.owner.unshelve(server.id)
    back = await settled(lab, server.id, "ACTIVE")
    assert back.host and back.power_state == "RUNNING"


# -- lists: migrations, history, where-is --------------------------------------------------------


async def test_migrations_filter_and_page_newest_first(
    lab: Lab, pair: tuple[Server, Server]
) -> None:
    server = pair[0]
    mine = await collect(lab.admin.migrations(server_id=server.id))
    assert {m.type for m in mine} >= {"live-migration", "migration"}
    assert [m.created for m in mine] == sorted((m.created for m in mine), reverse=True)
    assert mine[0].type == "migration"  # the cold migration came after the live one
    paged = [page async for page in lab.admin.migrations(server_id=server.id, page_size=1)]
    assert [p[0].id for p in paged] == [m.id for m in mine]
    host = mine[0].dest_compute
    on_host = await collect(lab.admin.migrations(host=host, status="confirmed"))
    assert on_host and all(
        host in (m.source_compute, m.dest_compute) and m.status == "confirmed" for m in on_host
    )


async def test_instance_actions_tell_the_servers_history(
    lab: Lab, pair: tuple[Server, Server]
) -> None:
    server = pair[0]
    actions = await collect(lab.admin.instance_actions(server.id))
    names = [a.action for a in actions]
    assert names[:3] == ["confirmResize", "migrate", "live-migration"], names
    assert names[-1] == "create"
    assert all(a.server_id == server.id and a.request_id.startswith("req-") for a in actions)
    assert [a.start_time for a in actions] == sorted((a.start_time for a in actions), reverse=True)
    live = next(a for a in actions if a.action == "live-migration")
    shown = await lab.admin.instance_action(server.id, live.request_id)
    assert shown.request_id == live.request_id and shown.events
    assert all(e.result == "Success" and e.start_time for e in shown.events), shown.events
    assert [e.event for e in shown.events] == [  # newest first, as Nova lists them
        "compute_post_live_migration_at_destination",
        "compute_pre_live_migration",
        "compute_live_migration",
        "compute_check_can_live_migrate_source",
        "compute_check_can_live_migrate_destination",
        "conductor_live_migrate_instance",
    ]
    migrate = next(a for a in actions if a.action == "migrate")
    events = (await lab.admin.instance_action(server.id, migrate.request_id)).events
    assert {e.event for e in events} == {
        "conductor_migrate_server",
        "cold_migrate",
        "compute_prep_resize",
        "compute_resize_instance",
        "compute_finish_resize",
    }
    assert {e.host for e in shown.events if e.event.startswith("compute_")} >= {
        server.host or "",
    } - {""}
    paged = [page async for page in lab.admin.instance_actions(server.id, page_size=2)]
    assert [a.request_id for p in paged for a in p] == [a.request_id for a in actions]


async def test_the_owner_sees_events_without_hosts_or_tracebacks(
    lab: Lab, pair: tuple[Server, Server]
) -> None:
    server = pair[1]
    actions = await collect(lab.owner.instance_actions(server.id))
    resize = next(a for a in actions if a.action == "resize")
    shown = await lab.owner.instance_action(server.id, resize.request_id)
    assert shown.events
    if lab.owner is not lab.admin:
        assert all(e.host == "" and "traceback" not in e.raw for e in shown.events)
        assert all(e.host_id for e in shown.events if e.event.startswith("compute_"))


async def test_where_is_gathers_host_zone_aggregates_networks_and_ports(
    lab: Lab, pair: tuple[Server, Server]
) -> None:
    server = await lab.admin.server(pair[0].id)
    where = await where_is(lab.admin, server.id)
    assert where.value("Compute host") == server.host
    assert where.value("Hypervisor") == server.hypervisor_hostname
    assert where.value("Availability zone") == server.availability_zone
    assert where.values("Aggregate")
    (port,) = await collect(lab.admin.ports(device_id=server.id))
    assert any(port.id in line and server.host in line for line in where.values("Port"))
    assert any(port.network_id in line for line in where.values("Network"))
    assert where.problems == ()


# -- the audit log ----------------------------------------------------------------------------


async def test_the_audit_log_holds_every_move_with_its_outcome(lab: Lab, audit: AuditLog) -> None:
    clouds = {lab.admin.info.cloud, lab.owner.info.cloud}
    records = [r for r in audit.records() if r.cloud in clouds and r.action != "boot"]
    assert all(r.request_id.startswith("req-") for r in records)
    assert [(r.action, r.result.split(" ")[0 if r.result == "ok" else 1]) for r in records] == [
        ("live-migrate", "ok"),
        ("live-migrate", "400"),
        ("migrate", "ok"),
        ("confirm-resize", "ok"),
        ("resize", "ok"),
        ("revert-resize", "ok"),
        ("resize", "400"),
        ("confirm-resize", "409"),
        ("unshelve", "409"),
        ("evacuate", "400"),
        ("evacuate", "400"),
        ("shelve", "ok"),
        ("unshelve", "ok"),
    ]


# -- read-only -------------------------------------------------------------------------------


async def test_read_only_refuses_every_move_without_sending(
    lab: Lab, pair: tuple[Server, Server], tmp_path: Path
) -> None:
    if lab.real:
        from tui.backend.openstack import OpenStackBackend

        backend = OpenStackBackend("devcloud-admin", read_only=True)
    else:
        from tui.backend.memory import MemoryBackend

        backend = MemoryBackend(read_only=True)
    server_id = pair[0].id
    moves = [
        backend.live_migrate(server_id),
        backend.migrate(server_id, host="compute2"),
        backend.resize(server_id, "2"),
        backend.confirm_resize(server_id),
        backend.revert_resize(server_id),
        backend.evacuate(server_id),
        backend.shelve(server_id),
        backend.unshelve(server_id),
        backend.force_complete_migration(server_id, "1"),
        backend.abort_migration(server_id, "1"),
    ]
    for move in moves:
        with pytest.raises(ReadOnlyError) as caught:
            await move
        assert "was not sent" in caught.value.message
    if lab.real:
        assert backend._conn is None  # not even authenticated: nothing went out
    else:
        assert backend.writes == []
    await backend.close()


# -- after the audit log's check: no migration to act on ------------------------------------------


async def test_nothing_to_force_or_abort_while_no_migration_runs(
    lab: Lab, pair: tuple[Server, Server]
) -> None:
    server = await settled(lab, pair[0].id, "ACTIVE")
    assert await lab.admin.server_migrations(server.id) == []
    for action, call in (
        ("force_complete_migration", lab.admin.force_complete_migration(server.id, "1")),
        ("abort_migration", lab.admin.abort_migration(server.id, "1")),
    ):
        message = states.conflict_message(action, server)
        assert message is not None
        with pytest.raises(Conflict) as caught:
            await call
        assert caught.value.status == 409 and caught.value.message.endswith(message)
