"""One progress UI for any byte transfer (image upload/download, object upload/download).

An action's `run` returns a `Transfer` instead of a result; the acting mixin then shows a
`TransferScreen`: bytes done / total, percentage and rate, and `esc` that really stops it
(the next chunk raises `TransferCancelled` in the backend) and runs the transfer's cleanup.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import ProgressBar, Static

from tui.backend.errors import BackendError
from tui.backend.transfer import Progress, TransferCancelled
from tui.styles import STYLES

if TYPE_CHECKING:
    from tui.app import StackdeckApp

REFRESH_SECONDS = 0.1


def _same(value: Any) -> Any:
    return value


@dataclass(frozen=True, slots=True)
class Transfer:
    """A transfer to run with progress.

    `job` moves the bytes, reporting to the `Progress` it is given. `cleanup` undoes what was
    half made when it fails or is cancelled (e.g. deletes the image record whose data never
    arrived). `result` maps the job's answer to what the action returns (what to follow);
    `done` says in a sentence what was achieved.
    """

    title: str
    job: Callable[[Progress], Awaitable[Any]]
    total: int | None = None
    cleanup: Callable[[], Awaitable[None]] | None = None
    result: Callable[[Any], Any] = _same
    done: Callable[[Any], str] | None = None


def human_bytes(count: float) -> str:
    for unit in ("B", "KiB", "MiB", "GiB", "TiB"):
        if count < 1024 or unit == "TiB":
            return f"{count:.0f} {unit}" if unit == "B" else f"{count:.1f} {unit}"
        count /= 1024
    return f"{count} B"


def stats_text(done: int, total: int | None, seconds: float) -> str:
    """`1.5 MiB / 3.0 MiB  50%  2.0 MiB/s` (no total: no percentage)."""
    parts = [human_bytes(done) + (f" / {human_bytes(total)}" if total else "")]
    if total:
        parts.append(f"{100 * done // total}%")
    if seconds > 0:
        parts.append(f"{human_bytes(done / seconds)}/s")
    return "  ".join(parts)


class TransferScreen(ModalScreen[Any]):
    """Runs a `Transfer`; returns its `result`, or None when it failed or was cancelled."""

    CSS_PATH = STYLES / "transfer.tcss"

    app: StackdeckApp

    BINDINGS = [Binding("escape", "cancel", "Cancel transfer")]

    def __init__(self, transfer: Transfer, *, clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__()
        self.transfer = transfer
        self.clock = clock
        self.done = 0
        self.total = transfer.total
        self.started = clock()
        self.cancel_requested = threading.Event()
        self.finished = False

    def compose(self) -> ComposeResult:
        with Vertical(id="transfer"):
            yield Static(Text(self.transfer.title, style="bold"), id="transfer-title")
            yield ProgressBar(total=self.total, show_eta=False, id="transfer-bar")
            yield Static(id="transfer-stats")
            yield Static(Text("esc cancels (and cleans up)", style="dim"), id="transfer-status")

    def on_mount(self) -> None:
        self.set_interval(REFRESH_SECONDS, self.refresh_progress)
        self.refresh_progress()
        self._run()

    def progress(self, done: int, total: int | None) -> None:
        """The `Progress` the backend calls (maybe from its worker thread): only records."""
        self.done, self.total = done, total
        if self.cancel_requested.is_set():
            raise TransferCancelled("Transfer cancelled.", operation=self.transfer.title)

    def refresh_progress(self) -> None:
        bar = self.query_one("#transfer-bar", ProgressBar)
        bar.update(total=self.total, progress=self.done)
        elapsed = self.clock() - self.started
        self.query_one("#transfer-stats", Static).update(stats_text(self.done, self.total, elapsed))

    def action_cancel(self) -> None:
        if self.finished or self.cancel_requested.is_set():
            return
        self.cancel_requested.set()
        self.query_one("#transfer-status", Static).update(
            Text("cancelling… (at the next chunk)", style="bold yellow")
        )

    @work(exclusive=True, group="transfer")
    async def _run(self) -> None:
        try:
            answer = await self.transfer.job(self.progress)
        except TransferCancelled:
            await self._clean_up()
            self.app.notify(f"{self.transfer.title}: cancelled.", severity="warning")
            self._finish(None)
            return
        except BackendError as exc:
            await self._clean_up()
            self.app.notify_error(exc)
            self._finish(None)
            return
        self.refresh_progress()
        if self.transfer.done is not None:
            self.app.notify(self.transfer.done(answer), title="Done", timeout=8)
        self._finish(self.transfer.result(answer))

    async def _clean_up(self) -> None:
        if self.transfer.cleanup is None:
            return
        self.query_one("#transfer-status", Static).update(Text("cleaning up…", style="italic"))
        try:
            await self.transfer.cleanup()
        except BackendError as exc:
            self.app.notify_error(exc)

    def _finish(self, result: Any) -> None:
        self.finished = True
        self.dismiss(result)
