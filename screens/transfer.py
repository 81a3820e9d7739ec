"""One progress UI for any byte transfer (image upload/download, object upload/download).

An action's `run` returns a `Transfer` instead of a result; the acting mixin then shows a
`TransferScreen`, which runs it as a one-item runbook (`tui.runbook.transfer`): bytes done /
total, percentage and rate, and `esc` that aborts it (the next chunk raises
`TransferCancelled` in the backend) so the runbook runs the transfer's cleanup.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import ProgressBar, Static

from tui.backend.errors import BackendError
from tui.guard import GuardedHandlers
from tui.runbook.items import State
from tui.runbook.transfer import (
    Transfer,
    TransferRecipe,
    stats_text,
    transfer_runbook,
)
from tui.screens.contextual import Contextual
from tui.styles import STYLES

if TYPE_CHECKING:
    from tui.app import StackdeckApp
    from tui.runbook import Event, Runbook

REFRESH_SECONDS = 0.1


class TransferScreen(GuardedHandlers, Contextual, ModalScreen[Any]):
    """Runs a `Transfer`; returns its `result`, or None when it failed or was cancelled."""

    CSS_PATH = STYLES / "transfer.tcss"

    app: StackdeckApp

    BINDINGS = [Binding("escape", "cancel", "Cancel transfer")]

    def __init__(self, transfer: Transfer, *, clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__()
        self.transfer = transfer
        self.clock = clock
        self.started = clock()
        self.runbook: Runbook | None = None
        self.finished = False

    @property
    def recipe(self) -> TransferRecipe | None:
        recipe = self.runbook.recipe if self.runbook is not None else None
        return recipe if isinstance(recipe, TransferRecipe) else None

    @property
    def done(self) -> int:
        return self.recipe.done if self.recipe else 0

    @property
    def total(self) -> int | None:
        return self.recipe.total if self.recipe else self.transfer.total

    def compose(self) -> ComposeResult:
        with Vertical(id="transfer"):
            yield Static(Text(self.transfer.title, style="bold"), id="transfer-title")
            yield ProgressBar(total=self.total, show_eta=False, id="transfer-bar")
            yield Static(id="transfer-stats")
            yield Static(Text("esc cancels (and cleans up)", style="dim"), id="transfer-status")

    def on_mount(self) -> None:
        self.runbook = self.context.runbooks.track(
            transfer_runbook(self.context.backend, self.transfer)
        )
        self.runbook.subscribe(self._changed)
        self.set_interval(REFRESH_SECONDS, self.refresh_progress)
        self.refresh_progress()
        self.runbook.start()

    def refresh_progress(self) -> None:
        bar = self.query_one("#transfer-bar", ProgressBar)
        bar.update(total=self.total, progress=self.done)
        elapsed = self.clock() - self.started
        self.query_one("#transfer-stats", Static).update(stats_text(self.done, self.total, elapsed))

    def action_cancel(self) -> None:
        runbook = self.runbook
        if self.finished or runbook is None or runbook.finished or runbook.phase == "aborting":
            return
        runbook.abort()
        self.query_one("#transfer-status", Static).update(
            Text("cancelling… (at the next chunk)", style="bold yellow")
        )

    def _changed(self, event: Event) -> None:
        if self.finished or not self.is_mounted:
            return
        item = event.item
        if item is not None and item.message.endswith("cleaning up"):
            self.query_one("#transfer-status", Static).update(Text("cleaning up…", style="italic"))
        if item is None and event.runbook.finished:
            self._ended(event.runbook)

    def _ended(self, runbook: Runbook) -> None:
        item, recipe = runbook.items[0], self.recipe
        assert recipe is not None
        if item.state is State.DONE:
            self.refresh_progress()
            if self.transfer.done is not None:
                self.app.notify(self.transfer.done(recipe.answer), title="Done", timeout=8)
            self._finish(self.transfer.result(recipe.answer))
            return
        if item.state is State.ABORTED:
            self.app.notify(f"{self.transfer.title}: cancelled.", severity="warning")
        else:
            error = recipe.error or BackendError(item.message, operation=self.transfer.title)
            self.app.notify_error(error)
        if "cleanup failed" in item.message:
            self.app.notify(item.message, severity="error")
        self._finish(None)

    def _finish(self, result: Any) -> None:
        self.finished = True
        self.dismiss(result)
