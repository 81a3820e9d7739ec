"""Moving servers in the memory backend where devcloud cannot show it (a live migration's
progress poll by poll, force-complete, abort, evacuating from a down host), Nova's state
table, and the real backend refusing calls the cloud's Nova is too old for."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import TypeVar

import pytest

from tui.backend import states
from tui.backend.audit import AuditLog
from tui.backend.errors import BackendError, Conflict, Forbidden
from tui.backend.memory import MemoryBackend
from tui.backend.models import Server
from tui.backend.moving import target_hosts, where_is
from tui.backend.openstack import OpenStackBackend

T = TypeVar("T")


async def collect(pages: AsyncIterator[list[T]]) -> list[T]:
    return [item async for page in pages for item in page]


async def active_on(backend: MemoryBackend, host: str) -> Server:
    servers = await collect(backend.servers(all_projects=True, host=host))
    return next(s for s in servers if s.status == "ACTIVE" and not s.task_state)


def server(status: str, vm_state: str, task_state: str | None = None, host: str = "c1") -> Server:
    return Server.from_api(
        {
            "id": "s1",
            "status": status,
            "OS-EXT-STS:vm_state": vm_state,
            "OS-EXT-STS:task_state": task_state,
            "OS-EXT-SRV-ATTR:host": host or None,
        }
    )


# -- the state table -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("action", "allowed", "refused"),
    [
        ("live_migrate", ["active", "paused"], ["stopped", "suspended", "error", "resized"]),
        ("migrate", ["active", "stopped"], ["paused", "suspended", "error", "shelved"]),
        ("resize", ["active", "stopped"], ["paused", "resized"]),
        ("confirm_resize", ["resized"], ["active", "stopped"]),
        ("revert_resize", ["resized"], ["active"]),
        ("evacuate", ["active", "stopped", "error"], ["paused", "shelved_offloaded"]),
        ("shelve", ["active", "stopped", "paused", "suspended"], ["error", "shelved"]),
        ("unshelve", ["shelved", "shelved_offloaded"], ["active", "stopped"]),
        ("stop", ["active", "error"], ["paused", "suspended", "stopped"]),
        ("suspend", ["active"], ["stopped", "paused"]),
    ],
)
def test_state_table_follows_novas_check_instance_state(
    action: str, allowed: list[str], refused: list[str]
) -> None:
    status_of = {v: k for k, v in states.VM_STATE_OF_STATUS.items()}
    for vm_state in allowed:
        assert states.allows(action)(server(status_of[vm_state], vm_state)), vm_state
    for vm_state in refused:
        assert not states.allows(action)(server(status_of[vm_state], vm_state)), vm_state


def test_a_running_task_blocks_moves_except_evacuate_and_abort() -> None:
    migrating = server("MIGRATING", "active", "migrating")
    assert not states.allows("live_migrate")(migrating)
    assert not states.allows("migrate")(migrating)
    assert states.allows("evacuate")(migrating)  # Nova: task_state=None, any task
    assert states.allows("abort_migration")(migrating)
    assert states.allows("force_complete_migration")(migrating)
    assert not states.allows("abort_migration")(server("ACTIVE", "active"))
    assert states.conflict_message("live_migrate", migrating) == (
        "Cannot 'os-migrateLive' instance s1 while it is in task_state migrating"
    )


def test_state_table_falls_back_to_the_status_without_extended_fields() -> None:
    plain = Server.from_api({"id": "s1", "status": "VERIFY_RESIZE"})
    assert states.allows("confirm_resize")(plain) and not states.allows("migrate")(plain)
    with pytest.raises(KeyError):
        states.allows("teleport")


# -- live migration, step by step --------------------------------------------------------------


async def test_live_migration_progress_advances_on_each_poll() -> None:
    backend = MemoryBackend()
    moving = await active_on(backend, "compute1")
    await backend.live_migrate(moving.id, host="compute2")
    during = await backend.server(moving.id)  # first poll: a third of the memory copied
    assert (during.status, during.task_state, during.host) == ("MIGRATING", "migrating", "compute1")
    (migration,) = await backend.server_migrations(moving.id)  # second poll: two thirds
    assert migration.status == "running" and migration.memory_percent == 66
    assert migration.memory_remaining_bytes == (
        migration.memory_total_bytes - migration.memory_processed_bytes
    )
    done = await backend.server(moving.id)
    assert (done.status, done.task_state, done.host) == ("ACTIVE", "", "compute2")
    assert await backend.server_migrations(moving.id) == []
    (listed,) = await collect(backend.migrations(server_id=moving.id))
    assert (listed.status, listed.memory_total_bytes) == ("completed", 0)  # list: no progress


async def test_force_complete_finishes_a_running_live_migration_at_once() -> None:
    backend = MemoryBackend()
    moving = await active_on(backend, "compute1")
    await backend.live_migrate(moving.id)
    (migration,) = await backend.server_migrations(moving.id)
    await backend.force_complete_migration(moving.id, migration.id)
    done = await backend.server(moving.id)
    assert done.status == "ACTIVE" and done.host != "compute1"
    names = [a.action for a in await collect(backend.instance_actions(moving.id))]
    assert names[:2] == ["live_migration_force_complete", "live-migration"]


async def test_abort_leaves_the_server_where_it_was() -> None:
    backend = MemoryBackend()
    moving = await active_on(backend, "compute1")
    await backend.live_migrate(moving.id, host="compute2")
    (migration,) = await backend.server_migrations(moving.id)
    await backend.abort_migration(moving.id, migration.id)
    after = await backend.server(moving.id)
    assert (after.status, after.task_state, after.host) == ("ACTIVE", "", "compute1")
    (listed,) = await collect(backend.migrations(server_id=moving.id))
    assert listed.status == "cancelled"
    with pytest.raises(Conflict, match="is in an invalid state for 'abort live migration'"):
        await backend.abort_migration(moving.id, migration.id)


async def test_live_migration_the_scheduler_cannot_place_ends_in_an_error_record() -> None:
    backend = MemoryBackend()
    moving = await active_on(backend, "compute1")
    await backend.live_migrate(moving.id, host="compute3")  # disabled: the scheduler says no
    after = await backend.server(moving.id)
    assert (after.status, after.host) == ("ACTIVE", "compute1")
    (listed,) = await collect(backend.migrations(server_id=moving.id))
    assert listed.status == "error"
    (action, *_) = await collect(backend.instance_actions(moving.id))
    assert action.action == "live-migration" and action.message == "Error"


async def test_target_hosts_skip_disabled_down_and_own_hosts() -> None:
    backend = MemoryBackend()
    moving = await active_on(backend, "compute1")
    assert [c.host for c in await target_hosts(backend, moving.id)] == ["compute2"]


# -- evacuate ----------------------------------------------------------------------------------


async def test_evacuate_rebuilds_elsewhere_once_the_host_is_down(tmp_path: Path) -> None:
    audit = AuditLog(tmp_path / "audit.jsonl")
    backend = MemoryBackend(audit=audit)
    stranded = await active_on(backend, "compute1")
    with pytest.raises(BackendError, match="Compute service of compute1 is still in use"):
        await backend.evacuate(stranded.id)
    (service,) = await collect(backend.compute_services(host="compute1"))
    await backend.set_compute_service(service, forced_down=True)
    await backend.evacuate(stranded.id)
    rebuilding = await backend.server(stranded.id)  # the one step: rebuilt on compute2
    assert (rebuilding.status, rebuilding.host) == ("ACTIVE", "compute2")
    (migration,) = await collect(backend.migrations(migration_type="evacuation"))
    assert (migration.status, migration.source_compute, migration.dest_compute) == (
        "done",
        "compute1",
        "compute2",
    )
    results = [(r.action, r.result.split(":")[0]) for r in audit.records()]
    assert results == [("evacuate", "error"), ("force-down-service", "ok"), ("evacuate", "ok")]


async def test_moving_needs_admin_like_novas_policy() -> None:
    backend = MemoryBackend(is_admin=False)
    mine = next(iter(await collect(backend.servers())))
    for call in (
        backend.live_migrate(mine.id),
        backend.migrate(mine.id),
        backend.evacuate(mine.id),
    ):
        with pytest.raises(Forbidden):
            await call
    with pytest.raises(Forbidden):
        await collect(backend.migrations())


# -- the real backend and an old Nova -----------------------------------------------------------


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            lambda b: b.live_migrate("s1"),
            "live migration with block_migration=auto needs Nova microversion 2.25; "
            "this cloud offers 2.20.",
        ),
        (
            lambda b: b.migrate("s1", host="compute2"),
            "cold migration to a chosen host needs Nova microversion 2.56; this cloud offers 2.20.",
        ),
        (
            lambda b: b.abort_migration("s1", "7"),
            "abort of a live migration needs Nova microversion 2.24; this cloud offers 2.20.",
        ),
        (
            lambda b: b.server_migrations("s1"),
            "server migrations in progress needs Nova microversion 2.23; this cloud offers 2.20.",
        ),
        (
            lambda b: b.unshelve("s1", host="compute2"),
            "unshelve to a chosen host needs Nova microversion 2.91; this cloud offers 2.20.",
        ),
    ],
)
async def test_a_nova_too_old_for_a_call_is_told_plainly(
    call: object, message: str, tmp_path: Path
) -> None:
    audit = AuditLog(tmp_path / "audit.jsonl")
    backend = OpenStackBackend("nowhere", audit=audit)
    backend._max_versions["compute"] = (2, 20)  # as discovered: no request is made
    with pytest.raises(BackendError) as caught:
        await call(backend)  # type: ignore[operator]
    assert caught.value.message == message
    assert backend._conn is None


# -- where is this instance ----------------------------------------------------------------------


async def test_where_is_gathers_every_fact_about_a_server() -> None:
    backend = MemoryBackend()
    servers = await collect(backend.servers(all_projects=True))
    seen = next(s for s in servers if s.floating_ips and s.host)
    where = await where_is(backend, seen.id)
    assert where.value("Compute host") == seen.host
    assert where.value("Availability zone") == "nova"
    (network_line,) = where.values("Network")
    assert network_line.endswith("DHCP on netnode1")
    (port,) = await collect(backend.ports(device_id=seen.id))
    (port_line,) = where.values("Port")
    assert port.id in port_line and seen.fixed_ips[0].addr in port_line
    assert where.values("Floating IP") == [
        f"{seen.floating_ips[0].addr} -> {seen.fixed_ips[0].addr}"
    ]
    assert where.problems == ()


async def test_where_is_says_which_lookup_failed_and_shows_the_rest() -> None:
    backend = MemoryBackend()
    seen = await active_on(backend, "compute1")
    backend.fault("aggregates", error=Forbidden("no", status=403))
    where = await where_is(backend, seen.id)
    assert where.problems == ("aggregates: needs admin rights",)
    assert where.value("Compute host") == "compute1" and where.values("Aggregate") == []
