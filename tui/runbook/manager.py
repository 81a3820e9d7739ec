"""The runbooks of one open cloud: planning new ones, the ones this session ran, and the
ones a restart left unfinished on disk."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from tui.backend.errors import BackendError
from tui.runbook.engine import Runbook
from tui.runbook.recipe import Params, RecipeRegistry
from tui.runbook.store import RunbookStore

if TYPE_CHECKING:
    from tui.backend.base import Backend


class Runbooks:
    def __init__(
        self,
        backend: Backend,
        recipes: RecipeRegistry,
        store: RunbookStore | None,
        *,
        on_bug: Callable[[BaseException], None] | None = None,
    ) -> None:
        self.backend = backend
        self.recipes = recipes
        self.store = store
        self.on_bug = on_bug
        self.session: list[Runbook] = []  # newest last

    async def plan(
        self, recipe_name: str, params: Params, targets: Sequence[Any] = (), **kwargs: Any
    ) -> Runbook:
        recipe = self.recipes.get(recipe_name)
        if recipe is None:
            raise BackendError(f"No runbook recipe named {recipe_name}.")
        runbook = await Runbook.plan(
            recipe, self.backend, params, targets, store=self.store, on_bug=self.on_bug, **kwargs
        )
        self.session.append(runbook)
        return runbook

    def track(self, runbook: Runbook) -> Runbook:
        """A runbook made elsewhere (a transfer) joins this session's list."""
        self.session.append(runbook)
        return runbook

    def forget(self, runbook: Runbook) -> None:
        """A preview dropped: nothing was sent, nothing is listed."""
        if runbook in self.session:
            self.session.remove(runbook)

    def unfinished(self) -> list[dict[str, Any]]:
        """What a previous stackdeck left unfinished on this cloud, not yet reopened."""
        if self.store is None:
            return []
        opened = {r.id for r in self.session}
        return [
            raw
            for raw in self.store.unfinished(self.backend.info.cloud)
            if raw["id"] not in opened and self.recipes.get(str(raw.get("recipe"))) is not None
        ]

    async def reopen(self, raw: dict[str, Any]) -> Runbook:
        """A runbook from disk with each unfinished item's real state re-read (paused)."""
        recipe = self.recipes.get(str(raw.get("recipe")))
        if recipe is None:
            raise BackendError(f"No runbook recipe named {raw.get('recipe')}.")
        runbook = Runbook.from_json(raw, recipe, self.backend, store=self.store, on_bug=self.on_bug)
        self.session.append(runbook)
        await runbook.reconcile()
        return runbook

    def discard(self, ident: str) -> None:
        if self.store is not None:
            self.store.discard(ident)

    def running(self) -> list[Runbook]:
        return [r for r in self.session if not r.finished]
