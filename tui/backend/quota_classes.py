"""Quota defaults (Nova's and Cinder's quota class ``default``) and reading every project's
quota sets to find the limits that differ from the defaults, for both backends.

Neutron lists the projects whose quotas were set in one call; Nova and Cinder have no such
list, so each project's quota set is read, a few at once. A `QuotaScan` is told what was read
as it goes (the list's header says it); `read_projects` is the bounded fan-out both backends
use.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from tui.backend.errors import BackendError, ConnectionLost, Forbidden, Unauthorized

T = TypeVar("T")

QUOTA_READS = 8  # projects whose quota sets are read at once

# Neutron keeps its defaults in neutron.conf: there is no API to change them.
NO_NEUTRON_CLASSES = (
    "Neutron has no quota-class API: its defaults are the [quotas] options of neutron.conf "
    "on the Neutron servers. Only Nova's and Cinder's defaults can be changed."
)

# Failures that end the whole scan: every other project would fail the same way.
_FATAL = (Forbidden, Unauthorized, ConnectionLost)


@dataclass
class QuotaScan:
    """What a quota-overrides listing read (filled in by the backend while it lists)."""

    listed: list[str] = field(default_factory=list)  # services asked in one call (Neutron)
    per_project: list[str] = field(default_factory=list)  # services read project by project
    projects: int = 0  # projects to read
    read: int = 0  # of them read so far
    skipped: dict[str, str] = field(default_factory=dict)  # project id → why it was not read
    done: bool = False


async def read_projects(
    project_ids: Sequence[str],
    read: Callable[[str], Awaitable[list[T]]],
    scan: QuotaScan,
    concurrency: int = QUOTA_READS,
) -> AsyncIterator[list[T]]:
    """``read(project)`` for every project, `concurrency` at once; each project's rows as a
    page as soon as they are there. A project that cannot be read (gone since it was
    listed) is skipped and said; a refusal or a lost connection ends the scan."""
    gate = asyncio.Semaphore(max(1, concurrency))
    scan.projects = len(project_ids)

    async def one(project_id: str) -> tuple[str, list[T] | BackendError]:
        async with gate:
            try:
                return project_id, await read(project_id)
            except _FATAL:
                raise
            except BackendError as exc:
                return project_id, exc

    tasks = [asyncio.ensure_future(one(p)) for p in project_ids]
    try:
        for finished in asyncio.as_completed(tasks):
            project_id, rows = await finished
            scan.read += 1
            if isinstance(rows, BackendError):
                scan.skipped[project_id] = rows.message
            elif rows:
                yield rows
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


def defaults_target(service: str, limits: Mapping[str, int]) -> str:
    """How the audit log names a change of the defaults (both backends)."""
    changes = ", ".join(f"{k}={v}" for k, v in limits.items())
    return f"{service} default quotas (quota class default): {changes}"
