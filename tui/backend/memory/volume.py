"""In-memory Cinder: volumes and snapshots, and Nova's attaching of them, refusing with
the state rules of ``tui.backend.states`` (Cinder's 400s, Nova's 409s) and their reasons."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import TYPE_CHECKING, Any

from tui.backend import models, states
from tui.backend.base import DEFAULT_PAGE_SIZE
from tui.backend.memory import data
from tui.backend.memory.core import MemoryCore, T
from tui.backend.models import Server

ZONE = "nova"


class VolumeMemory(MemoryCore):
    if TYPE_CHECKING:  # from VolumeTypesMemory, beside this mixin in MemoryBackend

        def _volume_type_name(self, wanted: str) -> str: ...

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
        status: str | None = None,
        page_size: int = DEFAULT_PAGE_SIZE,
    ) -> AsyncIterator[list[models.Volume]]:
        scope = self._scope(all_projects, project_id)
        wanted = (status or "").casefold()  # as MariaDB compares it

        def in_status(volume: models.Volume) -> bool:
            return not wanted or volume.status.casefold() == wanted

        async for page in self._select(self._cloud.volumes, page_size, scope, in_status):
            yield [self._seen(volume) for volume in page]

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
        return self._seen(self._volume_or_404(volume_id))

    def _seen(self, volume: models.Volume) -> models.Volume:
        """A volume as Cinder shows it to us: only an admin sees where it lives (its backend
        host, its attachments' hosts)."""
        if self._is_admin:
            return volume
        raw = {key: value for key, value in volume.raw.items() if key != "os-vol-host-attr:host"}
        raw["attachments"] = [{**a, "host_name": None} for a in raw.get("attachments") or ()]
        return models.Volume.from_api(raw)

    async def volume_snapshot(self, snapshot_id: str) -> models.VolumeSnapshot:
        return self._snapshot_or_404(snapshot_id)

    def _volume_or_404(self, volume_id: str) -> models.Volume:
        return self._lookup(self._cloud.volumes, volume_id, "volume", self._owned)

    def _snapshot_or_404(self, snapshot_id: str) -> models.VolumeSnapshot:
        return self._lookup(self._cloud.snapshots, snapshot_id, "snapshot", self._owned)

    # -- knobs for tests and demos: a status as if Cinder had left it there ------------------

    def put_volume_state(self, volume_id: str, status: str, updated_at: str = "") -> models.Volume:
        """A volume in ``status`` (error, creating...) without an API call (not audited),
        as an admin's reset-state would leave it."""
        volume = self._lookup(self._cloud.volumes, volume_id, "volume")
        changes = {"status": status, **({"updated_at": updated_at} if updated_at else {})}
        return self._cloud.update(self._cloud.volumes, volume, changes)

    def put_snapshot_state(self, snapshot_id: str, status: str) -> models.VolumeSnapshot:
        """A volume snapshot in ``status``, like put_volume_state."""
        snapshot = self._lookup(self._cloud.snapshots, snapshot_id, "snapshot")
        return self._cloud.update(self._cloud.snapshots, snapshot, {"status": status})

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
                minutes=self._cloud.now(),
                description=spec.description,
                bootable=bool(spec.image_id),
                source=source,
            )
            created = self._cloud.volumes.add(models.Volume.from_api(raw))
            return self._seen(models.Volume.from_api({**created.raw, "status": "creating"}))

        return await self._write("create-volume", f"volume {spec.name}", change)

    def _volume_source(self, spec: models.VolumeSpec) -> dict[str, Any]:
        """Check what the volume is made from (its status first, then sizes, like Cinder's
        create flow); the fields that record it."""
        if spec.size_gb < 1:
            raise self.refused(400, "Invalid input received: size must be a positive integer")
        volume_type = self._volume_type_name(spec.volume_type)
        if spec.availability_zone not in ("", ZONE):
            raise self.refused(400, "Invalid input received: Availability zone is invalid.")
        source: dict[str, Any] = {"volume_type": volume_type}
        if spec.snapshot_id:
            snapshot = self._snapshot_or_404(spec.snapshot_id)
            self._check(states.snapshot_refusal("restore", snapshot))
            self._check_not_smaller(spec.size_gb, snapshot.size_gb, "snapshot")
            source["snapshot_id"] = snapshot.id
        if spec.source_volume_id:
            volume = self._volume_or_404(spec.source_volume_id)
            self._check(states.volume_refusal("clone", volume))
            self._check_not_smaller(spec.size_gb, volume.size_gb, "source volume")
            source["source_volid"] = volume.id
        if spec.image_id:
            image = self._lookup(self._cloud.images, spec.image_id, "image")
            source["volume_image_metadata"] = {"image_id": image.id, "image_name": image.name}
        return source

    def _check(self, reason: str | None, status: int = 400) -> None:
        """Refuse with a state rule's reason (Cinder's 400 unless told)."""
        if reason is not None:
            raise self.refused(status, reason)

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
            if size_gb <= volume.size_gb:
                raise self.refused(
                    400,
                    "Invalid input received: New size for extend must be greater than current "
                    f"size. (current: {volume.size_gb}, extended: {size_gb}).",
                )
            self._check(states.volume_refusal("extend", volume))
            self._cloud.update(self._cloud.volumes, volume, {"size": size_gb})

        await self._write("extend-volume", f"volume {volume_id} to {size_gb} GiB", change)

    async def delete_volume(self, volume_id: str) -> None:
        def change() -> None:
            volume = self._volume_or_404(volume_id)
            self._check(states.volume_refusal("delete", volume))
            if any(s.volume_id == volume.id for s in self._cloud.snapshots):
                self._check(states.VOLUME_RULES["delete"].message)  # "must not... have snapshots"
            self._cloud.volumes.remove(volume.id)

        await self._write("delete-volume", f"volume {volume_id}", change)

    async def create_volume_snapshot(
        self, volume_id: str, name: str, *, force: bool = False
    ) -> models.VolumeSnapshot:
        def change() -> models.VolumeSnapshot:
            volume = self._volume_or_404(volume_id)
            self._check(states.volume_refusal("snapshot_force" if force else "snapshot", volume))
            n = self._cloud.serial()
            raw = data.snapshot_json(data.fixed_id("snapshot", 1000 + n), name, volume.raw, n)
            created = self._cloud.snapshots.add(models.VolumeSnapshot.from_api(raw))
            return models.VolumeSnapshot.from_api({**created.raw, "status": "creating"})

        target = f"snapshot {name} of volume {volume_id}"
        return await self._write("create-volume-snapshot", target, change)

    async def delete_volume_snapshot(self, snapshot_id: str) -> None:
        def change() -> None:
            snapshot = self._snapshot_or_404(snapshot_id)
            self._check(states.snapshot_refusal("delete", snapshot))
            self._cloud.snapshots.remove(snapshot.id)

        await self._write("delete-volume-snapshot", f"snapshot {snapshot_id}", change)

    # -- attaching: Nova's API, Nova's checks, then Cinder's (quoted by Nova) -----------------

    async def attach_volume(self, server_id: str, volume_id: str) -> str:
        def attach(server: Server, volume: models.Volume) -> str:
            users = [a.server_id for a in volume.attachments]
            if users and not volume.multiattach:
                self._check(
                    f"Invalid volume: volume {volume.id} is already attached to instances: "
                    + " ".join(users)
                )
            if server.id in users:
                self._check(f"Invalid volume: volume {volume.id} already attached")
            self._check(self._via_nova(states.volume_refusal("attach", volume)))
            device = self._cloud.next_device(server)
            self._cloud.attach(server, volume, device)
            self._record_attachment(server, "attach_volume", "compute_attach_volume")
            return device

        # Nova's attach_volume checks the server's state before it looks the volume up
        return await self._attachment_write(
            "attach", "to", server_id, volume_id, attach, state_first="attach_volume"
        )

    async def detach_volume(self, server_id: str, volume_id: str) -> None:
        def detach(server: Server, volume: models.Volume) -> None:
            if not any(a.server_id == server.id for a in volume.attachments):
                self._check(f"Instance {server.id} is not attached to volume {volume.id}", 404)
            self._check(states.conflict_message("detach_volume", server), 409)
            wrapped = self._via_nova(states.volume_refusal("detach", volume))
            self._check(wrapped and f"Invalid volume: {wrapped}")
            self._cloud.detach(server, volume)
            self._record_attachment(server, "detach_volume", "compute_detach_volume")

        await self._attachment_write("detach", "from", server_id, volume_id, detach)

    async def _attachment_write(
        self,
        verb: str,
        preposition: str,
        server_id: str,
        volume_id: str,
        step: Callable[[Server, models.Volume], T],
        *,
        state_first: str = "",
    ) -> T:
        """Nova's os-volume_attachments: the server (404), the `state_first` rule of Nova's
        state table (409) if one is named, the volume (404), then ``step``."""
        found = self._cloud.servers.get(server_id)
        target = f"volume {volume_id} {preposition} server {found.name if found else server_id}"

        def change() -> T:
            server = self._lookup(self._cloud.servers, server_id, "instance")
            if state_first:
                self._check(states.conflict_message(state_first, server), 409)
            return step(server, self._volume_or_404(volume_id))

        return await self._write(f"{verb}-volume", target, change)

    def _via_nova(self, reason: str | None) -> str | None:
        """Cinder's refusal as Nova passes it on: wrapped, with Cinder's status and request."""
        if reason is None:
            return None
        return f"Invalid input received: {reason} (HTTP 400) (Request-ID: {self.request_id()})"

    def _record_attachment(self, server: Server, action: str, event: str) -> None:
        events = ((event, server.host),)
        self._cloud.record_action(server, action, self._writing, self._info.user_id, events)
