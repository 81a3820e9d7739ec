"""Blocking work (openstacksdk, keystoneauth) off the event loop, on threads no one joins.

``asyncio.to_thread`` uses the loop's default executor, which Python waits for at exit:
a request hung on a silent API would hold ``ctrl+c`` until its timeout. Here each call
runs on a daemon thread; a caller that is cancelled or gone just drops the answer.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import threading
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")


async def in_thread(fn: Callable[[], T]) -> T:
    """``fn()`` on a daemon thread; its result or exception, unless no one waits any more."""
    loop = asyncio.get_running_loop()
    future: asyncio.Future[T] = loop.create_future()
    context = contextvars.copy_context()

    def deliver(setter: Callable[[Any], None], value: Any) -> None:
        def settle() -> None:
            if not future.done():  # cancelled (esc, quit): the answer is dropped
                setter(value)

        with contextlib.suppress(RuntimeError):  # the loop is closed: stackdeck has ended
            loop.call_soon_threadsafe(settle)

    def run() -> None:
        try:
            result = context.run(fn)
        except BaseException as exc:
            deliver(future.set_exception, exc)
        else:
            deliver(future.set_result, result)

    threading.Thread(target=run, name="stackdeck-call", daemon=True).start()
    return await future
