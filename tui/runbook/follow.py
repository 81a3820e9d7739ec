"""Following a row after an action: refetch it until it settles, or until it is gone.

The one polling loop stackdeck has: the resource screen uses it after a single action, the
bulk recipe after each item's call.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from tui.backend.errors import NotFound

if TYPE_CHECKING:
    from tui.backend.base import Backend
    from tui.resource import Resource, Row

FOLLOW_SECONDS = 300.0
FIRST_POLL = 0.5
MAX_POLL = 3.0


class StillBusy(Exception):
    """The row did not settle in time (or whoever watched it went away)."""

    def __init__(self, row: Row) -> None:
        super().__init__("did not settle in time")
        self.row = row


async def follow_row(
    resource: Resource,
    backend: Backend,
    row: Row,
    *,
    gone: bool = False,
    expect_change: bool = True,
    update: Callable[[Row], object] | None = None,
    until: Callable[[Row], bool] | None = None,
    alive: Callable[[], bool] = lambda: True,
    sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
    clock: Callable[[], float] = time.monotonic,
    timeout: float = FOLLOW_SECONDS,
) -> Row | None:
    """The row once it settled (None once it is gone); `update` sees every fresh answer.

    After an action the first answers may still show the old state, so a row counts as
    settled only once it changed (or polling has slowed to its maximum); with `until`, only
    once that holds (a call Nova finishes after answering, whose effect the row's state does
    not show). With `gone`, only a 404 ends it. Raises StillBusy after `timeout` or when
    `alive()` turns false.
    """
    deadline = clock() + timeout
    delay = FIRST_POLL
    before = row
    while clock() < deadline and alive():
        await sleep(delay)
        delay = min(delay * 1.5, MAX_POLL)
        try:
            fresh = await resource.refetch(backend, before)
        except NotFound:
            return None
        if update is not None:
            update(fresh)
        if until is not None:
            changed = until(fresh)
        else:
            changed = not expect_change or fresh != row or delay >= MAX_POLL
        if resource.settled(fresh) and changed and not gone:
            return fresh
        before = fresh
    raise StillBusy(before)
