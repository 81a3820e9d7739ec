"""In-memory Cinder: volumes and snapshots, refusing like Cinder (400 for wrong states)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

from tui.backend import models
from tui.backend.base import DEFAULT_PAGE_SIZE
from tui.backend.memory import data
from tui.backend.memory.core import MemoryCore

VOLUME_TYPE = "lvmdriver-1"
ZONE = "nova"


class VolumeMemory(MemoryCore):
    def _scope(
        self, all_projects: bool, project_id: str | None
    ) -> Callable[[models.Volume | models.VolumeSnapshot], bool]:
        """Cinder lists the caller's project unless an admin asks for all (or one) project."""
        if self._is_admin and project_id:
            return lambda r: r.project_id == project_id
        if self._is_admin and all_projects:
            return lambda r: True
        return lambda r: self._mine(r.project_id)

    async def volumes(
        self,
        *,
        all_projects: bool = False,
        project_id: str | None = None,
        page_size: int = DEFAULT_PAGE_SIZE,
    ) -> AsyncIterator[list[models.Volume]]:
        scope = self._scope(all_projects, project_id)
        async for page in self._select(self._cloud.volumes, page_size, scope):
            yield page

    async def volume_snapshots(
        self,
        *,
        all_projects: bool = False,
        volume_id: str | None = None,
        page_size: int = DEFAULT_PAGE_SIZE,
    ) -> AsyncIterator[list[models.VolumeSnapshot]]:
        scope = self._scope(all_projects, None)
        async for page in self._select(
            self._cloud.snapshots, page_size, scope, volume_id=volume_id
        ):
            yield page

    async def volume(self, volume_id: str) -> models.Volume:
        return self._volume_or_404(volume_id)

    async def volume_snapshot(self, snapshot_id: str) -> models.VolumeSnapshot:
        return self._snapshot_or_404(snapshot_id)

    def _volume_or_404(self, volume_id: str) -> models.Volume:
        return self._lookup(self._cloud.volumes, volume_id, "volume", self._owned)

    def _snapshot_or_404(self, snapshot_id: str) -> models.VolumeSnapshot:
        return self._lookup(self._cloud.snapshots, snapshot_id, "snapshot", self._owned)

    # -- writes ------------------------------------------------------------------------------

    async def create_volume(self, spec: models.VolumeSpec) -> models.Volume:
        def change() -> models.Volume:
            source = self._volume_source(spec)
            n = self._cloud.serial()
            raw = data.volume_json(
                data.fixed_id("volume", 1000 + n),
                spec.name,
                spec.size_gb,
                self._info.project_id,
                minutes=5000 + n,
                description=spec.description,
                bootable=bool(spec.image_id),
                source=source,
            )
            created = self._cloud.volumes.add(models.Volume.from_api(raw))
            return models.Volume.from_api({**created.raw, "status": "creating"})

        return await self._write("create-volume", f"volume {spec.name}", change)

    def _volume_source(self, spec: models.VolumeSpec) -> dict[str, Any]:
        """Check what the volume is made from; the fields that record it."""
        if spec.size_gb < 1:
            raise self.refused(400, "Invalid input received: size must be a positive integer")
        if spec.volume_type not in ("", VOLUME_TYPE):
            raise self.not_found("volume type", spec.volume_type)
        if spec.availability_zone not in ("", ZONE):
            raise self.refused(400, "Invalid input received: Availability zone is invalid.")
        source: dict[str, Any] = {"volume_type": spec.volume_type or VOLUME_TYPE}
        if spec.snapshot_id:
            snapshot = self._snapshot_or_404(spec.snapshot_id)
            self._check_not_smaller(spec.size_gb, snapshot.size_gb, "snapshot")
            source["snapshot_id"] = snapshot.id
        if spec.source_volume_id:
            volume = self._volume_or_404(spec.source_volume_id)
            self._check_not_smaller(spec.size_gb, volume.size_gb, "source volume")
            source["source_volid"] = volume.id
        if spec.image_id:
            image = self._lookup(self._cloud.images, spec.image_id, "image")
            source["volume_image_metadata"] = {"image_id": image.id, "image_name": image.name}
        return source

    def _check_not_smaller(self, size: int, original: int, kind: str) -> None:
        if size < original:
            raise self.refused(
                400,
                f"Invalid input received: Volume size '{size}'GB cannot be smaller than the "
                f"{kind} size {original}GB. They must be >= original {kind} size.",
            )

    async def extend_volume(self, volume_id: str, size_gb: int) -> None:
        def change() -> None:
            volume = self._volume_or_404(volume_id)
            if volume.status not in ("available", "in-use"):
                raise self.refused(
                    400,
                    "Invalid volume: Volume status must be 'available' or 'in-use' to extend, "
                    f"currently {volume.status}.",
                )
            if size_gb <= volume.size_gb:
                raise self.refused(
                    400,
                    "Invalid input received: New size for extend must be greater than current "
                    f"size. (current: {volume.size_gb}, extended: {size_gb}).",
                )
            self._cloud.update(self._cloud.volumes, volume, {"size": size_gb})

        await self._write("extend-volume", f"volume {volume_id} to {size_gb} GiB", change)

    async def delete_volume(self, volume_id: str) -> None:
        def change() -> None:
            volume = self._volume_or_404(volume_id)
            snapshots = sum(1 for s in self._cloud.snapshots if s.volume_id == volume.id)
            if volume.attachments or volume.status not in ("available", "error"):
                raise self.refused(
                    400,
                    "Invalid volume: Volume status must be available or error or "
                    "error_restoring or error_extending or error_managing and must not be "
                    "migrating, attached, belong to a group, have snapshots, awaiting a "
                    "transfer, or be disassociated from snapshots after volume transfer.",
                )
            if snapshots:
                raise self.refused(
                    400, f"Invalid volume: Volume still has {snapshots} dependent snapshots."
                )
            self._cloud.volumes.remove(volume.id)

        await self._write("delete-volume", f"volume {volume_id}", change)

    async def create_volume_snapshot(
        self, volume_id: str, name: str, *, force: bool = False
    ) -> models.VolumeSnapshot:
        def change() -> models.VolumeSnapshot:
            volume = self._volume_or_404(volume_id)
            if volume.status != "available" and not (force and volume.status == "in-use"):
                raise self.refused(
                    400,
                    f"Invalid volume: Volume {volume.id} status must be available, but current "
                    f"status is: {volume.status}.",
                )
            n = self._cloud.serial()
            raw = data.snapshot_json(data.fixed_id("snapshot", 1000 + n), name, volume.raw, n)
            created = self._cloud.snapshots.add(models.VolumeSnapshot.from_api(raw))
            return models.VolumeSnapshot.from_api({**created.raw, "status": "creating"})

        target = f"snapshot {name} of volume {volume_id}"
        return await self._write("create-volume-snapshot", target, change)

    async def delete_volume_snapshot(self, snapshot_id: str) -> None:
        def change() -> None:
            snapshot = self._snapshot_or_404(snapshot_id)
            if snapshot.status not in ("available", "error"):
                raise self.refused(
                    400, "Invalid snapshot: Volume Snapshot status must be available or error"
                )
            self._cloud.snapshots.remove(snapshot.id)

        await self._write("delete-volume-snapshot", f"snapshot {snapshot_id}", change)
