"""In-memory answers to the health overview's volume lists (Nova's are in compute.py)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Collection
from datetime import datetime

from tui.backend import models
from tui.backend.base import DEFAULT_PAGE_SIZE
from tui.backend.memory.core import MemoryCore
from tui.backend.timestamps import not_after


class HealthMemory(MemoryCore):
    async def volumes_in_states(
        self,
        statuses: Collection[str],
        *,
        before: datetime | None = None,
        page_size: int = DEFAULT_PAGE_SIZE,
    ) -> AsyncIterator[list[models.Volume]]:
        wanted = frozenset(statuses)

        # Cinder ignores all_tenants for a member: they get their own project's volumes
        def keep(volume: models.Volume) -> bool:
            stamp = str(volume.raw.get("updated_at") or "")
            return (
                volume.status in wanted
                and self._owned(volume)
                and (before is None or not_after(stamp, before))
            )

        async for page in self._select(self._cloud.volumes, page_size, keep):
            yield page
