"""A byte transfer (image/object upload or download) as a one-item runbook.

An action's `run` returns a `Transfer` instead of a result; it runs as a runbook whose one
item reports bytes done / total. Abort really stops it (the next chunk raises
`TransferCancelled` in the backend), and a failed or aborted transfer runs its cleanup
(e.g. deletes the image record whose data never arrived). A transfer's job is a closure
over an open file: it is not persisted, so it is not offered for resume after a restart.
"""

from __future__ import annotations

import threading
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from tui.backend.errors import BackendError
from tui.backend.transfer import Progress, TransferCancelled
from tui.runbook.engine import Runbook
from tui.runbook.items import Item
from tui.runbook.recipe import ItemRun, Params, Recipe

if TYPE_CHECKING:
    from tui.backend.base import Backend

NAME = "transfer"


def _same(value: Any) -> Any:
    return value


@dataclass(frozen=True, slots=True)
class Transfer:
    """A transfer to run with progress.

    `job` moves the bytes, reporting to the `Progress` it is given. `cleanup` undoes what was
    half made when it fails or is cancelled. `result` maps the job's answer to what the
    action returns (what to follow); `done` says in a sentence what was achieved.
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


class TransferRecipe(Recipe):
    """One transfer's recipe: its bytes counted here, from the backend's worker thread."""

    name = NAME
    concurrency = 1
    can_abort = True

    def __init__(self, transfer: Transfer) -> None:
        self.transfer = transfer
        self.done = 0
        self.total = transfer.total
        self.answer: Any = None
        self.error: BackendError | None = None  # as the backend raised it
        self.stop = threading.Event()
        self.item: Item | None = None

    def title(self, params: Params) -> str:
        return self.transfer.title

    def destructive(self, params: Params) -> bool:
        return False

    async def plan(self, backend: Backend, params: Params, targets: Any = ()) -> list[Item]:
        return [Item(NAME, self.transfer.title, calls=[self.transfer.title])]

    def progress(self, done: int, total: int | None) -> None:
        """The `Progress` the backend calls (maybe from its worker thread): only records."""
        self.done, self.total = done, total
        if self.item is not None:  # read by whoever draws it, at its own pace
            self.item.progress = self.fraction()
            self.item.message = human_bytes(done) + (f" / {human_bytes(total)}" if total else "")
        if self.stop.is_set():
            raise TransferCancelled("Transfer cancelled.", operation=self.transfer.title)

    async def run(self, run: ItemRun) -> None:
        run.sending(self.transfer.title)
        run.progress("starting", 0.0 if self.total else None)
        self.item = run.item
        try:
            self.answer = await self.transfer.job(self.progress)
        except BackendError as exc:
            self.error = exc
            raise
        finally:
            self.item = None
        run.item.progress = 1.0
        run.item.message = self.transfer.done(self.answer) if self.transfer.done else "done"

    async def abort(self, run: ItemRun) -> None:
        self.stop.set()  # the next chunk stops it

    async def cleanup(self, backend: Backend, item: Item, params: Params) -> None:
        if self.transfer.cleanup is not None:
            item.message += " · cleaning up"
            await self.transfer.cleanup()
            item.message = item.message.removesuffix(" · cleaning up") + " · cleaned up"

    def fraction(self) -> float | None:
        return self.done / self.total if self.total else None


def transfer_runbook(backend: Backend, transfer: Transfer, **kwargs: Any) -> Runbook:
    """The one-item runbook that runs `transfer` (not saved: it cannot be resumed)."""
    recipe = TransferRecipe(transfer)
    items = [Item(NAME, transfer.title, calls=[transfer.title])]
    return Runbook(recipe, backend, {"title": transfer.title}, items, **kwargs)
