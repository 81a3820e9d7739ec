"""Recipes: what a runbook does, declared once (as resources are) and found by name.

A recipe plans the items from the cloud's current state, runs one item, and on resume
after a restart tells each unfinished item's real state, so no call is replayed blindly.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from tui.backend.errors import BackendError
from tui.runbook.items import Item

if TYPE_CHECKING:
    from tui.backend.base import Backend

Params = Mapping[str, Any]  # JSON-able: they are persisted with the runbook


class Skip(Exception):
    """Raised by `Recipe.run` when, at its turn, the item turns out not to need or allow it."""

    def __init__(self, why: str) -> None:
        super().__init__(why)
        self.why = why


class Found(StrEnum):
    """An unfinished item's real state, read from the cloud after a restart."""

    DONE = "done"
    NOT_STARTED = "not started"  # nothing was sent: running it is safe
    IN_PROGRESS = "in progress"  # the cloud is still working on it: follow, do not resend
    UNKNOWN = "unknown"  # the operator decides (failed, retryable)


@dataclass(frozen=True, slots=True)
class Probe:
    found: Found
    message: str = ""


class ItemRun:
    """What `Recipe.run` gets: the item, and how to say what it sends and how it goes."""

    def __init__(
        self,
        backend: Backend,
        item: Item,
        params: Params,
        *,
        follow_only: bool,
        changed: Callable[[Item], None],
    ) -> None:
        self.backend = backend
        self.item = item
        self.params = params
        self.follow_only = follow_only  # resumed while the cloud worked on it: only watch
        self.abort_requested = False
        self._changed = changed
        self.peers: Sequence[Item] = ()  # the runbook's items: a step may wait for another

    def peer(self, key: str) -> Item | None:
        return next((i for i in self.peers if i.key == key), None)

    def sending(self, call: str) -> None:
        """Record (and persist) a call before it is sent: after a crash it may have been."""
        self.item.sent.append(call)
        self._changed(self.item)

    def progress(self, message: str, fraction: float | None = None) -> None:
        """The cloud is working on it: what it says, and how far when known (0..1)."""
        from tui.runbook.items import State

        self.item.state = State.WAITING
        self.item.message = message
        self.item.progress = fraction
        self._changed(self.item)


@dataclass(frozen=True, slots=True)
class Followup:
    """What the operator may do once a runbook ended (re-enable the drained service, list
    the servers still on the failed host): a key shown in the summary.

    `call` does it and says how it went; `resource` + `scope` open a list instead (the
    scope is a `tui.resource.Scope`).
    """

    key: str
    description: str
    call: Callable[[Backend], Awaitable[str]] | None = None
    resource: str = ""
    scope: Any = None


@dataclass(frozen=True, slots=True)
class RunbookRequest:
    """What an action returns to have the UI plan a runbook and show its preview."""

    recipe: str
    params: dict[str, Any]
    concurrency: int | None = None


class Recipe:
    """Base of every recipe; a subclass sets `name` and implements the three steps.

    A `chain` runs its items one at a time, in order, each using what the earlier ones
    made (`run.peer(key).data`); the first failure stops it (the rest: not started). A
    recipe that can `undo` a done item has it rolled back after a failure, last made first,
    when `rolls_back(params)` says so; else the summary lists what was left, and the
    operator may still roll it back (`Runbook.roll_back`).
    """

    name: str = ""
    concurrency: int = 4
    can_abort: bool = False  # whether `abort` can stop an item in flight
    chain: bool = False  # one at a time, in order; a failure stops the rest

    def title(self, params: Params) -> str:
        return self.name

    def destructive(self, params: Params) -> bool:
        """Whether running it is confirmed by typing the count of items."""
        return True

    async def plan(
        self, backend: Backend, params: Params, targets: Sequence[Any] = ()
    ) -> list[Item]:
        """The items with the calls each will make, or skipped with why: nothing is sent.

        `targets` are the objects the operator chose, when the UI has them at hand.
        """
        raise NotImplementedError

    async def run(self, run: ItemRun) -> None:
        """Run one item; a BackendError fails it, `Skip` skips it."""
        raise NotImplementedError

    async def probe(self, backend: Backend, item: Item, params: Params) -> Probe:
        """An unfinished item's real state after a restart (never resend blindly)."""
        return Probe(Found.UNKNOWN)

    async def abort(self, run: ItemRun) -> None:
        """Stop an item in flight where the API allows (`can_abort`)."""

    async def cleanup(self, backend: Backend, item: Item, params: Params) -> None:
        """Undo what a failed or aborted item left half made (a transfer's record)."""

    def followups(self, params: Params) -> list[Followup]:
        """Keys the summary offers once the runbook ended."""
        return []

    def undoable(self, item: Item) -> bool:
        """Whether `undo` can take back this done item (what it made)."""
        return False

    async def undo(self, backend: Backend, item: Item, params: Params) -> str:
        """Take back what a done item made; says what was undone. Something already gone
        counts as undone (a rollback may run again after a restart)."""
        raise NotImplementedError

    def rolls_back(self, params: Params) -> bool:
        """Whether a failure rolls back the done items at once (else they are left)."""
        return False


class Aborted(BackendError):
    """An item stopped on the operator's request."""


class RecipeRegistry:
    """The recipes an app knows, by name (the app fills it; the core imports no screens)."""

    def __init__(self) -> None:
        self._recipes: dict[str, Recipe] = {}

    def register(self, recipe: Recipe) -> Recipe:
        self._recipes[recipe.name] = recipe
        return recipe

    def get(self, name: str) -> Recipe | None:
        return self._recipes.get(name)

    def names(self) -> list[str]:
        return sorted(self._recipes)
