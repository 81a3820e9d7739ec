"""Cinder: volumes and snapshots.

The block-storage adapter's endpoint already carries the project id when the catalog's
does (``/v3/{project_id}``), so paths here are relative to it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from tui.backend import models
from tui.backend.base import DEFAULT_PAGE_SIZE
from tui.backend.models import Json
from tui.backend.openstack.core import OpenStackCore
from tui.backend.openstack.replies import Read


def volume_body(spec: models.VolumeSpec) -> Json:
    """POST /volumes for a VolumeSpec: blank, or from a snapshot, an image or a volume."""
    optional = {
        "snapshot_id": spec.snapshot_id,
        "imageRef": spec.image_id,
        "source_volid": spec.source_volume_id,
        "volume_type": spec.volume_type,
        "availability_zone": spec.availability_zone,
        "description": spec.description,
    }
    volume: dict[str, Any] = {"name": spec.name, "size": spec.size_gb}
    volume.update({key: value for key, value in optional.items() if value})
    return {"volume": volume}


class VolumeAPI(OpenStackCore):
    async def volumes(
        self,
        *,
        all_projects: bool = False,
        project_id: str | None = None,
        status: str | None = None,
        page_size: int = DEFAULT_PAGE_SIZE,
    ) -> AsyncIterator[list[models.Volume]]:
        params: dict[str, Any] = {}
        if all_projects or project_id:
            params["all_tenants"] = 1
        if project_id:
            params["project_id"] = project_id
        if status:
            params["status"] = status
        async for page in self._collection(
            "block-storage",
            "/volumes/detail",
            "volumes",
            models.Volume.from_api,
            params,
            page_size=page_size,
            microversion=self._volume_version,
        ):
            yield page

    async def volume_snapshots(
        self,
        *,
        all_projects: bool = False,
        volume_id: str | None = None,
        page_size: int = DEFAULT_PAGE_SIZE,
    ) -> AsyncIterator[list[models.VolumeSnapshot]]:
        params: dict[str, Any] = {"all_tenants": 1} if all_projects else {}
        if volume_id:
            params["volume_id"] = volume_id
        async for page in self._collection(
            "block-storage",
            "/snapshots/detail",
            "snapshots",
            models.VolumeSnapshot.from_api,
            params,
            page_size=page_size,
            microversion=self._volume_version,
        ):
            yield page

    async def volume(self, volume_id: str) -> models.Volume:
        return await self._show(
            "block-storage",
            f"/volumes/{volume_id}",
            "volume",
            models.Volume.from_api,
            kind="volume",
            microversion=self._volume_version,
        )

    async def volume_snapshot(self, snapshot_id: str) -> models.VolumeSnapshot:
        return await self._show(
            "block-storage",
            f"/snapshots/{snapshot_id}",
            "snapshot",
            models.VolumeSnapshot.from_api,
            kind="volume snapshot",
            microversion=self._volume_version,
        )

    # -- writes ------------------------------------------------------------------------------

    async def _cinder_write(
        self,
        action: str,
        target: str,
        method: str,
        path: str,
        body: Json | None = None,
        read: Read | None = None,
    ) -> Any:
        return await self._write(
            action,
            target,
            method,
            "block-storage",
            path,
            body=body,
            microversion=self._volume_version,
            read=read,
        )

    async def create_volume(self, spec: models.VolumeSpec) -> models.Volume:
        created: models.Volume = await self._cinder_write(
            "create-volume",
            f"volume {spec.name}",
            "POST",
            "/volumes",
            volume_body(spec),
            Read("volume", models.Volume.from_api, made="volume"),
        )
        return created

    async def extend_volume(self, volume_id: str, size_gb: int) -> None:
        await self._cinder_write(
            "extend-volume",
            f"volume {volume_id} to {size_gb} GiB",
            "POST",
            f"/volumes/{volume_id}/action",
            {"os-extend": {"new_size": size_gb}},
        )

    async def delete_volume(self, volume_id: str) -> None:
        await self._cinder_write(
            "delete-volume", f"volume {volume_id}", "DELETE", f"/volumes/{volume_id}"
        )

    async def create_volume_snapshot(
        self, volume_id: str, name: str, *, force: bool = False
    ) -> models.VolumeSnapshot:
        snapshot: dict[str, Any] = {"volume_id": volume_id, "name": name}
        if force:
            snapshot["force"] = True
        created: models.VolumeSnapshot = await self._cinder_write(
            "create-volume-snapshot",
            f"snapshot {name} of volume {volume_id}",
            "POST",
            "/snapshots",
            {"snapshot": snapshot},
            Read("snapshot", models.VolumeSnapshot.from_api, made="snapshot"),
        )
        return created

    async def delete_volume_snapshot(self, snapshot_id: str) -> None:
        await self._cinder_write(
            "delete-volume-snapshot",
            f"snapshot {snapshot_id}",
            "DELETE",
            f"/snapshots/{snapshot_id}",
        )
