"""Running a resource's actions: confirm, ask, call, mark the row, follow it until it settles.

Mixed into the generic resource screen; actions are declared on the resource
(`tui.resource.Action`), so every resource gets the same guardrails.
"""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.css.query import NoMatches

from tui.backend.errors import BackendError
from tui.forms import NotSent
from tui.resource import Action, Resource, Row, Scope, why_not
from tui.runbook.follow import StillBusy, follow_row
from tui.text import typeable

if TYPE_CHECKING:
    from collections.abc import Callable

    from textual.screen import Screen

    from tui.app import StackdeckApp
    from tui.context import Context
    from tui.runbook.transfer import Transfer
    from tui.widgets.resource_table import ResourceTable

    # checked as the screen it is mixed into (workers, timers, mount state come from there)
    _ScreenBase = Screen[None]
else:
    _ScreenBase = object

PREVIEW_LINES = 12
TRANSFER_RELOAD = 1.0


class ActingMixin(_ScreenBase):
    """Needs `app`, `context`, `resource`, `table`, `load()` and `run_worker` from the screen."""

    app: StackdeckApp
    context: Context
    resource: Resource
    scope: Scope
    in_flight: dict[str, str]

    if TYPE_CHECKING:

        @property
        def table(self) -> ResourceTable: ...

        def load(self) -> Any: ...

    @property
    def read_only(self) -> bool:
        return self.context.read_only

    def offered(self, action: Action, row: Row | None) -> bool:
        """Shown at all: not a write in read-only mode, and the row's state allows it
        (with marked rows: an action without a per-row form that one of them allows)."""
        if action.mutating and self.read_only:
            return False
        if not action.on_row:
            return True
        if marked := self.table.marked_rows():
            per_row_form = action.form is not None and not action.bulk_form
            return not per_row_form and any(action.when(r) for r in marked)
        return row is not None and action.when(row)

    def action_act(self, name: str) -> None:
        action = self.resource.action(name)
        row = self.table.selected
        if action is None:
            return
        if action.mutating and self.read_only:
            self.app.notify(
                f"Read-only mode: {action.description.lower()} is not available.",
                severity="warning",
            )
            return
        if action.on_row and (marked := self.table.marked_rows()):
            if not any(action.when(r) for r in marked):  # none to preview: say why not
                first = marked[0]
                why = why_not(action, first, self.resource.label(first))
                self.app.notify(why, severity="warning")
                return
            self._act_in_bulk(action, marked)
            return
        if action.rows and not self.table.row_count:
            self.app.notify(f"{action.description}: the list shows no rows.", severity="warning")
            return
        if action.on_row:
            if row is None:
                return
            if not action.when(row):
                self.app.notify(why_not(action, row, self.resource.label(row)), severity="warning")
                return
            key = self.resource.key(row)
            if key in self.in_flight:
                self.app.notify(
                    f"{self.in_flight[key]} is still in progress on {self.resource.label(row)}.",
                    severity="warning",
                )
                return
            self.in_flight[key] = action.description
        self.run_worker(self._act(action, row if action.on_row else None), group="act")

    def _act_in_bulk(self, action: Action, rows: list[Row]) -> None:
        """An action on marked rows: a runbook (preview, confirmation, progress, summary)."""
        if action.form is not None and not action.bulk_form:
            self.app.notify(
                f"{action.description} asks for input per row: unmark the rows to use it.",
                severity="warning",
            )
            return
        if action.form is not None:
            self.run_worker(self._bulk_form(action, rows), group="act")
            return
        self.app.run_bulk(self.context, self.resource, action, rows, ended=self._bulk_ended)

    def _bulk_ended(self) -> None:
        """A bulk run from this list ended: show what the cloud now holds (rows gone...)."""
        if self.is_mounted:
            self.load()

    async def _bulk_form(self, action: Action, rows: list[Row]) -> None:
        """Ask the form once (as for the first row that allows it); its values go to all."""
        assert action.form is not None
        first = next((r for r in rows if action.when(r)), rows[0])
        form = action.form(first)

        async def values_only(backend: Any, values: dict[str, Any]) -> dict[str, Any]:
            return dict(values)

        from tui.screens.form import FormScreen

        screen = FormScreen(
            replace(
                form,
                title=f"{form.title} — {len(rows)} marked rows",
                submit=values_only,
                submit_label="Preview",
            )
        )
        values = await self.app.push_screen_wait(screen)
        if values is not None:
            self.app.run_bulk(
                self.context, self.resource, action, rows, values, ended=self._bulk_ended
            )

    async def _act(self, action: Action, row: Row | None) -> None:
        key = self.resource.key(row) if row is not None else None
        try:
            if action.guard is not None and row is not None:
                why = await action.guard(self.context.backend, row)
                if why is not None:
                    self.app.notify(why, title=f"{action.description}: not now", severity="warning")
                    return
            if not _confirmed_after_form(action) and not await self._confirmed(action, row):
                return
            # An action on the list (create, upload) gets the list's scope as its "row", or
            # the rows the list shows (an export).
            result = await self._run(action, row if action.on_row else self._list_target(action))
            from tui.runbook.transfer import Transfer  # not needed at start-up

            if isinstance(result, Transfer):  # bytes to move, with a progress bar
                result = await self._transfer(action, result)
            if result is _CANCELLED:
                return
            from tui.runbook.recipe import RunbookRequest

            if isinstance(result, RunbookRequest):  # a drain, an evacuation: its preview
                await self.app.open_requested_runbook(self.context, result)
                return
            label = self.resource.label(row) if row is not None else self.resource.title
            if action.accepted is not None and result is not _DONE:
                said = action.accepted(row, result)
                self.app.notify(said, title=action.description, timeout=10)
            else:
                self.app.notify(f"{action.description}: {label}", title="Requested", timeout=4)
            await self._follow(action, row, result)
        except BackendError as exc:
            self.app.notify_error(exc)
            if exc.maybe_done:
                self.load()  # show what the cloud really did
        finally:
            if key is not None:
                self.in_flight.pop(key, None)
                with contextlib.suppress(NoMatches):
                    self.table.set_badge(key, None)

    def _list_target(self, action: Action) -> Any:
        return list(self.table.rows_in_view()) if action.rows else self.scope

    async def _confirmed(
        self, action: Action, row: Row | None, values: dict[str, Any] | None = None
    ) -> bool:
        if action.confirm == "none":
            return True
        label = self.resource.label(row) if row is not None else self.resource.title
        if values is not None and action.plan is not None:  # what the form's values will do
            body = Text(action.plan(row, values))
        else:
            body = Text(action.message(row) if action.message else f"{action.description}: {label}")
        expected = label if action.confirm == "name" else None
        if expected is not None and row is not None and not typeable(label):
            expected = self.resource.key(row)
            body.append(f"\nIts name cannot be typed back: confirm with its id, {expected}.")
        if action.confirm == "name" and action.preview is not None:  # warnings, e.g. still used
            body.append(
                "".join(f"\n{line}" for line in await action.preview(self.context.backend, row))
            )
        if action.confirm == "count" and action.preview is not None:
            items = await action.preview(self.context.backend, row)
            if not items:
                self.app.notify(f"{action.description}: nothing to do.", severity="warning")
                return False
            shown = items[:PREVIEW_LINES]
            more = len(items) - len(shown)
            body.append("\n" + "\n".join(f"  {line}" for line in shown))
            if more:
                body.append(f"\n  … and {more} more")
            expected = str(len(items))
        from tui.screens.confirm import ConfirmScreen

        screen = ConfirmScreen(f"{action.description}?", body, expected=expected)
        confirmed = await self.app.push_screen_wait(screen)
        return confirmed

    def _badge(self, action: Action, row: Row | None, busy: bool) -> None:
        """Mark the row while its call is in flight: only once submitted and confirmed."""
        if action.on_row and row is not None:
            with contextlib.suppress(NoMatches):
                badge = f"⟳ {action.progress or action.name}" if busy else None
                self.table.set_badge(self.resource.key(row), badge)

    async def _run(self, action: Action, row: Row | None) -> Any:
        backend = self.context.backend
        if action.form is None:
            self._badge(action, row, True)
            return await action.run(backend, row, {})
        form = action.form(row)

        async def submit(backend: Any, values: dict[str, Any]) -> Any:
            if _confirmed_after_form(action) and not await self._confirmed(action, row, values):
                self.app.notify(f"{action.description}: nothing was sent.", timeout=4)
                raise NotSent("Not confirmed: nothing was sent (change the values, or esc).")
            self._badge(action, row, True)
            try:
                result = await action.run(backend, row, values)
            except BackendError as exc:
                self._badge(action, row, False)  # refused: the form says why, the row is idle
                if exc.maybe_done:  # the form stays, with the error; the list shows the truth
                    self.load()
                raise
            return _DONE if result is None else result

        from tui.screens.form import FormScreen

        initial = None if action.initial is None else await action.initial(backend, row)
        screen = FormScreen(replace(form, submit=submit), initial)  # checks, verify come along
        result = await self.app.push_screen_wait(screen)
        return _CANCELLED if result is None or result is _CANCELLED else result

    async def _transfer(self, action: Action, transfer: Transfer) -> Any:
        """Show its progress; a record it fills (an image) shows in the list meanwhile."""
        if action.follow == "list":
            self.load()
            self.set_timer(TRANSFER_RELOAD, self.load)  # by then the record shows it is filling
        from tui.screens.transfer import TransferScreen

        result = await self.app.push_screen_wait(TransferScreen(transfer))
        if result is None:
            if action.follow == "list":
                self.load()  # the half-made record was cleaned up
            return _CANCELLED
        return result

    async def _follow(self, action: Action, row: Row | None, result: Any) -> None:
        if action.follow == "none":
            return
        if action.follow == "list" or row is None:
            self.load()
            created = result if isinstance(result, list | tuple) else [result]
            new_rows = [r for r in created if hasattr(r, "id") and hasattr(r, "raw")]
            if new_rows and self.resource.get is not None:
                await self._poll(new_rows, gone=False, expect_change=False)
            return
        if self.resource.get is not None:
            until = action.until
            await self._poll(
                [row],
                gone=action.follow == "gone",
                until=None if until is None else lambda fresh: until(result, fresh),
            )
            if action.outcome is not None and self.is_mounted:
                await self._tell_outcome(action, row)

    async def _tell_outcome(self, action: Action, before: Row) -> None:
        from tui.backend.errors import NotFound  # (here: the follow loop may move away)

        assert action.outcome is not None
        try:
            after = await self.resource.refetch(self.context.backend, before)
        except NotFound:
            return
        if self.table.has_key(self.resource.key(after)):
            self.table.load([after], replace=False)
        said = action.outcome(before, after)
        if said is not None:
            ok, text = said
            self.app.notify(
                text,
                title=f"{action.description}: {'done' if ok else 'not done'}",
                severity="information" if ok else "warning",
                timeout=8 if ok else 12,
            )

    async def _poll(
        self,
        rows: list[Row],
        *,
        gone: bool,
        expect_change: bool = True,
        until: Callable[[Row], bool] | None = None,
    ) -> None:
        """Follow rows until each settles (or is gone), updating them in the table."""

        async def one(row: Row) -> None:
            key = self.resource.key(row)

            def update(fresh: Row) -> None:
                if self.table.has_key(key):
                    self.table.load([fresh], replace=False)

            try:
                fresh = await follow_row(
                    self.resource,
                    self.context.backend,
                    row,
                    gone=gone,
                    expect_change=expect_change,
                    update=update,
                    until=until,
                    alive=lambda: self.is_mounted,
                )
            except StillBusy:
                return
            if fresh is None:
                self.table.remove_keys([key])
            elif (why := self.resource.failure(fresh)) is not None:
                label = self.resource.label(fresh)
                self.app.notify(why, title=f"{label} failed", severity="error", timeout=12)

        answers = await asyncio.gather(*(one(r) for r in rows), return_exceptions=True)
        for answer in answers:
            if isinstance(answer, BaseException):
                raise answer


def _confirmed_after_form(action: Action) -> bool:
    """With a form, "yes" and "name" confirm after it: the confirmation can then say what
    the values will do (`plan`), and declining it returns to the form as typed."""
    return action.form is not None and action.confirm in ("yes", "name")


class _Marker:
    pass


_CANCELLED = _Marker()
_DONE = _Marker()
