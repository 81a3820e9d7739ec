"""The runbook engine: concurrency cap, pause/abort/retry, events, summary, persistence,
resume after a restart (re-read first, never resend)."""

from __future__ import annotations

import asyncio
import json
import stat
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from tui.backend.errors import BackendError, Conflict
from tui.backend.memory import MemoryBackend
from tui.runbook import (
    Found,
    Item,
    ItemRun,
    Phase,
    Probe,
    Recipe,
    Runbook,
    RunbookStore,
    State,
)


class Gated(Recipe):
    """Each item waits for its gate; records what ran, at most how many at once."""

    name = "gated"
    concurrency = 2

    def __init__(self, keys: Sequence[str] = ("a", "b", "c", "d", "e")) -> None:
        self.keys = list(keys)
        self.gates: dict[str, asyncio.Event] = {k: asyncio.Event() for k in self.keys}
        self.started: list[str] = []
        self.ran: list[tuple[str, bool]] = []  # (key, follow_only)
        self.now = 0
        self.most = 0
        self.fail: dict[str, BaseException] = {}
        self.found: dict[str, Probe] = {}
        self.aborted: list[str] = []

    async def plan(self, backend: Any, params: Any, targets: Sequence[Any] = ()) -> list[Item]:
        return [Item(k, f"item {k}", calls=[f"poke {k}"]) for k in self.keys]

    async def run(self, run: ItemRun) -> None:
        key = run.item.key
        self.started.append(key)
        self.ran.append((key, run.follow_only))
        self.now += 1
        self.most = max(self.most, self.now)
        try:
            if not run.follow_only:
                run.sending(f"poke {key}")
            run.progress("poking", 0.5)
            await self.gates[key].wait()
            if key in self.fail:
                raise self.fail.pop(key)
        finally:
            self.now -= 1

    async def probe(self, backend: Any, item: Item, params: Any) -> Probe:
        return self.found.get(item.key, Probe(Found.UNKNOWN))


class Abortable(Gated):
    can_abort = True

    async def abort(self, run: ItemRun) -> None:
        self.aborted.append(run.item.key)
        self.fail[run.item.key] = BackendError("stopped")
        self.gates[run.item.key].set()


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


async def until(check: Any, rounds: int = 200) -> None:
    for _ in range(rounds):
        if check():
            return
        await asyncio.sleep(0)
    raise AssertionError("never")


async def planned(recipe: Recipe, **kwargs: Any) -> Runbook:
    return await Runbook.plan(recipe, MemoryBackend(servers=0), {"n": 1}, **kwargs)


async def test_preview_sends_nothing_and_lists_each_call() -> None:
    recipe = Gated()
    runbook = await planned(recipe)
    assert runbook.phase is Phase.PREVIEW
    assert [i.calls for i in runbook.items][:2] == [["poke a"], ["poke b"]]
    await asyncio.sleep(0)
    assert recipe.started == []


async def test_at_most_the_cap_run_at_once_and_all_finish() -> None:
    recipe = Gated()
    runbook = await planned(recipe)
    runbook.start()
    await until(lambda: len(recipe.started) == 2)
    await asyncio.sleep(0)
    assert recipe.started == ["a", "b"]
    for key in recipe.keys:
        recipe.gates[key].set()
    summary = await runbook.wait()
    assert recipe.most == 2
    assert [i.key for i in summary.done] == recipe.keys
    assert runbook.phase is Phase.FINISHED


async def test_events_follow_each_item_from_running_to_done() -> None:
    recipe = Gated(["a"])
    runbook = await planned(recipe)
    seen: list[tuple[str, str]] = []
    runbook.subscribe(
        lambda e: seen.append((e.item.key, e.item.state) if e.item else ("-", e.runbook.phase))
    )
    runbook.start()
    recipe.gates["a"].set()
    await runbook.wait()
    assert seen == [
        ("-", "running"),
        ("a", "running"),
        ("a", "running"),  # the call is recorded before it is sent
        ("a", "waiting"),
        ("a", "done"),
        ("-", "finished"),
    ]


async def test_pause_starts_nothing_new_and_resume_goes_on() -> None:
    recipe = Gated(["a", "b", "c"])
    runbook = await planned(recipe, concurrency=1)
    runbook.start()
    await until(lambda: recipe.started == ["a"])
    runbook.pause()
    assert runbook.phase is Phase.PAUSED
    recipe.gates["a"].set()
    await until(lambda: runbook.item("a").state is State.DONE)
    for _ in range(10):
        await asyncio.sleep(0)
    assert recipe.started == ["a"]
    runbook.resume()
    recipe.gates["b"].set()
    recipe.gates["c"].set()
    summary = await runbook.wait()
    assert len(summary.done) == 3


async def test_abort_lets_running_items_finish_and_starts_no_other() -> None:
    recipe = Gated(["a", "b", "c"])
    runbook = await planned(recipe, concurrency=1)
    runbook.start()
    await until(lambda: recipe.started == ["a"])
    runbook.abort()
    assert runbook.phase is Phase.ABORTING
    recipe.gates["a"].set()
    summary = await runbook.wait()
    assert runbook.phase is Phase.ABORTED
    assert [i.key for i in summary.done] == ["a"]
    assert [i.key for i in summary.aborted] == ["b", "c"]
    assert recipe.started == ["a"]


async def test_abort_stops_items_in_flight_where_the_recipe_can() -> None:
    recipe = Abortable(["a", "b"])
    runbook = await planned(recipe)
    runbook.start()
    await until(lambda: len(recipe.started) == 2)
    runbook.abort()
    summary = await runbook.wait()
    assert sorted(recipe.aborted) == ["a", "b"]
    assert [i.message for i in summary.aborted] == ["aborted while running"] * 2


async def test_a_failed_call_keeps_status_message_and_request_id_and_can_be_retried() -> None:
    recipe = Gated(["a", "b"])
    recipe.fail["b"] = Conflict(
        "Instance is locked", status=409, request_id="req-123", operation="stop"
    )
    clock = Clock()
    runbook = await planned(recipe, clock=clock)
    runbook.start()
    clock.now += 75
    recipe.gates["a"].set()
    recipe.gates["b"].set()
    summary = await runbook.wait()
    (failed,) = summary.failed
    assert failed.error is not None
    assert (failed.error.status, failed.error.request_id) == (409, "req-123")
    assert failed.error.message == "stop: Instance is locked"
    assert "HTTP 409" in failed.message and "req-123" in failed.message
    assert summary.counts() == "1 done, 1 failed, 0 skipped, 0 aborted"
    assert summary.elapsed == 75

    assert runbook.retry_failed() == 1
    summary = await runbook.wait()
    assert [i.key for i in summary.done] == ["a", "b"]
    assert recipe.started == ["a", "b", "b"]


async def test_every_change_is_saved_privately_and_atomically(tmp_path: Path) -> None:
    store = RunbookStore(tmp_path / "runbooks")
    recipe = Gated(["a", "b"])
    runbook = await planned(recipe, store=store)
    assert not store.directory.exists()  # a preview is not kept
    runbook.start()
    await until(lambda: len(recipe.started) == 2)
    saved = json.loads(store.path(runbook.id).read_text())
    assert saved["recipe"] == "gated" and saved["params"] == {"n": 1}
    assert saved["cloud"] == "demo" and saved["project"] == runbook.project
    assert saved["phase"] == "running"
    assert [(i["key"], i["state"], i["sent"]) for i in saved["items"]] == [
        ("a", "waiting", ["poke a"]),
        ("b", "waiting", ["poke b"]),
    ]
    recipe.gates["a"].set()
    recipe.gates["b"].set()
    await runbook.wait()
    saved = json.loads(store.path(runbook.id).read_text())
    assert saved["phase"] == "finished"
    assert [i["state"] for i in saved["items"]] == ["done", "done"]
    assert stat.S_IMODE(store.directory.stat().st_mode) == 0o700
    assert stat.S_IMODE(store.path(runbook.id).stat().st_mode) == 0o600
    assert [p.name for p in store.directory.iterdir()] == [f"{runbook.id}.json"]
    assert store.unfinished() == []


async def test_resume_rereads_each_item_and_never_resends_a_done_one(tmp_path: Path) -> None:
    store = RunbookStore(tmp_path)
    first = Gated(["done", "busy", "lost", "untouched", "ok"])
    runbook = await planned(first, store=store, concurrency=3)
    runbook.start()
    await until(lambda: len(first.started) == 3)
    runbook.pause()
    first.gates["done"].set()
    await until(lambda: runbook.item("done").state is State.DONE)
    # stackdeck dies here: "busy" and "lost" were sent, "untouched" never was
    (raw,) = store.unfinished("demo")
    assert raw["phase"] == "paused"

    again = Gated(first.keys)
    again.found = {
        "busy": Probe(Found.IN_PROGRESS, "still MIGRATING"),
        "untouched": Probe(Found.NOT_STARTED),
        "ok": Probe(Found.DONE, "SHUTOFF already"),
    }
    resumed = Runbook.from_json(raw, again, MemoryBackend(servers=0), store=store)
    await resumed.reconcile()
    states = {i.key: (i.state, i.message) for i in resumed.items}
    assert states["done"] == (State.DONE, "poking")
    assert states["ok"] == (State.DONE, "SHUTOFF already")  # found done: not sent again
    assert states["busy"][0] is State.PENDING
    assert states["untouched"][0] is State.PENDING
    assert states["lost"] == (State.FAILED, "state unknown after restart")
    assert resumed.phase is Phase.PAUSED

    resumed.start()
    for key in again.keys:
        again.gates[key].set()
    summary = await resumed.wait()
    assert sorted(again.ran) == [("busy", True), ("untouched", False)]  # busy: only followed
    assert [i.key for i in summary.failed] == ["lost"]
    assert resumed.retry_failed() == 1  # the operator decides
    await resumed.wait()
    assert resumed.item("lost").state is State.DONE
    saved = json.loads(store.path(resumed.id).read_text())
    assert saved["phase"] == "finished"


async def test_a_reopened_runbook_resumes_or_aborts_without_having_been_started(
    tmp_path: Path,
) -> None:
    store = RunbookStore(tmp_path)
    recipe = Gated(["a", "b"])
    runbook = await planned(recipe, store=store)
    runbook.start()
    await until(lambda: len(recipe.started) == 2)
    (raw,) = store.unfinished()
    for ending in ("resume", "abort"):
        again = Gated(["a", "b"])
        again.found = {"a": Probe(Found.NOT_STARTED), "b": Probe(Found.NOT_STARTED)}
        reopened = Runbook.from_json(raw, again, MemoryBackend(servers=0))
        await reopened.reconcile()
        assert reopened.phase is Phase.PAUSED
        if ending == "resume":
            reopened.resume()
            again.gates["a"].set()
            again.gates["b"].set()
            assert len((await reopened.wait()).done) == 2
        else:
            reopened.abort()
            assert reopened.phase is Phase.ABORTED
            assert len(reopened.summary().aborted) == 2
