"""The bulk row action recipe on the memory cloud: skip what the state forbids, call, follow,
one audit line per call tied to the run; after a restart, re-read instead of resending."""

from __future__ import annotations

import asyncio
from pathlib import Path

from tui.backend.audit import AuditLog
from tui.backend.errors import Conflict
from tui.backend.memory import MemoryBackend
from tui.backend.models import Server
from tui.runbook import Found, Item, RecipeRegistry, Runbooks, RunbookStore, State
from tui.runbook.bulk import NAME, BulkAction, bulk_params
from tui.screens.resources.registry import lookup
from tui.screens.resources.servers import SERVERS


async def no_wait(_seconds: float) -> None:
    await asyncio.sleep(0)


def runbooks(backend: MemoryBackend, store: RunbookStore | None = None) -> Runbooks:
    recipes = RecipeRegistry()
    recipes.register(BulkAction(lookup, sleep=no_wait))
    return Runbooks(backend, recipes, store)


async def rows(backend: MemoryBackend) -> list[Server]:
    found: list[Server] = []
    async for page in backend.servers(all_projects=True):
        found += page
    return sorted((s for s in found if not s.task_state), key=lambda s: s.name)


async def test_bulk_stop_skips_shutoff_servers_and_audits_each_call(tmp_path: Path) -> None:
    audit = AuditLog(tmp_path / "audit.jsonl")
    backend = MemoryBackend(servers=12, audit=audit)
    servers = [s for s in await rows(backend) if s.status in ("ACTIVE", "SHUTOFF")][:5]
    assert {s.status for s in servers} == {"ACTIVE", "SHUTOFF"}
    stop = SERVERS.action("stop")
    assert stop is not None
    runbook = await runbooks(backend).plan(NAME, bulk_params(SERVERS, stop, servers), servers)

    for item, server in zip(runbook.items, servers, strict=True):
        if server.status == "SHUTOFF":
            assert item.state is State.SKIPPED
            assert item.message == "not possible in state SHUTOFF"
        else:
            assert item.calls == [f"Stop {server.name}", "wait until it settles"]
    assert backend.writes == []  # the preview sent nothing

    runbook.start()
    summary = await runbook.wait()
    active = [s for s in servers if s.status == "ACTIVE"]
    assert [i.key for i in summary.done] == [s.id for s in active]
    assert {i.message for i in summary.done} == {"SHUTOFF"}
    assert [(await backend.server(s.id)).status for s in active] == ["SHUTOFF"] * len(active)
    lines = audit.of_runbook(runbook.id)
    assert [(r.action, r.result) for r in lines] == [("stop", "ok")] * len(active)
    assert {r.target for r in lines} == {f"server {s.name} ({s.id})" for s in active}


async def test_a_refused_call_fails_its_item_with_the_request_id() -> None:
    backend = MemoryBackend(servers=6)
    servers = [s for s in await rows(backend) if s.status == "ACTIVE"][:2]
    backend.fault("server_action", error=Conflict("Instance is locked", status=409))
    stop = SERVERS.action("stop")
    assert stop is not None
    runbook = await runbooks(backend).plan(NAME, bulk_params(SERVERS, stop, servers), servers)
    runbook.start()
    summary = await runbook.wait()
    assert len(summary.failed) == 2
    assert summary.failed[0].error is not None
    assert summary.failed[0].error.status == 409
    assert "Instance is locked" in summary.failed[0].message


async def test_resume_finds_done_servers_and_leaves_unknown_ones_to_the_operator(
    tmp_path: Path,
) -> None:
    backend = MemoryBackend(servers=12)
    servers = [s for s in await rows(backend) if s.status == "ACTIVE"][:3]
    stop = SERVERS.action("stop")
    assert stop is not None
    recipe = BulkAction(lookup, sleep=no_wait)
    done, lost, fresh = servers
    await backend.server_action(done.id, "stop")  # sent before the restart, and it worked
    items = [
        Item(done.id, done.name, state=State.WAITING, sent=[f"Stop {done.name}"]),
        Item(lost.id, lost.name, state=State.RUNNING, sent=[f"Stop {lost.name}"]),
        Item(fresh.id, fresh.name),
    ]
    params = bulk_params(SERVERS, stop, servers)
    probes = [await recipe.probe(backend, item, params) for item in items]
    assert [p.found for p in probes] == [Found.DONE, Found.UNKNOWN, Found.NOT_STARTED]
    assert "the call may have been sent" in probes[1].message

    store = RunbookStore(tmp_path)
    manager = runbooks(backend, store)
    runbook = await manager.plan(NAME, params, servers)
    runbook.items[:] = items
    runbook.phase = runbook.phase.RUNNING
    store.save(runbook)
    backend.writes.clear()

    again = runbooks(backend, store)
    (raw,) = again.unfinished()
    resumed = await again.reopen(raw)
    resumed.start()
    summary = await resumed.wait()
    assert [i.key for i in summary.done] == [done.id, fresh.id]
    assert [i.message for i in summary.failed] == [probes[1].message]
    assert [target for _, target in backend.writes] == [f"server {fresh.name} ({fresh.id})"]


def test_audit_lines_written_before_runbooks_still_read(tmp_path: Path) -> None:
    log = tmp_path / "audit.jsonl"
    log.write_text(
        '{"action": "stop", "cloud": "c", "project": "p", "request_id": "req-1",'
        ' "result": "ok", "target": "server x", "time": "2026-01-01T00:00:00Z", "user": "u"}\n'
    )
    (record,) = AuditLog(log).records()
    assert (record.action, record.runbook) == ("stop", "")
