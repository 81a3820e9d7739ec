"""Pages of a list grouped into batches for the table, so a big list costs few frames.

A cloud sends pages of 1,000 rows. Taking each into the table makes the screen draw a
frame per page (the rows, the count, the scroll bar, the key bar): at 100,000 servers that
was three frames per page, a third of the list's CPU time. The first page goes to the table
at once (rows to look at); after it, the pages that arrive within `BATCH_SECONDS` of the
last batch go in together, so the count on screen still moves several times a second.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Callable
from typing import Any

from tui import collector

BATCH_SECONDS = 0.25


async def batched(
    pages: AsyncIterator[list[Any]],
    *,
    seconds: float = BATCH_SECONDS,
    clock: Callable[[], float] = time.monotonic,
) -> AsyncIterator[list[list[Any]]]:
    """The pages in batches: the first page alone, then every page that came within
    `seconds` of the previous batch; the last batch when the pages end. The cyclic GC is
    held off meanwhile (`tui.collector`)."""
    batch: list[list[Any]] = []
    due = 0.0
    with collector.held():
        async for page in pages:
            batch.append(page)
            if clock() >= due:
                yield batch
                batch = []
                due = clock() + seconds
        if batch:
            yield batch
