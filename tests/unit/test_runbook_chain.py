"""Chains: items one at a time, in order, each using what the earlier ones made; the first
failure stops the rest and rolls back what was made (last first), or leaves it when asked."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from tui.backend.errors import BackendError, Conflict, NotFound
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
from tui.runbook.recipe import Params


class Chain(Recipe):
    """Each item "makes" an object named after the one before it; undo takes it back."""

    name = "chain"
    chain = True
    concurrency = 4  # a chain runs one at a time whatever this says

    def __init__(self, keys: Sequence[str] = ("a", "b", "c", "d")) -> None:
        self.keys = list(keys)
        self.made: list[str] = []
        self.log: list[str] = []
        self.fail: dict[str, BaseException] = {}
        self.undo_fail: dict[str, BaseException] = {}
        self.found: dict[str, Probe] = {}

    async def plan(self, backend: Any, params: Params, targets: Sequence[Any] = ()) -> list[Item]:
        return [Item(k, f"make {k}", calls=[f"create {k}"]) for k in self.keys]

    async def run(self, run: ItemRun) -> None:
        key = run.item.key
        index = self.keys.index(key)
        before = run.peer(self.keys[index - 1]) if index else None
        parent = before.data["id"] if before is not None else "root"
        run.sending(f"create {key}")
        self.log.append(f"create {key}")
        if key in self.fail:
            raise self.fail.pop(key)
        run.item.data["id"] = f"{key}-in-{parent}"
        self.made.append(run.item.data["id"])

    def undoable(self, item: Item) -> bool:
        return "id" in item.data

    async def undo(self, backend: Any, item: Item, params: Params) -> str:
        self.log.append(f"delete {item.key}")
        if item.key in self.undo_fail:
            raise self.undo_fail.pop(item.key)
        if item.data["id"] in self.made:
            self.made.remove(item.data["id"])
        return f"deleted {item.data['id']}"

    def rolls_back(self, params: Params) -> bool:
        return not params.get("leave")

    async def probe(self, backend: Any, item: Item, params: Params) -> Probe:
        return self.found.get(item.key, Probe(Found.NOT_STARTED))


async def chained(recipe: Chain, leave: bool = False, **kwargs: Any) -> Runbook:
    return await Runbook.plan(recipe, MemoryBackend(servers=0), {"leave": leave}, **kwargs)


def states(runbook: Runbook) -> list[str]:
    return [i.state.value for i in runbook.items]


async def test_a_chain_runs_one_at_a_time_in_order_passing_what_each_made_on() -> None:
    recipe = Chain()
    runbook = await chained(recipe, concurrency=8)
    assert runbook.concurrency == 1
    runbook.start()
    summary = await runbook.wait()
    assert recipe.made == [
        "a-in-root",
        "b-in-a-in-root",
        "c-in-b-in-a-in-root",
        "d-in-" + "c-in-b-in-a-in-root",
    ]
    assert len(summary.done) == 4 and not summary.undone
    assert not runbook.can_roll_back or runbook.left()  # all stand: the operator may undo


async def test_a_failure_at_each_step_stops_the_rest_and_rolls_back_last_made_first() -> None:
    for at, key in enumerate(["a", "b", "c", "d"]):
        recipe = Chain()
        recipe.fail[key] = Conflict("name taken", status=409, request_id="req-9")
        runbook = await chained(recipe)
        runbook.start()
        summary = await runbook.wait()
        assert recipe.made == [], key
        made_before = ["a", "b", "c", "d"][:at]
        assert recipe.log == [f"create {k}" for k in [*made_before, key]] + [
            f"delete {k}" for k in reversed(made_before)
        ]
        assert [i.key for i in summary.failed] == [key]
        assert [i.key for i in summary.undone] == made_before
        assert [i.key for i in summary.aborted] == ["a", "b", "c", "d"][at + 1 :]
        assert all(i.message == f"not started: make {key} failed" for i in summary.aborted)
        failed = summary.failed[0]
        assert failed.error is not None and failed.error.text() == (
            "HTTP 409: name taken (request req-9)"
        )
        assert runbook.phase is Phase.FINISHED and not runbook.can_roll_back


async def test_leave_mode_keeps_what_was_made_and_the_operator_may_roll_it_back_later() -> None:
    recipe = Chain()
    recipe.fail["c"] = BackendError("refused", status=400)
    runbook = await chained(recipe, leave=True)
    runbook.start()
    summary = await runbook.wait()
    assert recipe.made == ["a-in-root", "b-in-a-in-root"]
    assert states(runbook) == ["done", "done", "failed", "aborted"]
    assert [i.key for i in runbook.left()] == ["a", "b"] and runbook.can_roll_back
    assert not summary.undone
    runbook.roll_back()
    assert runbook.phase is Phase.ROLLING_BACK
    summary = await runbook.wait()
    assert recipe.made == []
    assert states(runbook) == ["rolled back", "rolled back", "failed", "aborted"]
    assert runbook.item("a").message == "deleted a-in-root"
    assert runbook.phase is Phase.FINISHED


async def test_an_undo_that_fails_is_said_and_the_others_are_still_undone() -> None:
    recipe = Chain()
    recipe.fail["d"] = BackendError("refused")
    recipe.undo_fail["b"] = Conflict("in use by port p1", status=409)
    runbook = await chained(recipe)
    runbook.start()
    await runbook.wait()
    assert recipe.made == ["b-in-a-in-root"]
    assert states(runbook) == ["rolled back", "done", "rolled back", "failed"]
    assert runbook.item("b").message == "rollback failed: HTTP 409: in use by port p1"
    assert [i.key for i in runbook.left()] == ["b"]


async def test_retry_after_a_rollback_runs_the_chain_again_from_the_start() -> None:
    recipe = Chain(["a", "b", "c"])
    recipe.fail["b"] = NotFound("no such external network")
    runbook = await chained(recipe)
    runbook.start()
    await runbook.wait()
    assert runbook.retry_failed() == 3
    summary = await runbook.wait()
    assert [i.key for i in summary.done] == ["a", "b", "c"]
    assert recipe.made == ["a-in-root", "b-in-a-in-root", "c-in-b-in-a-in-root"]


async def test_retry_in_leave_mode_goes_on_from_the_failed_step() -> None:
    recipe = Chain(["a", "b", "c"])
    recipe.fail["b"] = BackendError("quota")
    runbook = await chained(recipe, leave=True)
    runbook.start()
    await runbook.wait()
    assert runbook.retry_failed() == 2
    await runbook.wait()
    assert recipe.log == ["create a", "create b", "create b", "create c"]
    assert states(runbook) == ["done", "done", "done"]


async def test_a_rollback_cut_by_a_restart_goes_on_after_it(tmp_path: Path) -> None:
    store = RunbookStore(tmp_path)
    recipe = Chain(["a", "b", "c"])
    recipe.fail["c"] = BackendError("refused")
    recipe.undo_fail["a"] = BackendError("connection lost")  # as if stackdeck died there
    runbook = await chained(recipe, store=store)
    runbook.start()
    await runbook.wait()
    raw = store.load(runbook.id)
    assert raw is not None and raw["rollback"] is True
    raw["phase"] = "rolling back"  # the file as a crash during the rollback leaves it
    again = Runbook.from_json(raw, recipe, runbook.backend, store=store)
    await again.reconcile()
    assert again.phase is Phase.PAUSED
    again.resume()
    await again.wait()
    assert [i.state for i in again.items] == [State.UNDONE, State.UNDONE, State.FAILED]
    assert recipe.made == []


async def test_after_a_restart_an_unknown_step_stops_the_chain_before_the_next() -> None:
    recipe = Chain(["a", "b", "c"])
    runbook = await chained(recipe, leave=True)
    runbook.phase = Phase.PAUSED
    runbook.items[0].state = State.DONE
    runbook.items[0].data["id"] = "a-in-root"
    runbook.items[1].state = State.RUNNING
    recipe.found["b"] = Probe(Found.UNKNOWN, "two networks named b: which one?")
    await runbook.reconcile()
    assert states(runbook) == ["done", "failed", "aborted"]
    assert runbook.items[2].message == "not started: make b failed"
