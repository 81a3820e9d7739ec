"""The drain and evacuate recipes on the memory cloud, without a screen: what the plan says
for each server, and a drain resumed after stackdeck was killed mid-way."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import TypeVar

import pytest

from tui.backend.memory import MemoryBackend, moves
from tui.runbook import RecipeRegistry, Runbooks, RunbookStore, State
from tui.runbook.hosts import (
    Drain,
    Evacuate,
    compute_service,
    drain_params,
    evacuate_params,
    servers_on,
)

T = TypeVar("T")
POLL = 0.01


async def collect(pages: AsyncIterator[list[T]]) -> list[T]:
    return [item async for page in pages for item in page]


def registry(drain: Drain | None = None) -> RecipeRegistry:
    recipes = RecipeRegistry()
    recipes.register(drain or Drain(poll=POLL))
    recipes.register(Evacuate(poll=POLL))
    return recipes


async def test_drain_plan_says_what_happens_to_each_server() -> None:
    backend = MemoryBackend(servers=40)
    await backend.connect()
    service = await compute_service(backend, "compute4")
    assert service is not None
    runbooks = Runbooks(backend, registry(), None)
    runbook = await runbooks.plan(
        "drain", drain_params("compute4", service.id, "r", cold=False, target="compute2")
    )
    by_label = {i.label: i for i in runbook.items}
    assert by_label["api-04"].message == "SHUTOFF: cold migration not chosen in the form"
    assert by_label["search-08"].message == "busy: BUILD (spawning)"
    assert by_label["api-12"].message.startswith("suspended")
    assert runbook.items[0].label == "disable nova-compute@compute4"
    assert runbook.items[-1].label == "compute4 empty?"
    cold = await runbooks.plan(
        "drain", drain_params("compute4", service.id, "r", cold=True, target="compute2")
    )
    api04 = next(i for i in cold.items if i.label == "api-04")
    assert api04.calls == ["cold-migrate api-04 to compute2", "confirm the resize"]
    assert not runbook.recipe.destructive(runbook.params)
    evacuation = await runbooks.plan(
        "evacuate", evacuate_params("compute4", service.id, force_down=False)
    )
    assert evacuation.recipe.destructive(evacuation.params)
    assert evacuation.items[0].calls[0] == "evacuate api-04 to the scheduler's choice"


async def test_drain_resumed_after_a_kill_finishes_without_resending(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(moves, "LIVE_STEPS", 8)  # still migrating when the new one looks
    backend = MemoryBackend(servers=12)
    await backend.connect()
    service = await compute_service(backend, "compute1")
    assert service is not None
    store = RunbookStore(tmp_path / "runbooks")
    frozen = asyncio.Event()  # never set: the first stackdeck's follow loops stop here

    async def sleep(delay: float) -> None:
        if delay >= POLL:  # a follow poll, not a gate's wait
            await frozen.wait()
        await asyncio.sleep(0)

    first = Runbooks(backend, registry(Drain(poll=POLL, sleep=sleep)), store)
    runbook = await first.plan(
        "drain", drain_params("compute1", service.id, "kernel", cold=False), concurrency=2
    )
    runbook.start()
    servers = [i for i in runbook.items if i.data.get("kind") == "server"]
    for _ in range(200):
        if sum(1 for i in servers if "live-migrating" in i.message) == 2:
            break
        await asyncio.sleep(0.01)
    assert [bool(i.sent) for i in servers] == [True, True, False]
    # stackdeck killed: its tasks die, the file on disk keeps what it had sent
    tasks = [*runbook._tasks.values(), runbook._loop_task]
    for task in tasks:
        assert task is not None
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)  # type: ignore[arg-type]

    second = Runbooks(backend, registry(), store)
    (raw,) = second.unfinished()
    resumed = await second.reopen(raw)
    states = {i.label: (i.state, i.message) for i in resumed.items}
    moving = [states[i.label] for i in servers[:2]]
    assert all(s is State.PENDING and "following" in m for s, m in moving), moving
    assert states[servers[2].label][1].startswith("still ACTIVE on compute1")
    assert states["disable nova-compute@compute1"][0] is State.DONE
    resumed.start()
    summary = await asyncio.wait_for(resumed.wait(), 20)
    assert not summary.failed, summary
    assert await servers_on(backend, "compute1") == []
    for item in servers:
        actions = await collect(backend.instance_actions(item.key))
        assert [a.action for a in actions].count("live-migration") == 1, item.label
