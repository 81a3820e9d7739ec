"""In-memory Cinder scheduler pools: the demo's LVM pool plus a Ceph one, with capacity."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

from tui.backend import models
from tui.backend.base import DEFAULT_PAGE_SIZE
from tui.backend.memory.clock import cinder_time
from tui.backend.memory.core import MemoryCore
from tui.backend.memory.data import VOLUME_HOST


def pool_json(name: str, timestamp: str, **caps: Any) -> dict[str, Any]:
    """A pool as GET /scheduler-stats/get_pools?detail=true shows it."""
    backend = name.split("@", 1)[-1].split("#", 1)[0]
    return {
        "name": name,
        "capabilities": {
            "pool_name": name.rsplit("#", 1)[-1],
            "volume_backend_name": backend,
            "vendor_name": "Open Source",
            "driver_version": "3.0.0",
            "storage_protocol": "iSCSI",
            "total_capacity_gb": 1000.0,
            "free_capacity_gb": 1000.0,
            "allocated_capacity_gb": 0,
            "provisioned_capacity_gb": 0,
            "reserved_percentage": 0,
            "thin_provisioning_support": True,
            "thick_provisioning_support": False,
            "max_over_subscription_ratio": "20.0",
            "QoS_support": False,
            "multiattach": True,
            "timestamp": timestamp,  # when the volume service last reported (every 60 s)
            **caps,
        },
    }


class PoolsMemory(MemoryCore):
    def _pool_rows(self) -> list[models.VolumePool]:
        allocated = sum(v.size_gb for v in self._cloud.volumes if v.host == VOLUME_HOST)
        reported = cinder_time(self._cloud.now() - timedelta(seconds=23))
        return [
            models.VolumePool.from_api(
                pool_json(
                    VOLUME_HOST,
                    reported,
                    total_capacity_gb=2047.5,
                    free_capacity_gb=round(2047.5 - allocated * 0.4, 2),
                    allocated_capacity_gb=allocated,
                    provisioned_capacity_gb=allocated,
                )
            ),
            models.VolumePool.from_api(
                pool_json(
                    "controller@ceph#volumes",
                    reported,
                    storage_protocol="ceph",
                    vendor_name="Ceph",
                    driver_version="1.3.0",
                    total_capacity_gb=51200.0,
                    free_capacity_gb=4608.0,
                    allocated_capacity_gb=40960,
                    provisioned_capacity_gb=61440,
                    max_over_subscription_ratio="1.5",
                    QoS_support=True,
                )
            ),
        ]

    async def volume_pools(self) -> list[models.VolumePool]:
        self._require_admin("list volume pools", "scheduler_extension:scheduler_stats:get_pools")
        return self._pool_rows()

    async def volumes_on_host(
        self, host: str, *, page_size: int = DEFAULT_PAGE_SIZE
    ) -> AsyncIterator[list[models.Volume]]:
        self._require_admin("list volumes", "volume:get_all (host filter)")

        def on(volume: models.Volume) -> bool:
            # Cinder matches a backend (host@backend) against its pools too
            return volume.host == host or volume.host.startswith(host + "#")

        async for page in self._select(self._cloud.volumes, page_size, on):
            yield page
