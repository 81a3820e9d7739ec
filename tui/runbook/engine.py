"""Running a runbook: items as asyncio tasks under a concurrency cap, pause, abort, retry,
events for whoever draws it, persisted on every change, resumed after a restart."""

from __future__ import annotations

import asyncio
import contextlib
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from tui.backend.audit import RUNBOOK
from tui.backend.errors import BackendError
from tui.runbook.items import ACTIVE, UNFINISHED, Item, ItemError, State, Summary
from tui.runbook.recipe import Found, ItemRun, Params, Recipe, Skip

if TYPE_CHECKING:
    from tui.backend.base import Backend
    from tui.runbook.store import RunbookStore


class Phase(StrEnum):
    PREVIEW = "preview"  # planned, nothing sent
    RUNNING = "running"
    PAUSED = "paused"  # no new item starts; running ones finish
    ABORTING = "aborting"  # nothing new starts; in-flight items finish or are aborted
    ROLLING_BACK = "rolling back"  # a chain's done items are undone, last made first
    FINISHED = "finished"
    ABORTED = "aborted"


@dataclass(frozen=True, slots=True)
class Event:
    """Something changed: an item (`item` set) or the runbook's phase (`item` None)."""

    runbook: Runbook
    item: Item | None = None


Listener = Callable[[Event], None]


class Runbook:
    """A plan over many targets made by a recipe; see `tui.runbook` for the whole story."""

    def __init__(
        self,
        recipe: Recipe,
        backend: Backend,
        params: Params,
        items: list[Item],
        *,
        ident: str | None = None,
        cloud: str = "",
        project: str = "",
        concurrency: int | None = None,
        store: RunbookStore | None = None,
        clock: Callable[[], float] = time.monotonic,
        on_bug: Callable[[BaseException], None] | None = None,
    ) -> None:
        self.id = ident or time.strftime("%Y%m%d-%H%M%S-") + uuid.uuid4().hex[:6]
        self.recipe = recipe
        self.backend = backend
        self.params = dict(params)
        self.items = items
        self.cloud = cloud or backend.info.cloud
        self.project = project or backend.info.project
        self.concurrency = 1 if recipe.chain else max(1, concurrency or recipe.concurrency)
        self.rollback_requested = False  # by the operator, or by a failure (`rolls_back`)
        self.title = recipe.title(params)
        self.phase = Phase.PREVIEW
        self.store = store
        self.clock = clock
        self.on_bug = on_bug
        self.elapsed_before = 0.0  # seconds run before a restart
        self._started: float | None = None
        self._listeners: list[Listener] = []
        self._tasks: dict[str, asyncio.Task[None]] = {}
        self._runs: dict[str, ItemRun] = {}
        self._follow_only: set[str] = set()
        self._wake = asyncio.Event()
        self._loop_task: asyncio.Task[None] | None = None
        self._done = asyncio.Event()

    @classmethod
    async def plan(
        cls,
        recipe: Recipe,
        backend: Backend,
        params: Params,
        targets: Sequence[Any] = (),
        **kwargs: Any,
    ) -> Runbook:
        """The preview: the recipe's items, each with its calls or why it is skipped."""
        return cls(recipe, backend, params, await recipe.plan(backend, params, targets), **kwargs)

    # -- watching ------------------------------------------------------------------------

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Call `listener` on every change (in the event loop); returns the unsubscribe."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener) if listener in self._listeners else None

    def _changed(self, item: Item | None = None) -> None:
        if self.store is not None and self.phase is not Phase.PREVIEW:
            self.store.save(self)
        event = Event(self, item)
        for listener in list(self._listeners):
            listener(event)

    @property
    def finished(self) -> bool:
        return self.phase in (Phase.FINISHED, Phase.ABORTED)

    @property
    def elapsed(self) -> float:
        running = 0.0 if self._started is None else self.clock() - self._started
        return self.elapsed_before + running

    def summary(self) -> Summary:
        return Summary.of(self.items, self.elapsed)

    def count(self, *states: State) -> int:
        return sum(1 for item in self.items if item.state in states)

    def item(self, key: str) -> Item | None:
        return next((i for i in self.items if i.key == key), None)

    def left(self) -> list[Item]:
        """Done items the recipe could undo: what this run made and still stands."""
        return [i for i in self.items if i.state is State.DONE and self.recipe.undoable(i)]

    @property
    def can_roll_back(self) -> bool:
        return self.finished and bool(self.left())

    # -- control -------------------------------------------------------------------------

    def start(self) -> None:
        """Run every pending item (from the preview, after a retry or a resume)."""
        if self._looping:
            return
        self.phase = Phase.RUNNING
        self._done.clear()
        self._started = self.clock()
        self._changed()
        self._loop_task = asyncio.get_running_loop().create_task(self._loop())

    def pause(self) -> None:
        if self.phase is Phase.RUNNING:
            self.phase = Phase.PAUSED
            self._changed()
            self._wake.set()

    def resume(self) -> None:
        if self.phase is not Phase.PAUSED:
            return
        if not self._looping:  # reopened from disk, not started yet
            self.start()
            return
        self.phase = Phase.RUNNING
        self._changed()
        self._wake.set()

    @property
    def _looping(self) -> bool:
        return self._loop_task is not None and not self._loop_task.done()

    def toggle_pause(self) -> None:
        self.resume() if self.phase is Phase.PAUSED else self.pause()

    def abort(self) -> None:
        """Start nothing more; in-flight items finish, or are aborted where the recipe can."""
        if self.finished or self.phase is Phase.ROLLING_BACK:
            return
        if self.phase is Phase.PREVIEW:  # nothing was sent, nothing is kept
            self.phase = Phase.ABORTED
            self._done.set()
            return
        self.phase = Phase.ABORTING
        for item in self.items:
            if item.state is State.PENDING:
                self._set(item, State.ABORTED, "not started: aborted")
        if self.recipe.can_abort:
            for run in self._runs.values():
                run.abort_requested = True
                self._spawn(self.recipe.abort(run))
        if not self._looping:
            self._finish(Phase.ABORTED)
            return
        self._changed()
        self._wake.set()

    def retry_failed(self) -> int:
        """Put failed items back in the queue and run them; how many."""
        failed = [i for i in self.items if i.state is State.FAILED]
        if not failed or self.phase in (Phase.ABORTING, Phase.ROLLING_BACK):
            return 0
        if self.recipe.chain:  # the chain again from where it stopped (or was rolled back)
            again = (State.FAILED, State.ABORTED, State.UNDONE)
            failed = [i for i in self.items if i.state in again]
        self.rollback_requested = False
        for item in failed:
            item.error = None
            self._set(item, State.PENDING, "retry")
        if not self._looping:
            self.start()
        else:
            self._wake.set()
        return len(failed)

    async def wait(self) -> Summary:
        await self._done.wait()
        return self.summary()

    def roll_back(self) -> None:
        """Undo what a finished run made and left (last made first)."""
        if not self.can_roll_back or self._looping:
            return
        ended = self.phase
        self.rollback_requested = True
        self.phase = Phase.ROLLING_BACK
        self._done.clear()
        self._changed()
        self._loop_task = asyncio.get_running_loop().create_task(self._rolling_back(ended))

    async def _rolling_back(self, ended: Phase) -> None:
        self._started = self.clock()
        await self._undo_left()
        self._finish(ended)

    # -- running -------------------------------------------------------------------------

    async def _loop(self) -> None:
        while True:
            self._wake.clear()
            if self.phase is Phase.RUNNING:
                for item in self.items:
                    if len(self._tasks) >= self.concurrency:
                        break
                    if item.state is State.PENDING and item.key not in self._tasks:
                        self._begin(item)
            pending = any(i.state is State.PENDING for i in self.items)
            if not self._tasks and (not pending or self.phase is Phase.ABORTING):
                break
            await self._wake.wait()
        ended = Phase.ABORTED if self.phase is Phase.ABORTING else Phase.FINISHED
        if self._rollback_due():
            await self._undo_left()
        self._finish(ended)

    def _rollback_due(self) -> bool:
        failed = any(i.state is State.FAILED for i in self.items)
        wanted = self.rollback_requested or (failed and self.recipe.rolls_back(self.params))
        return wanted and bool(self.left())

    async def _undo_left(self) -> None:
        """Undo each done item the recipe can, last made first; one that cannot be undone
        stays done, saying why, and the others are still tried."""
        RUNBOOK.set(self.id)
        self.rollback_requested = True
        self.phase = Phase.ROLLING_BACK
        self._changed()
        for item in reversed(self.left()):
            self._set(item, State.DONE, "rolling back…")
            try:
                said = await self.recipe.undo(self.backend, item, self.params)
            except BackendError as exc:
                self._set(item, State.DONE, f"rollback failed: {ItemError.of(exc).text()}")
            except Exception as exc:  # a bug in the recipe's undo: say so, try the others
                self._set(item, State.DONE, f"rollback failed: {type(exc).__name__}: {exc}")
                if self.on_bug is not None:
                    self.on_bug(exc)
            else:
                self._set(item, State.UNDONE, said)

    def _finish(self, phase: Phase) -> None:
        if self._started is not None:
            self.elapsed_before += self.clock() - self._started
            self._started = None
        self.phase = phase
        self._changed()
        self._done.set()

    def _begin(self, item: Item) -> None:
        follow_only = item.key in self._follow_only
        self._follow_only.discard(item.key)
        run = ItemRun(
            self.backend, item, self.params, follow_only=follow_only, changed=self._changed
        )
        run.peers = self.items
        self._runs[item.key] = run
        item.progress = None
        self._set(item, State.RUNNING, "following" if follow_only else "")
        task = asyncio.get_running_loop().create_task(self._run_item(run))
        self._tasks[item.key] = task

    async def _run_item(self, run: ItemRun) -> None:
        item = run.item
        RUNBOOK.set(self.id)  # this task's audit lines carry the runbook's id
        try:
            await self.recipe.run(run)
        except Skip as skip:
            self._set(item, State.SKIPPED, skip.why)
        except BackendError as exc:
            if run.abort_requested:
                self._set(item, State.ABORTED, "aborted while running")
            else:
                item.error = ItemError.of(exc)
                self._set(item, State.FAILED, item.error.text())
                self._stop_chain(item)
            await self._clean_up(item)
        except asyncio.CancelledError:  # stackdeck is quitting: the file keeps the state
            raise
        except Exception as exc:  # a bug in a recipe: the item fails, the run goes on
            item.error = ItemError(f"stackdeck failed: {type(exc).__name__}: {exc}")
            self._set(item, State.FAILED, item.error.message)
            self._stop_chain(item)
            if self.on_bug is not None:
                self.on_bug(exc)
        else:
            if item.state in ACTIVE:
                item.progress = 1.0 if item.progress is not None else None
                self._set(item, State.DONE, item.message if item.state is State.WAITING else "")
        finally:
            self._tasks.pop(item.key, None)
            self._runs.pop(item.key, None)
            self._wake.set()

    def _stop_chain(self, failed: Item) -> None:
        """A chain stops at its first failure: what comes after it does not start."""
        if not self.recipe.chain:
            return
        for item in self.items:
            if item.state is State.PENDING:
                self._set(item, State.ABORTED, f"not started: {failed.label} failed")

    async def _clean_up(self, item: Item) -> None:
        try:
            await self.recipe.cleanup(self.backend, item, self.params)
        except BackendError as exc:
            item.message += f" (cleanup failed: {exc.message})"
            self._changed(item)

    def _spawn(self, work: Any) -> None:
        task = asyncio.get_running_loop().create_task(work)
        task.add_done_callback(lambda t: t.cancelled() or t.exception())

    def _set(self, item: Item, state: State, message: str | None = None) -> None:
        item.state = state
        if message is not None:
            item.message = message
        self._changed(item)

    # -- after a restart -----------------------------------------------------------------

    async def reconcile(self) -> None:
        """Before resuming: read each unfinished item's real state from the cloud.

        Done already: done. Still in progress: followed, not resent. Not started: queued.
        Unknown: failed with "state unknown after restart", for the operator to retry.
        """
        for item in self.items:
            if item.state not in UNFINISHED:
                continue
            try:
                probe = await self.recipe.probe(self.backend, item, self.params)
            except BackendError as exc:
                item.error = ItemError.of(exc)
                self._set(item, State.FAILED, f"state unknown after restart: {exc.message}")
                continue
            if probe.found is Found.DONE:
                self._set(item, State.DONE, probe.message or "done (found after restart)")
            elif probe.found is Found.IN_PROGRESS:
                self._follow_only.add(item.key)
                self._set(item, State.PENDING, probe.message or "in progress: to follow")
            elif probe.found is Found.NOT_STARTED:
                self._set(item, State.PENDING, probe.message)
            else:
                item.error = ItemError(probe.message or "state unknown after restart")
                self._set(item, State.FAILED, item.error.message)
        if failed := next((i for i in self.items if i.state is State.FAILED), None):
            self._stop_chain(failed)
        if self.phase is not Phase.PREVIEW:
            self.phase = Phase.PAUSED
            self._changed()

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "recipe": self.recipe.name,
            "title": self.title,
            "params": self.params,
            "cloud": self.cloud,
            "project": self.project,
            "phase": self.phase.value,
            "concurrency": self.concurrency,
            "elapsed": round(self.elapsed, 3),
            "rollback": self.rollback_requested,
            "items": [item.to_json() for item in self.items],
        }

    @classmethod
    def from_json(
        cls, raw: dict[str, Any], recipe: Recipe, backend: Backend, **kwargs: Any
    ) -> Runbook:
        runbook = cls(
            recipe,
            backend,
            raw.get("params") or {},
            [Item.from_json(i) for i in raw.get("items", ())],
            ident=str(raw["id"]),
            cloud=str(raw.get("cloud", "")),
            project=str(raw.get("project", "")),
            concurrency=int(raw.get("concurrency") or recipe.concurrency),
            **kwargs,
        )
        with contextlib.suppress(ValueError):
            runbook.phase = Phase(raw.get("phase", "paused"))
        runbook.elapsed_before = float(raw.get("elapsed") or 0.0)
        runbook.rollback_requested = bool(raw.get("rollback"))
        return runbook
