"""Cinder's scheduler pools (capacity per backend) and the volumes on one of them (admin)."""

from __future__ import annotations

from collections.abc import AsyncIterator

from tui.backend import models
from tui.backend.base import DEFAULT_PAGE_SIZE
from tui.backend.openstack.core import OpenStackCore
from tui.backend.openstack.replies import Read


class PoolsAPI(OpenStackCore):
    async def volume_pools(self) -> list[models.VolumePool]:
        def fetch() -> list[models.VolumePool]:
            pools: list[models.VolumePool]
            _, pools = self._get_read(
                "block-storage",
                "/scheduler-stats/get_pools",
                Read("pools", models.VolumePool.from_api, "list"),
                {"detail": "true"},
                self._volume_version(),
                "list volume pools",
            )
            return pools

        return await self._call("list volume pools", fetch)

    async def volumes_on_host(
        self, host: str, *, page_size: int = DEFAULT_PAGE_SIZE
    ) -> AsyncIterator[list[models.Volume]]:
        """Every project's volumes on a backend (host@backend) or pool (host@backend#pool)."""
        async for page in self._collection(
            "block-storage",
            "/volumes/detail",
            "volumes",
            models.Volume.from_api,
            {"all_tenants": 1, "host": host},
            page_size=page_size,
            microversion=self._volume_version,
        ):
            yield page
