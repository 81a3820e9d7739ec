"""Pages of a big list reach the table in batches: the first at once, then what came within
the batch interval together, nothing lost, and the cyclic GC held off only meanwhile."""

from __future__ import annotations

import asyncio
import gc
from collections.abc import AsyncIterator

import pytest

from tui import collector
from tui.screens.page_batches import batched


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


async def pages_at(clock: Clock, times: list[float]) -> AsyncIterator[list[int]]:
    """One page of one row per time, arriving at that time."""
    for number, arrives in enumerate(times):
        clock.now = arrives
        yield [number]


async def batches(times: list[float], seconds: float = 0.25) -> list[list[list[int]]]:
    clock = Clock()
    return [b async for b in batched(pages_at(clock, times), seconds=seconds, clock=clock)]


async def test_the_first_page_comes_alone_and_at_once() -> None:
    found = await batches([0.0, 0.01, 0.02])
    assert found[0] == [[0]]


async def test_pages_arriving_within_the_interval_come_together() -> None:
    found = await batches([0.0, 0.01, 0.02, 0.1, 0.3, 0.31, 0.4, 0.6])
    assert found == [[[0]], [[1], [2], [3], [4]], [[5], [6], [7]]]


async def test_slow_pages_each_come_alone() -> None:
    found = await batches([0.0, 0.5, 1.0, 1.5])
    assert found == [[[0]], [[1]], [[2]], [[3]]]


async def test_no_pages_no_batches() -> None:
    assert await batches([]) == []


async def test_the_collector_is_held_off_while_pages_stream_and_back_after() -> None:
    assert gc.isenabled()
    seen = []
    clock = Clock()
    async for _ in batched(pages_at(clock, [0.0, 0.5]), clock=clock):
        seen.append(gc.isenabled())
    assert seen == [False, False]
    assert gc.isenabled()


async def test_a_list_that_fails_gives_the_collector_back() -> None:
    async def failing() -> AsyncIterator[list[int]]:
        yield [1]
        raise RuntimeError("the cloud went away")

    with pytest.raises(RuntimeError):
        async for _ in batched(failing()):
            pass
    assert gc.isenabled()


def test_holds_nest_and_start_up_waits_for_them() -> None:
    gc.disable()  # as start-up leaves it
    try:
        collector.hold()
        collector.hold()
        assert not collector.enabled()
        collector.enable()  # start-up is over while two lists stream
        assert not gc.isenabled() and collector.enabled()
        collector.release()
        assert not gc.isenabled()
        collector.release()
        assert gc.isenabled()
    finally:
        gc.enable()


def test_a_collector_off_before_the_holds_stays_off() -> None:
    gc.disable()
    try:
        with collector.held():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_a_hold_whose_work_kept_its_rows_ends_with_one_full_pass() -> None:
    passes: list[int] = []

    def counted(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            passes.append(info["generation"])

    gc.callbacks.append(counted)
    try:
        with collector.held(kept=False):
            pass
        assert passes == []  # what it made is gone: nothing to walk
        with collector.held():
            pass
        assert passes == [2]
    finally:
        gc.callbacks.remove(counted)
    assert gc.isenabled()


async def test_a_batch_does_not_wait_for_a_slow_next_page() -> None:
    release = asyncio.Event()

    async def then_slow() -> AsyncIterator[list[int]]:
        yield [0]
        yield [1]  # within the interval of the first: held for a batch
        await release.wait()  # a check that takes its time
        yield [2]

    seen: list[list[list[int]]] = []

    async def consume() -> None:
        async for batch in batched(then_slow(), seconds=0.05):
            seen.append(batch)

    task = asyncio.create_task(consume())
    await asyncio.sleep(0.3)
    assert seen == [[[0]], [[1]]]  # the held page came at its time, not with the slow one
    release.set()
    await task
    assert seen == [[[0]], [[1]], [[2]]]


async def test_the_pages_before_a_failure_come_before_it() -> None:
    async def failing() -> AsyncIterator[list[int]]:
        yield [0]
        yield [1]
        raise RuntimeError("the cloud went away")

    seen: list[list[list[int]]] = []
    with pytest.raises(RuntimeError):
        async for batch in batched(failing(), seconds=10):
            seen.append(batch)
    assert seen == [[[0]], [[1]]]
    assert gc.isenabled()


async def test_a_list_stopped_midway_stops_its_pages() -> None:
    closed = asyncio.Event()

    async def endless() -> AsyncIterator[list[int]]:
        try:
            n = 0
            while True:
                await asyncio.sleep(0.01)
                n += 1
                yield [n]
        finally:
            closed.set()

    async def consume() -> None:
        async for _ in batched(endless(), seconds=0.02):
            pass

    task = asyncio.create_task(consume())
    await asyncio.sleep(0.1)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert closed.is_set()
    assert gc.isenabled()


async def test_a_page_that_came_as_the_list_was_stopped_still_closes_the_list() -> None:
    closed = asyncio.Event()
    consumer: asyncio.Task[None] | None = None

    async def pages() -> AsyncIterator[list[int]]:
        try:
            yield [1]
            assert consumer is not None
            consumer.cancel()  # stopped while the next page is already here
            yield [2]
            yield [3]
        finally:
            closed.set()

    async def consume() -> None:
        async for _ in batched(pages(), seconds=10):
            pass

    consumer = asyncio.create_task(consume())
    with pytest.raises(asyncio.CancelledError):
        await consumer
    assert closed.is_set()
    assert gc.isenabled()
