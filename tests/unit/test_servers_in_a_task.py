"""The overview's busy servers in two or three requests, whatever the cloud's size: Nova sorts
by task state and the database decides where no task state (NULL) goes (MySQL and SQLite:
first when ascending, PostgreSQL: last). Both orders against a Nova stand-in."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from datetime import UTC, datetime
from typing import Any

import pytest

from tui.backend.models import Server
from tui.backend.openstack import OpenStackBackend

BEFORE = datetime(2026, 1, 2, tzinfo=UTC)
OLD, NEW = "2026-01-01T00:00:00Z", "2026-01-03T00:00:00Z"


def server(n: int, task_state: str, updated: str = OLD) -> Server:
    return Server.from_api(
        {"id": f"s{n:03}", "name": f"vm-{n}", "OS-EXT-STS:task_state": task_state or None,
         "updated": updated, "status": "ACTIVE"}
    )  # fmt: skip


class SortingNova(OpenStackBackend):
    """servers/detail sorted by task_state as `nulls_first_ascending` says; records requests."""

    def __init__(self, rows: list[Server], *, nulls_first_ascending: bool) -> None:
        super().__init__("test")
        self.rows = rows
        self.nulls_first_ascending = nulls_first_ascending
        self.sent: list[tuple[dict[str, Any], int]] = []

    async def _servers_where(
        self, params: Mapping[str, Any], page_size: int
    ) -> AsyncIterator[list[Server]]:
        assert params["sort_key"] == "task_state" and params["all_tenants"] == 1
        assert "changes-before" in params
        descending = params["sort_dir"] == "desc"
        nulls_low = self.nulls_first_ascending
        ordered = sorted(
            self.rows, key=lambda s: (bool(s.task_state) == nulls_low, s.task_state, s.id)
        )
        ordered = ordered[::-1] if descending else ordered
        start = 0
        if marker := params.get("marker"):
            start = next(i for i, s in enumerate(ordered) if s.id == marker) + 1
        while True:
            self.sent.append((dict(params), page_size))
            page = ordered[start : start + page_size]
            if page:
                yield page
            if len(page) < page_size:
                return
            start += page_size


ROWS = [server(n, "") for n in range(50)] + [
    server(100, "spawning"),
    server(101, "deleting"),
    server(102, "migrating", NEW),  # busy, but changed since: not stuck
    server(103, "rebooting"),
]


@pytest.mark.parametrize("nulls_first_ascending", [True, False], ids=["mysql", "postgresql"])
async def test_busy_servers_come_first_and_the_list_stops_at_the_first_idle_one(
    nulls_first_ascending: bool,
) -> None:
    nova = SortingNova(ROWS, nulls_first_ascending=nulls_first_ascending)
    busy = [s async for page in nova.servers_in_a_task(before=BEFORE, page_size=2) for s in page]
    assert sorted(s.name for s in busy) == ["vm-100", "vm-101", "vm-103"]
    assert len(nova.sent) <= 5, nova.sent  # probes of one row, then pages of 2 up to an idle one
    assert sum(size for _, size in nova.sent) < 12, "the 50 idle servers are not read"


@pytest.mark.parametrize("nulls_first_ascending", [True, False], ids=["mysql", "postgresql"])
async def test_no_busy_server_costs_two_requests_of_one_row(nulls_first_ascending: bool) -> None:
    nova = SortingNova(ROWS[:50], nulls_first_ascending=nulls_first_ascending)
    assert [page async for page in nova.servers_in_a_task(before=BEFORE)] == []
    assert [size for _, size in nova.sent] == [1, 1]


async def test_an_empty_cloud_costs_one_request() -> None:
    nova = SortingNova([], nulls_first_ascending=True)
    assert [page async for page in nova.servers_in_a_task(before=BEFORE)] == []
    assert len(nova.sent) == 1


async def test_every_server_busy() -> None:
    rows = [server(n, "spawning") for n in range(5)]
    nova = SortingNova(rows, nulls_first_ascending=True)
    busy = [s async for page in nova.servers_in_a_task(before=BEFORE, page_size=2) for s in page]
    assert len(busy) == 5 and len({s.id for s in busy}) == 5
