"""The runbook screen: the preview (every call, every skipped target and why), then live
progress per item, counts and elapsed time, pause/abort/retry, and the summary.

One screen for every recipe (bulk actions, drains, transfers). `esc` leaves it running;
`:runbooks` opens it again.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Self

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Static

from tui.backend.errors import BackendError
from tui.guard import GuardedHandlers, on
from tui.resource import Col
from tui.runbook import Event, Item, Phase, Runbook, State
from tui.runbook.items import UNFINISHED, duration
from tui.screens.contextual import Contextual
from tui.screens.screen_keys import key_binding, with_keys
from tui.styles import STYLES
from tui.text import one_line
from tui.widgets.header import CloudHeader
from tui.widgets.keybar import KeyBar
from tui.widgets.resource_table import ResourceTable

if TYPE_CHECKING:
    from tui.app import StackdeckApp
    from tui.context import Context

STATE_STYLE = {
    State.PENDING: "dim",
    State.RUNNING: "bold cyan",
    State.WAITING: "cyan",
    State.DONE: "green",
    State.FAILED: "bold red",
    State.SKIPPED: "yellow",
    State.ABORTED: "magenta",
    State.UNDONE: "yellow",
}
PHASE_STYLE = {
    Phase.PREVIEW: "bold yellow",
    Phase.RUNNING: "bold cyan",
    Phase.PAUSED: "bold yellow",
    Phase.ABORTING: "bold magenta",
    Phase.ROLLING_BACK: "bold yellow",
    Phase.FINISHED: "bold green",
    Phase.ABORTED: "bold magenta",
}
BAR_WIDTH = 10
TICK_SECONDS = 1.0


def bar(fraction: float) -> str:
    filled = round(max(0.0, min(1.0, fraction)) * BAR_WIDTH)
    return "█" * filled + "░" * (BAR_WIDTH - filled) + f" {fraction:4.0%}"


@dataclass(frozen=True, slots=True)
class ItemRow:
    """What the table shows of an item at one moment (items change; rows are replaced)."""

    key: str
    state: str
    label: str
    detail: str
    state_style: str
    detail_style: str

    @classmethod
    def of(cls, item: Item, preview: bool) -> ItemRow:
        state = item.state.value
        if preview:
            state = "skip" if item.state is State.SKIPPED else "will run"
        detail_style = ""
        if item.state is State.SKIPPED:
            detail, detail_style = f"skipped: {one_line(item.message)}", "yellow"
        elif preview or (item.state is State.PENDING and not item.message):
            detail, detail_style = " → ".join(one_line(c) for c in item.calls), "dim"
        else:
            detail = one_line(item.message)
            if item.state is State.WAITING and item.progress is not None:
                detail = f"{bar(item.progress)} {detail}"
            if item.state is State.FAILED:
                detail_style = "red"
        return cls(
            item.key,
            state,
            one_line(item.label),
            detail,
            STATE_STYLE[item.state],
            detail_style,
        )


ITEM_COLUMNS = (
    Col("State", lambda r: r.state, min_width=8, max_width=11, style=lambda r: r.state_style),
    Col("Target", lambda r: r.label, min_width=8, max_width=28),
    Col(
        "Calls / progress",
        lambda r: r.detail,
        min_width=16,
        max_width=200,
        style=lambda r: r.detail_style,
    ),
)


def counts(runbook: Runbook) -> Text:
    text = Text()
    shown = [
        (State.DONE, "done"),
        (State.FAILED, "failed"),
        (State.SKIPPED, "skipped"),
        (State.ABORTED, "aborted"),
        (State.UNDONE, "rolled back"),
    ]
    active = runbook.count(State.RUNNING, State.WAITING)
    pending = runbook.count(State.PENDING)
    parts: list[tuple[str, str]] = []
    if active:
        parts.append((f"{active} running", STATE_STYLE[State.RUNNING]))
    if pending:
        parts.append((f"{pending} pending", "dim"))
    for state, word in shown:
        if n := runbook.count(state):
            parts.append((f"{n} {word}", STATE_STYLE[state]))
    for i, (part, style) in enumerate(parts):
        if i:
            text.append(" · ")
        text.append(part, style=style)
    return text


class RunbookScreen(GuardedHandlers, Contextual, Screen[None]):
    """One runbook: its preview, its run, its summary."""

    app: StackdeckApp

    CSS_PATH = STYLES / "runbook.tcss"

    BINDINGS = [
        Binding("y", "run", "Run"),
        Binding("p", "pause", "Pause/resume"),
        Binding("x", "abort", "Abort"),
        Binding("R", "retry", "Retry failed"),
        Binding("U", "roll_back", "Roll back"),
        Binding("d", "detail", "Detail"),
        Binding("escape", "back", "Back"),
    ]

    def __new__(cls, runbook: Runbook, *, context: Context | None = None) -> Self:
        # the recipe's follow-ups (open the drained host's servers...) are keys of the class
        followups = runbook.recipe.followups(runbook.params)
        keys = [
            key_binding(f.key, f"followup('{f.key}')", f.description.capitalize())
            for f in followups
        ]
        return super().__new__(with_keys(cls, keys))

    def __init__(self, runbook: Runbook, *, context: Context | None = None) -> None:
        super().__init__(name="runbook", context=context)
        self.runbook = runbook
        self._unsubscribe: object = None
        self.followups = {f.key: f for f in runbook.recipe.followups(runbook.params)}

    def compose(self) -> ComposeResult:
        yield CloudHeader(id="header")
        yield Static(id="rb-title")
        yield Static(id="rb-status")
        yield ResourceTable(ITEM_COLUMNS, lambda r: r.key, empty_message="No items", id="rb-items")
        yield Static(id="rb-summary")
        yield KeyBar()

    @property
    def table(self) -> ResourceTable:
        return self.query_one("#rb-items", ResourceTable)

    def on_mount(self) -> None:
        self.show_context(self.query_one(CloudHeader))
        self._show_items()
        self._unsubscribe = self.runbook.subscribe(self._changed)
        self.set_interval(TICK_SECONDS, self._tick)
        self._show_status()
        self.table.focus()

    def on_unmount(self) -> None:
        if callable(self._unsubscribe):
            self._unsubscribe()

    # -- drawing -------------------------------------------------------------------------

    def _changed(self, event: Event) -> None:
        if not self.is_mounted:
            return
        if event.item is not None:
            self.table.load([ItemRow.of(event.item, preview=False)], replace=False)
        else:
            self._show_items()
        self._show_status()
        self.refresh_bindings()

    def _tick(self) -> None:
        """Elapsed time, and progress a recipe counts without events (a transfer's bytes)."""
        active = [i for i in self.runbook.items if i.state is State.WAITING]
        if active:
            self.table.load([ItemRow.of(i, preview=False) for i in active], replace=False)
        self._show_status()

    def _show_items(self) -> None:
        preview = self.runbook.phase is Phase.PREVIEW
        self.table.load([ItemRow.of(i, preview) for i in self.runbook.items], replace=False)

    def _show_status(self) -> None:
        runbook = self.runbook
        title = Text(one_line(runbook.title), style="bold")
        title.append(f"  ({len(runbook.items)} items, at most {runbook.concurrency} at once)")
        self.query_one("#rb-title", Static).update(title)
        status = Text(runbook.phase.value, style=PHASE_STYLE[runbook.phase])
        if runbook.phase is Phase.PREVIEW:
            runs = len(runbook.items) - runbook.count(State.SKIPPED)
            status.append(
                f" · {runs} to run, {runbook.count(State.SKIPPED)} skipped · nothing sent"
            )
            status.append(" · y runs it", style="dim")
        else:
            status.append(" · ")
            status.append_text(counts(runbook))
            status.append(f" · {duration(runbook.elapsed)}")
        self.query_one("#rb-status", Static).update(status)
        self.query_one("#rb-summary", Static).update(self._summary())

    def _summary(self) -> Text:
        runbook = self.runbook
        if not runbook.finished:
            return Text()
        summary = runbook.summary()
        text = Text(
            f"{'Aborted' if runbook.phase is Phase.ABORTED else 'Finished'} "
            f"in {duration(summary.elapsed)}: {summary.counts()}",
            style="bold",
        )
        for item in runbook.items:  # a recipe's last word: "compute1 runs no server"
            if item.data.get("summary") and item.state is State.DONE:
                text.append(f"\n✔ {one_line(item.message)}", style="green")
        for item in summary.failed:
            where = (
                f"stopped at step {runbook.items.index(item) + 1}, " if runbook.recipe.chain else ""
            )
            text.append(f"\n✖ {where}{one_line(item.label)}: ", style="red")
            text.append(one_line(item.error.text() if item.error else item.message))
        if summary.undone:
            text.append("\n↶ rolled back: ", style="yellow")
            text.append(", ".join(one_line(i.label) for i in summary.undone))
        stopped = summary.failed or summary.undone or summary.aborted
        if left := runbook.left() if stopped else []:
            text.append("\n● left in the cloud: ", style="bold yellow")
            text.append(", ".join(one_line(i.label) for i in left))
            text.append("  U rolls them back", style="dim")
        if summary.failed:
            again = (
                "runs again what did not stand"
                if runbook.recipe.chain
                else "retries the failed items"
            )
            text.append(f"\nR {again}", style="dim")
        for key, followup in self.followups.items():
            text.append(f"\n{key} ", style="bold")
            text.append(followup.description, style="dim")
        return text

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        phase = self.runbook.phase
        if action == "run":
            return phase is Phase.PREVIEW
        if action == "pause":
            return phase in (Phase.RUNNING, Phase.PAUSED)
        if action == "abort":
            return phase in (Phase.RUNNING, Phase.PAUSED)
        if action == "retry":
            busy = (Phase.ABORTING, Phase.ROLLING_BACK)
            return self.runbook.count(State.FAILED) > 0 and phase not in busy
        if action == "roll_back":
            return self.runbook.can_roll_back
        if action == "followup":
            return self.runbook.finished
        return True

    # -- keys ----------------------------------------------------------------------------

    @property
    def selected(self) -> Item | None:
        row = self.table.selected
        return None if row is None else self.runbook.item(row.key)

    @on(ResourceTable.Selected)
    def _chosen(self) -> None:
        self.action_detail()

    @work(group="runbook")
    async def action_run(self) -> None:
        runbook = self.runbook
        if runbook.phase is not Phase.PREVIEW:
            return
        runs = [i for i in runbook.items if i.state in UNFINISHED]
        if not runs:
            self.app.notify(f"{runbook.title}: nothing to do.", severity="warning")
            return
        if runbook.recipe.destructive(runbook.params):
            from tui.screens.confirm import ConfirmScreen

            body = Text(f"{len(runs)} items will run, at most {runbook.concurrency} at once.")
            if skipped := runbook.count(State.SKIPPED):
                body.append(f"\n{skipped} skipped (see the list).")
            screen = ConfirmScreen(f"{one_line(runbook.title)}?", body, expected=str(len(runs)))
            if not await self.app.push_screen_wait(screen):
                return
        self.app.start_runbook(runbook)

    def action_pause(self) -> None:
        self.runbook.toggle_pause()

    @work(group="runbook")
    async def action_abort(self) -> None:
        from tui.screens.confirm import ConfirmScreen

        runbook = self.runbook
        left = runbook.count(State.PENDING)
        body = Text(f"{left} items not started will not run; items in flight finish")
        body.append(" or are stopped." if runbook.recipe.can_abort else ".")
        if await self.app.push_screen_wait(
            ConfirmScreen(f"Abort {one_line(runbook.title)}?", body)
        ):
            runbook.abort()

    @work(group="runbook")
    async def action_followup(self, key: str) -> None:
        """What the recipe offers once it ended: re-enable the service, list what is left."""
        followup = self.followups.get(key)
        if followup is None or not self.runbook.finished:
            return
        if followup.resource:
            from tui.screens.resource import ResourceScreen
            from tui.screens.resources.registry import lookup

            resource = lookup(followup.resource)
            if resource is not None:
                self.app.push_screen(ResourceScreen(resource, followup.scope))
            return
        if followup.call is None:
            return
        if self.context.read_only:
            self.app.notify("Read-only mode: not available.", severity="warning")
            return
        try:
            said = await followup.call(self.context.backend)
        except BackendError as exc:
            self.app.notify_error(exc)
            return
        self.app.notify(said, title=one_line(self.runbook.title), timeout=6)

    @work(group="runbook")
    async def action_roll_back(self) -> None:
        """Undo what the run made and left (a chain stopped with "leave what was made")."""
        from tui.screens.confirm import ConfirmScreen

        runbook = self.runbook
        left = runbook.left()
        if not left:
            return
        body = Text("Undone, last made first:\n")
        body.append("\n".join(f"  {one_line(i.label)}" for i in reversed(left)))
        if await self.app.push_screen_wait(
            ConfirmScreen(f"Roll back {one_line(runbook.title)}?", body)
        ):
            runbook.roll_back()

    def action_retry(self) -> None:
        if count := self.runbook.retry_failed():
            self.app.notify(f"Retrying {count} failed items.", timeout=4)

    def action_detail(self) -> None:
        item = self.selected
        if item is None:
            return
        from tui.screens.runbook_dialogs import ItemDetailScreen

        self.app.push_screen(ItemDetailScreen(self.runbook, item))

    def action_back(self) -> None:
        if self.runbook.phase is Phase.PREVIEW:
            self.runbook.abort()  # nothing was sent; nothing is kept
            self.context.runbooks.forget(self.runbook)
        elif not self.runbook.finished:
            self.app.notify(
                f"{self.runbook.title}: still running. :runbooks shows it again.", timeout=5
            )
        self.dismiss()
