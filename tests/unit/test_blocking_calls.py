"""Blocking SDK work runs on daemon threads: answers come back, errors too, and a caller
that stopped waiting (esc, quit) is not held by the thread."""

from __future__ import annotations

import asyncio
import threading
import time

import pytest

from tui.backend.threads import in_thread


async def test_the_answer_and_the_error_come_back() -> None:
    assert await in_thread(lambda: 6 * 7) == 42
    with pytest.raises(KeyError, match="reservation_id"):
        await in_thread(lambda: {}["reservation_id"])


async def test_the_call_runs_on_a_daemon_thread() -> None:
    thread = await in_thread(threading.current_thread)
    assert thread.daemon and thread is not threading.current_thread()


async def test_a_cancelled_wait_returns_at_once_and_drops_the_answer() -> None:
    release = threading.Event()
    finished = threading.Event()

    def hung() -> str:
        release.wait(5)
        finished.set()
        return "late"

    task = asyncio.ensure_future(in_thread(hung))
    await asyncio.sleep(0.05)
    started = time.monotonic()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert time.monotonic() - started < 0.5
    release.set()
    assert await asyncio.to_thread(finished.wait, 5)
    await asyncio.sleep(0.05)  # the late answer lands on a cancelled future: dropped
