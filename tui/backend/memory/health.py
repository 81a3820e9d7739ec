"""In-memory answers to the health overview's filtered lists (admin, like Nova and Cinder)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime

from tui.backend import models
from tui.backend.base import DEFAULT_PAGE_SIZE
from tui.backend.memory.core import MemoryCore
from tui.backend.models import Server
from tui.backend.timestamps import not_after


class HealthMemory(MemoryCore):
    async def servers_in_status(
        self, status: str, *, page_size: int = DEFAULT_PAGE_SIZE
    ) -> AsyncIterator[list[Server]]:
        self._require_admin("list servers", "os_compute_api:servers:index:get_all_tenants")
        async for page in self._select(self._cloud.servers, page_size, status=status):
            yield page

    async def servers_in_task_state(
        self, task_state: str, *, before: datetime, page_size: int = DEFAULT_PAGE_SIZE
    ) -> AsyncIterator[list[Server]]:
        self._require_admin("list servers", "os_compute_api:servers:index:get_all_tenants")
        async for page in self._select(
            self._cloud.servers,
            page_size,
            lambda s: not_after(s.updated, before),
            task_state=task_state,
        ):
            yield page

    async def volumes_in_status(
        self,
        status: str,
        *,
        before: datetime | None = None,
        page_size: int = DEFAULT_PAGE_SIZE,
    ) -> AsyncIterator[list[models.Volume]]:
        # Cinder ignores all_tenants for a member: they get their own project's volumes
        def keep(volume: models.Volume) -> bool:
            stamp = str(volume.raw.get("updated_at") or "")
            return self._owned(volume) and (before is None or not_after(stamp, before))

        async for page in self._select(self._cloud.volumes, page_size, keep, status=status):
            yield page
