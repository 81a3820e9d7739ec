"""Pages of a list grouped into batches for the table, so a big list costs few frames.

A cloud sends pages of 1,000 rows. Taking each into the table makes the screen draw a
frame per page (the rows, the count, the scroll bar, the key bar): at 100,000 servers that
was three frames per page, a third of the list's CPU time. The first page goes to the table
at once (rows to look at); after it, the pages that arrive within `BATCH_SECONDS` of the
last batch go in together, so the count on screen still moves several times a second. A
batch never waits for a slow next page past its time (an overview's slow check), and the
pages that came before a failure are given before it.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncGenerator, AsyncIterator, Callable
from typing import Any

from tui import collector

BATCH_SECONDS = 0.25


async def batched(
    pages: AsyncIterator[list[Any]],
    *,
    seconds: float = BATCH_SECONDS,
    clock: Callable[[], float] = time.monotonic,
) -> AsyncGenerator[list[list[Any]], None]:
    """The pages in batches: the first page alone, then every page that came within
    `seconds` of the previous batch; the last batch when the pages end. The cyclic GC is
    held off meanwhile (`tui.collector`)."""
    batch: list[list[Any]] = []
    due = 0.0
    coming: asyncio.Future[list[Any]] | None = None
    with collector.held():
        try:
            while True:
                if coming is None:
                    coming = asyncio.ensure_future(anext(pages))
                wait = max(0.0, due - clock()) if batch else None
                done, _ = await asyncio.wait({coming}, timeout=wait)
                if done:
                    arrived, coming = coming, None
                    try:
                        batch.append(arrived.result())
                    except StopAsyncIteration:
                        break
                    except Exception:
                        if batch:  # what came before the failure is shown
                            yield batch
                        raise
                if batch and clock() >= due:
                    yield batch
                    batch = []
                    due = clock() + seconds
            if batch:
                yield batch
        finally:
            if coming is not None and not coming.done():
                coming.cancel()
                with contextlib.suppress(asyncio.CancelledError, StopAsyncIteration, Exception):
                    await coming
            close = getattr(pages, "aclose", None)
            if close is not None:  # a page may have come just as the list was stopped
                with contextlib.suppress(Exception):
                    await close()
