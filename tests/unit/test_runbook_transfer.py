"""A transfer as a one-item runbook: bytes counted, abort stops it at the next chunk and
cleans up, a failure cleans up too, the audit lines carry the runbook's id."""

from __future__ import annotations

import asyncio
from pathlib import Path

from tui.backend.audit import RUNBOOK
from tui.backend.errors import BackendError
from tui.backend.memory import MemoryBackend
from tui.backend.transfer import Progress
from tui.runbook import Phase, State
from tui.runbook.transfer import Transfer, TransferRecipe, transfer_runbook

MiB = 1 << 20


class Chunks:
    """A job sending `chunks` MiB, one per step the test allows."""

    def __init__(self, chunks: int = 4) -> None:
        self.chunks = chunks
        self.step = asyncio.Semaphore(0)
        self.cleaned = False
        self.runbook_seen = ""

    async def job(self, progress: Progress) -> str:
        self.runbook_seen = RUNBOOK.get()
        for sent in range(1, self.chunks + 1):
            await self.step.acquire()
            progress(sent * MiB, self.chunks * MiB)
        return "image-id"

    async def cleanup(self) -> None:
        self.cleaned = True

    def transfer(self) -> Transfer:
        return Transfer("Uploading disk.img", self.job, self.chunks * MiB, cleanup=self.cleanup)


async def test_a_transfer_counts_bytes_and_ends_with_its_answer() -> None:
    chunks = Chunks()
    runbook = transfer_runbook(MemoryBackend(servers=0), chunks.transfer())
    recipe = runbook.recipe
    assert isinstance(recipe, TransferRecipe)
    runbook.start()
    chunks.step.release()
    chunks.step.release()
    while recipe.done < 2 * MiB:
        await asyncio.sleep(0)
    (item,) = runbook.items
    assert (item.state, item.progress, item.message) == (State.WAITING, 0.5, "2.0 MiB / 4.0 MiB")
    for _ in range(2):
        chunks.step.release()
    summary = await runbook.wait()
    assert len(summary.done) == 1 and recipe.answer == "image-id"
    assert chunks.runbook_seen == runbook.id and not chunks.cleaned


async def test_abort_stops_at_the_next_chunk_and_cleans_up() -> None:
    chunks = Chunks()
    runbook = transfer_runbook(MemoryBackend(servers=0), chunks.transfer())
    runbook.start()
    chunks.step.release()
    await asyncio.sleep(0.01)
    runbook.abort()
    chunks.step.release()
    summary = await runbook.wait()
    assert runbook.phase is Phase.ABORTED
    assert [i.message for i in summary.aborted] == ["aborted while running · cleaned up"]
    assert chunks.cleaned


async def test_a_failed_transfer_keeps_the_error_and_cleans_up(tmp_path: Path) -> None:
    chunks = Chunks()

    async def refused(progress: Progress) -> None:
        raise BackendError("Image storage full", status=413, request_id="req-full")

    transfer = Transfer("Uploading disk.img", refused, cleanup=chunks.cleanup)
    runbook = transfer_runbook(MemoryBackend(servers=0), transfer)
    runbook.start()
    summary = await runbook.wait()
    (failed,) = summary.failed
    assert failed.error is not None and failed.error.request_id == "req-full"
    recipe = runbook.recipe
    assert isinstance(recipe, TransferRecipe) and recipe.error is not None
    assert chunks.cleaned
