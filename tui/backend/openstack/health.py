"""What the health overview asks: lists narrowed by the services' own filters (admin).

Nova and Cinder take one value per filter (``status=a&status=b`` keeps the last). Servers
busy in any task state come in two or three requests, sorted by task state (see
`servers_in_a_task`); volumes in any of several statuses in one request per part the
statuses share (``status~=error``, see `status_queries`).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Collection, Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any

from tui.backend import models
from tui.backend.base import DEFAULT_PAGE_SIZE
from tui.backend.models import Server
from tui.backend.openstack.core import OpenStackCore
from tui.backend.timestamps import api_time, not_after

# Cinder compares updated_at (updated_at=lte:...) from 3.60 on.
VOLUME_TIME_FILTER_MV = (3, 60)
# Cinder matches part of a value (``status~=ing``: SQL LIKE '%ing%') from 3.34 on.
VOLUME_LIKE_FILTER_MV = (3, 34)
# the parts of Cinder's volume statuses that cover several wanted ones in one request:
# every error state holds "error"; most transitions (creating, backing-up...) hold "ing"
LIKE_TERMS = ("error", "ing")


class HealthAPI(OpenStackCore):
    if TYPE_CHECKING:  # ComputeAPI's, beside this mixin in OpenStackBackend

        def _servers_where(
            self, params: Mapping[str, Any], page_size: int
        ) -> AsyncIterator[list[Server]]: ...

    async def servers_in_status(
        self, status: str, *, page_size: int = DEFAULT_PAGE_SIZE
    ) -> AsyncIterator[list[Server]]:
        """Every project's servers in one status (ERROR...): servers/detail?status=."""
        async for page in self._servers_where({"all_tenants": 1, "status": status}, page_size):
            yield page

    async def servers_in_a_task(
        self, *, before: datetime, page_size: int = DEFAULT_PAGE_SIZE
    ) -> AsyncIterator[list[Server]]:
        """Every project's servers in any task state, not updated since `before` (2.66+).

        Nova filters one task state per request (42 states), but sorts by task state: the
        busy servers come first in the order that puts no task state (NULL) last, which
        depends on the database (MySQL: desc, PostgreSQL: asc). One row in each order tells
        which; the busy servers are then read up to the first idle one. Deleted servers are
        left out (changes-before would bring them: Nova then fails merging its cells' sorted
        lists, HTTP 500).
        """
        base = {
            "all_tenants": 1,
            "changes-before": api_time(before),
            "deleted": "false",
            "sort_key": "task_state",
        }
        for direction in ("desc", "asc"):
            params = {**base, "sort_dir": direction}
            first = await self._first_server(params)
            if first is None:
                return
            if first.task_state:
                break
        else:
            return
        kept = [first] if not_after(first.updated, before) else []
        if kept:
            yield kept
        async for page in self._servers_where({**params, "marker": first.id}, page_size):
            busy = [s for s in page if s.task_state]
            # an older Nova ignores changes-before: check what it could not
            if kept := [s for s in busy if not_after(s.updated, before)]:
                yield kept
            if len(busy) < len(page):
                return

    async def _first_server(self, params: Mapping[str, Any]) -> Server | None:
        pages = self._servers_where(params, 1)
        try:
            async for page in pages:
                return page[0]
        finally:
            await pages.aclose()  # type: ignore[attr-defined]
        return None

    async def volumes_in_states(
        self,
        statuses: Collection[str],
        *,
        before: datetime | None = None,
        page_size: int = DEFAULT_PAGE_SIZE,
    ) -> AsyncIterator[list[models.Volume]]:
        """Every project's volumes in any of `statuses`, optionally not updated since `before`:
        a few requests (`status_queries`), not one per status."""
        wanted = frozenset(statuses)
        version = await self._call(
            "list volumes", lambda: self._version("block-storage", VOLUME_TIME_FILTER_MV)
        )
        like = _minor(version) >= VOLUME_LIKE_FILTER_MV[1]
        for key, value in status_queries(wanted, like=like):
            params: dict[str, Any] = {"all_tenants": 1, key: value}
            if before is not None:
                params["updated_at"] = f"lte:{api_time(before)}"
            async for page in self._collection(
                "block-storage",
                "/volumes/detail",
                "volumes",
                models.Volume.from_api,
                params,
                page_size=page_size,
                microversion=lambda: version,
            ):
                page = [v for v in page if v.status in wanted]
                if before is not None:
                    page = [
                        v for v in page if not_after(str(v.raw.get("updated_at") or ""), before)
                    ]
                if page:
                    yield page


def _minor(version: str) -> int:
    return int(version.partition(".")[2] or 0)


def status_queries(statuses: Collection[str], *, like: bool) -> list[tuple[str, str]]:
    """The status filters covering `statuses`: one inexact filter (``status~=error``,
    Cinder 3.34+) for the statuses sharing one of LIKE_TERMS, one exact filter for each of
    the others. What an inexact filter brings beyond `statuses` is the caller's to drop."""
    rest = set(statuses)
    queries: list[tuple[str, str]] = []
    if like:
        for term in LIKE_TERMS:
            covered = {s for s in rest if term in s}
            if len(covered) > 1:
                queries.append(("status~", term))
                rest -= covered
    return queries + [("status", s) for s in sorted(rest)]
