"""Runbooks: work over many targets, one mechanism (no Textual here).

A `Recipe` (found by name in a `RecipeRegistry`) plans `Item`s — each a target with the
calls it will make, or skipped with why. `Runbook.plan` makes the preview (nothing sent);
`start()` runs the items as tasks, at most `concurrency` at once; `pause()`, `resume()`,
`abort()`, `retry_failed()` steer it; `subscribe()` sees every change; `summary()` says how
it ended. Every change is saved by a `RunbookStore`; after a restart `Runbooks.reopen`
re-reads each unfinished item's real state (`Recipe.probe`) before anything is resent.
Calls made by an item carry the runbook's id in the audit log.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tui.runbook.engine import Event, Phase, Runbook
    from tui.runbook.items import Item, ItemError, State, Summary
    from tui.runbook.manager import Runbooks
    from tui.runbook.recipe import (
        Followup,
        Found,
        ItemRun,
        Probe,
        Recipe,
        RecipeRegistry,
        RunbookRequest,
        Skip,
    )
    from tui.runbook.store import RunbookStore

# Loaded on first use: the resource screen imports the follow loop at start-up, not these.
_WHERE = {
    "Event": "engine",
    "Phase": "engine",
    "Runbook": "engine",
    "Item": "items",
    "ItemError": "items",
    "State": "items",
    "Summary": "items",
    "Runbooks": "manager",
    "Found": "recipe",
    "Followup": "recipe",
    "RunbookRequest": "recipe",
    "ItemRun": "recipe",
    "Probe": "recipe",
    "Recipe": "recipe",
    "RecipeRegistry": "recipe",
    "Skip": "recipe",
    "RunbookStore": "store",
}


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(name)
    return getattr(importlib.import_module(f"tui.runbook.{_WHERE[name]}"), name)


__all__ = [
    "Event",
    "Followup",
    "Found",
    "Item",
    "ItemError",
    "ItemRun",
    "Phase",
    "Probe",
    "Recipe",
    "RecipeRegistry",
    "Runbook",
    "RunbookRequest",
    "RunbookStore",
    "Runbooks",
    "Skip",
    "State",
    "Summary",
]
