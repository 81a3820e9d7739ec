"""The app's side of runbooks: the recipes it knows, opening the runbook screen, starting a
run, the `:runbooks` list, and the offer to resume what a previous stackdeck left unfinished.

Mixed into `StackdeckApp`; the runbooks themselves live in `tui.runbook` (no Textual).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, cast

from tui.backend.errors import BackendError

if TYPE_CHECKING:
    from textual.notifications import SeverityLevel

    from tui.app import StackdeckApp
    from tui.context import Context
    from tui.resource import Action, Resource, Row
    from tui.runbook import Event, Runbook, RunbookRequest, Runbooks

RUNBOOK_COMMANDS = ("runbooks", "runbook", "rb")
# how long the resume offer waits for the first list before it shows anyway
OFFER_WAIT_SECONDS = 5.0


def _resources(context: Context) -> Callable[[str], Resource | None]:
    """The declarations by name, bound to `context` (a bulk runbook's rows are its cloud's)."""

    def resource(name: str) -> Resource | None:
        from tui.resource import bind
        from tui.screens.resources.registry import lookup

        found = lookup(name)
        return None if found is None else bind(found, context)

    return resource


class RunbookApp:
    """Mixed into the app (`StackdeckApp`), whose contexts, screens and workers it uses."""

    @property
    def _app(self) -> StackdeckApp:
        return cast("StackdeckApp", self)

    @property
    def runbooks(self) -> Runbooks:
        """The current context's runbooks."""
        return self._app.context.runbooks

    def runbooks_for(self, context: Context) -> Runbooks:
        """A context's runbooks: the recipes the app knows, over that context's backend."""
        from tui.runbook import RecipeRegistry, Runbooks
        from tui.runbook.bulk import BulkAction
        from tui.runbook.hosts import Drain, Evacuate
        from tui.runbook.network_setup import NetworkSetup
        from tui.runbook.router_interfaces import RemoveInterfaces
        from tui.runbook.store import default_store

        recipes = RecipeRegistry()
        recipes.register(BulkAction(_resources(context)))
        recipes.register(Drain())
        recipes.register(Evacuate())
        recipes.register(RemoveInterfaces())
        recipes.register(NetworkSetup())
        return Runbooks(
            context.backend,
            recipes,
            default_store(),
            on_bug=lambda exc: self._app.report_failure(exc, "a runbook item"),
        )

    def open_runbook(self, runbook: Runbook, context: Context | None = None) -> None:
        from tui.screens.runbook import RunbookScreen

        self._app.push_screen(RunbookScreen(runbook, context=context))

    def start_runbook(self, runbook: Runbook) -> None:
        """Run it; when it ends, say so wherever the operator is."""

        def ended(event: Event) -> None:
            if event.item is None and runbook.finished:
                unsubscribe()
                summary = runbook.summary()
                severity: SeverityLevel = (
                    "warning" if summary.failed or summary.aborted else "information"
                )
                self._app.notify(
                    summary.counts(), title=runbook.title, severity=severity, timeout=8
                )

        unsubscribe = runbook.subscribe(ended)
        runbook.start()

    def run_bulk(
        self,
        context: Context,
        resource: Resource,
        action: Action,
        rows: Sequence[Row],
        values: dict[str, Any] | None = None,
        *,
        ended: Callable[[], None] | None = None,
    ) -> None:
        """Preview `action` over `rows` of `context` in the runbook screen (it runs after
        confirmation); `ended` is called once the run has finished (the list reloads)."""
        self._app.run_worker(
            _plan_bulk(self._app, context, resource, action, rows, values, ended),
            group="runbook",
        )

    async def open_requested_runbook(self, context: Context, request: RunbookRequest) -> None:
        """An action asked for a runbook (a drain): plan it, show its preview."""
        try:
            runbook = await context.runbooks.plan(
                request.recipe, request.params, concurrency=request.concurrency
            )
        except BackendError as exc:
            self._app.notify_error(exc)
            return
        self.open_runbook(runbook, context)

    def action_runbooks(self) -> None:
        from tui.screens.runbook_dialogs import RunbookListScreen

        self._app.push_screen(RunbookListScreen())

    def offer_resume(self, raw: dict[str, Any], context: Context | None = None) -> None:
        """Offer to resume `raw`, a runbook `context` (default: the current) left unfinished."""
        self._app.run_worker(_offer(self._app, raw, context), group="runbook")

    def offer_unfinished_runbooks(self) -> None:
        """At start-up: offer each runbook a previous stackdeck left unfinished."""
        from tui.config import state_dir

        if (state_dir() / "runbooks").is_dir():  # cheap: most starts have none
            self._app.run_worker(_offer_all(self._app), group="runbook")


async def _plan_bulk(
    app: StackdeckApp,
    context: Context,
    resource: Resource,
    action: Action,
    rows: Sequence[Row],
    values: dict[str, Any] | None,
    ended: Callable[[], None] | None = None,
) -> None:
    from tui.runbook.bulk import NAME, bulk_params

    params = bulk_params(resource, action, rows, values)
    try:
        runbook = await context.runbooks.plan(NAME, params, rows)
    except BackendError as exc:
        app.notify_error(exc)
        return
    if ended is not None:
        after = ended

        def on_end(event: Event) -> None:
            if event.item is None and runbook.finished:
                unsubscribe()
                after()

        unsubscribe = runbook.subscribe(on_end)
    app.open_runbook(runbook, context)


async def _offer_all(app: StackdeckApp) -> None:
    from tui.screens.resource import ResourceScreen

    context = app.context
    if not context.runbooks.unfinished():
        return
    for _ in range(int(OFFER_WAIT_SECONDS / 0.05)):  # over the first list, not under it
        if isinstance(app.screen, ResourceScreen):
            break
        await asyncio.sleep(0.05)
    for raw in context.runbooks.unfinished():
        await _offer(app, raw, context)


async def _offer(app: StackdeckApp, raw: dict[str, Any], context: Context | None) -> None:
    from tui.screens.runbook_dialogs import ResumeScreen

    context = context or app.context
    choice = await app.push_screen_wait(ResumeScreen(raw))
    if choice == "discard":
        context.runbooks.discard(str(raw["id"]))
        app.notify(f"Discarded the unfinished runbook {raw.get('title')}.", timeout=5)
        return
    if choice != "resume":
        app.notify("It stays on disk: :runbooks offers it again.", timeout=5)
        return
    try:
        await context.connect()
        runbook = await context.runbooks.reopen(raw)
    except BackendError as exc:
        app.notify_error(exc)
        return
    app.open_runbook(runbook, context)
    app.start_runbook(runbook)
