"""The bulk row action: one resource action (`tui.resource.Action`) over many rows.

Each item refetches its row, checks the action's `when` (else: skipped, "not possible in
state X"), sends the action, then follows the row until it settles (or is gone). After a
restart a row that settled and no longer allows the action is done; one still busy is
followed; one the call may have reached but that looks untouched is for the operator.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from typing import TYPE_CHECKING, Any

from tui.backend.errors import BackendError, NotFound
from tui.runbook.follow import FOLLOW_SECONDS, StillBusy, follow_row
from tui.runbook.items import Item, State
from tui.runbook.recipe import Found, ItemRun, Params, Probe, Recipe, Skip
from tui.text import one_line

if TYPE_CHECKING:
    from tui.backend.base import Backend
    from tui.resource import Action, Resource, Row

NAME = "bulk-action"


def state_of(row: Row) -> str:
    """A row's state in words: `ACTIVE`, `SHUTOFF (powering-on)`, ..."""
    status = getattr(row, "status", None) or getattr(row, "state", None)
    task = getattr(row, "task_state", None)
    text = str(status) if status else "its current state"
    return f"{text} ({task})" if task else text


def bulk_params(
    resource: Resource, action: Action, rows: Sequence[Row], values: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The persisted parameters of a bulk run of `action` over `rows`."""
    return {
        "resource": resource.name,
        "action": action.name,
        "rows": [{"key": resource.key(r), "label": one_line(resource.label(r))} for r in rows],
        "values": dict(values or {}),
    }


class BulkAction(Recipe):
    name = NAME

    def __init__(
        self,
        resources: Callable[[str], Resource | None],
        *,
        sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
        follow_seconds: float = FOLLOW_SECONDS,
    ) -> None:
        self.resources = resources
        self.sleep = sleep
        self.follow_seconds = follow_seconds
        self._rows: dict[
            tuple[str, str], Row
        ] = {}  # rows seen at plan time, for lists without `get`

    def declared(self, params: Params) -> tuple[Resource, Action]:
        resource = self.resources(str(params.get("resource", "")))
        action = resource.action(str(params.get("action", ""))) if resource else None
        if resource is None or action is None:
            raise BackendError(f"No action {params.get('action')} on {params.get('resource')}.")
        return resource, action

    def title(self, params: Params) -> str:
        try:
            resource, action = self.declared(params)
        except BackendError:
            return f"{params.get('action')} on {params.get('resource')}"
        count = len(params.get("rows") or ())
        return f"{action.description}: {count} {resource.name}"

    def destructive(self, params: Params) -> bool:
        return self.declared(params)[1].mutating

    async def plan(
        self, backend: Backend, params: Params, targets: Sequence[Any] = ()
    ) -> list[Item]:
        resource, action = self.declared(params)
        given = {resource.key(r): r for r in targets}
        items = []
        for entry in params.get("rows") or ():
            key, label = str(entry["key"]), str(entry.get("label") or entry["key"])
            item = Item(key, label, calls=self._calls(action, label))
            row = given.get(key)
            values = dict(params.get("values") or {})
            if row is not None and action.plan is not None and values and action.when(row):
                item.calls[0] = one_line(action.plan(row, values))  # the host, the flavor...
            if row is not None:
                self._rows[(resource.name, key)] = row
                if not action.when(row):
                    item.state = State.SKIPPED
                    item.message = f"not possible in state {state_of(row)}"
                    item.calls = []
            items.append(item)
        return items

    @staticmethod
    def _calls(action: Action, label: str) -> list[str]:
        calls = [f"{action.description} {label}"]
        if action.follow == "row":
            calls.append("wait until it settles")
        elif action.follow == "gone":
            calls.append("wait until it is gone")
        return calls

    async def _fresh(self, resource: Resource, backend: Backend, key: str) -> Row:
        if resource.get is not None:
            return await resource.get(backend, key)
        row = self._rows.get((resource.name, key))
        if row is None:
            raise BackendError(f"{key}: cannot be read again from this list.")
        return row

    async def run(self, run: ItemRun) -> None:
        resource, action = self.declared(run.params)
        item = run.item
        try:
            row = await self._fresh(resource, run.backend, item.key)
        except NotFound:
            if action.follow == "gone" and run.follow_only:
                return
            raise Skip("it no longer exists") from None
        if not run.follow_only:
            if not action.when(row):
                raise Skip(f"not possible in state {state_of(row)}")
            run.sending(f"{action.description} {item.label}")
            await action.run(run.backend, row, dict(run.params.get("values") or {}))
        if action.follow not in ("row", "gone") or resource.get is None:
            return
        run.progress(state_of(row))
        try:
            final = await follow_row(
                resource,
                run.backend,
                row,
                gone=action.follow == "gone",
                expect_change=not run.follow_only,
                update=lambda fresh: run.progress(state_of(fresh)),
                sleep=self.sleep,
                timeout=self.follow_seconds,
            )
        except StillBusy as busy:
            raise BackendError(
                f"still {state_of(busy.row)} after {self.follow_seconds:.0f} s"
            ) from None
        if final is None:
            run.progress("gone", 1.0)
            return
        if (why := resource.failure(final)) is not None:
            raise BackendError(why)
        run.progress(state_of(final), 1.0)

    async def probe(self, backend: Backend, item: Item, params: Params) -> Probe:
        resource, action = self.declared(params)
        if resource.get is None:
            return Probe(Found.UNKNOWN, "state unknown after restart (this list cannot be re-read)")
        try:
            row = await resource.get(backend, item.key)
        except NotFound:
            if action.follow == "gone":
                return Probe(Found.DONE, "gone")
            return Probe(Found.UNKNOWN, "state unknown after restart: it no longer exists")
        if not resource.settled(row):
            return Probe(Found.IN_PROGRESS, f"{state_of(row)}: following")
        if not action.when(row):  # done by us, or at its turn it is skipped
            if item.sent:
                return Probe(Found.DONE, f"{state_of(row)} (found after restart)")
            return Probe(Found.NOT_STARTED)
        if item.sent:
            return Probe(
                Found.UNKNOWN,
                f"state unknown after restart: {state_of(row)}, the call may have been sent",
            )
        return Probe(Found.NOT_STARTED, "not started")
