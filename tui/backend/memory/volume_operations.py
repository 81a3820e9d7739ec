"""In-memory Cinder: retype, reset-state, force-delete, upload-to-image and volume transfers,
refusing with the state rules of ``tui.backend.states`` and Cinder's own words (checked
against devcloud by tests/contract/test_volume_operations_contract.py).

What Cinder does in the background happens at once here: a retype, an upload or an accept
is done when the call returns. A transfer keeps, like Cinder, only a salted hash of its
auth key; the key itself is answered once and joins the session's secrets.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

from tui.backend import models, states
from tui.backend.base import DEFAULT_PAGE_SIZE
from tui.backend.memory import data
from tui.backend.memory.store import gated
from tui.backend.memory.volume import VolumeMemory
from tui.backend.models import Json

_ADMIN_ACTION = "volume_extension:volume_admin_actions:{}"
GIB = 1024**3


def _schema_enum(name: str, value: str, allowed: tuple[str, ...]) -> str:
    """Cinder's JSON-schema refusal of a value outside an enum."""
    return (
        f"Invalid input for field/attribute {name}. Value: {value}. "
        f"'{value}' is not one of {list(allowed)}"
    )


def _crypt_hash(salt: str, auth_key: str) -> str:
    return hmac.new(salt.encode(), auth_key.encode(), hashlib.sha1).hexdigest()


@dataclass
class PendingTransfers:
    """Cinder's transfers table: the pending ones, as their JSON plus the salted hash."""

    records: dict[str, dict[str, Any]] = field(default_factory=dict)
    hashes: dict[str, tuple[str, str]] = field(default_factory=dict)  # id -> (salt, hash)


class VolumeOperationsMemory(VolumeMemory):
    # cinder.conf's enable_force_upload (Cinder's default, and devcloud's: False, so force is
    # ignored and an in-use volume is refused); tests may turn it on
    force_upload = False

    def _transfers(self) -> PendingTransfers:
        return self._cloud.kept("volume-transfers", PendingTransfers)

    # -- retype --------------------------------------------------------------------------

    async def retype_volume(
        self, volume_id: str, new_type: str, *, migration_policy: str = "never"
    ) -> None:
        def change() -> None:
            if migration_policy not in models.MIGRATION_POLICIES:
                raise self.refused(
                    400, _schema_enum("migration_policy", migration_policy, ("on-demand", "never"))
                )
            volume = self._volume_or_404(volume_id)
            target = self._volume_type_name(new_type)
            self._check(states.volume_refusal("retype", volume))
            if target == volume.volume_type:  # Cinder's conditional update says the same
                self._check(states.VOLUME_RULES["retype"].message)
            self._cloud.update(self._cloud.volumes, volume, {"volume_type": target})

        target = f"volume {volume_id} to type {new_type} (migration {migration_policy})"
        await self._write("retype-volume", target, change)

    # -- reset-state (admin) ---------------------------------------------------------------

    async def reset_volume_state(
        self,
        volume_id: str,
        *,
        status: str = "",
        attach_status: str = "",
        migration_status: str = "",
    ) -> None:
        def change() -> None:
            self._check(_reset_body_error(status, attach_status, migration_status))
            volume = self._volume_or_404(volume_id)
            self._require_admin("reset-volume-state", _ADMIN_ACTION.format("reset_status"))
            if status:
                self._check(states.reset_refusal(volume, status.lower()))
            # Cinder's volume_update stamps the record: a reset volume is not "stuck" at once
            changes: dict[str, Any] = {"updated_at": self._cloud.next_stamp()}
            if status:
                changes["status"] = status.lower()
            if migration_status:
                moving = migration_status.lower()
                changes["migration_status"] = None if moving == "none" else moving
                changes["os-vol-mig-status-attr:migstat"] = changes["migration_status"]
            if attach_status.lower() == "detached":  # Cinder drops the attachment records
                changes["attachments"] = []
            self._cloud.update(self._cloud.volumes, volume, changes)

        wanted = ", ".join(
            f"{name} {value}"
            for name, value in (
                ("status", status),
                ("attach_status", attach_status),
                ("migration_status", migration_status),
            )
            if value
        )
        await self._write("reset-volume-state", f"volume {volume_id}: {wanted}", change)

    # -- force-delete (admin) --------------------------------------------------------------

    async def force_delete_volume(self, volume_id: str) -> None:
        def change() -> None:
            volume = self._volume_or_404(volume_id)
            self._require_admin("force-delete-volume", _ADMIN_ACTION.format("force_delete"))
            self._check(states.volume_refusal("force_delete", volume))
            if any(s.volume_id == volume.id for s in self._cloud.snapshots):
                self._check(states.VOLUME_RULES["force_delete"].message)
            pending = self._transfers()
            for transfer_id in [
                t for t, raw in pending.records.items() if raw["volume_id"] == volume.id
            ]:
                pending.records.pop(transfer_id)
                pending.hashes.pop(transfer_id, None)
            self._cloud.volumes.remove(volume.id)

        await self._write("force-delete-volume", f"volume {volume_id}", change)

    # -- upload-to-image -------------------------------------------------------------------

    async def upload_volume_to_image(
        self, volume_id: str, spec: models.VolumeUploadSpec
    ) -> models.VolumeUpload:
        def change() -> models.VolumeUpload:
            self._check(_upload_body_error(spec))
            volume = self._volume_or_404(volume_id)
            if spec.visibility == "public" and not self._is_admin:
                raise self.refused(
                    403,
                    "Policy doesn't allow volume_extension:volume_actions:upload_public to be "
                    "performed.",
                )
            forced = spec.force and self.force_upload
            self._check(states.volume_refusal("upload_force" if forced else "upload", volume))
            image_id = data.fixed_id("image", 20_000 + self._cloud.serial())
            raw = data.image_json(
                image_id,
                spec.image_name,
                self._info.project_id,
                visibility=spec.visibility,
                disk_format=spec.disk_format,
                size=volume.size_gb * GIB,
            )
            raw.update({"container_format": spec.container_format, "protected": spec.protected})
            self._cloud.images.add(models.Image.from_api(raw))  # the data came at once
            return models.VolumeUpload.from_api(
                {
                    "id": volume.id,
                    "updated_at": volume.raw.get("updated_at"),
                    "status": "uploading",
                    "display_description": volume.raw.get("description"),
                    "size": volume.size_gb,
                    "volume_type": volume.volume_type,
                    "image_id": image_id,
                    "container_format": spec.container_format,
                    "disk_format": spec.disk_format,
                    "image_name": spec.image_name,
                    "protected": spec.protected,
                    "visibility": spec.visibility,
                }
            )

        target = f"volume {volume_id} to image {spec.image_name}"
        return await self._write("upload-volume-to-image", target, change)

    # -- transfers -------------------------------------------------------------------------

    def _transfer_shown(self, raw: Json) -> bool:
        """Cinder's transfer_get: a member sees its own project's, an admin every one."""
        return self._is_admin or raw["source_project_id"] == self._info.project_id

    def _transfer_raw(self, transfer_id: str, *, anyone: bool = False) -> dict[str, Any]:
        raw = self._transfers().records.get(transfer_id)
        if raw is None or not (anyone or self._transfer_shown(raw)):
            raise self.refused(404, f"Transfer {transfer_id} could not be found.")
        return raw

    async def volume_transfers(
        self, *, all_projects: bool = False, page_size: int = DEFAULT_PAGE_SIZE
    ) -> AsyncIterator[list[models.VolumeTransfer]]:
        every = self._is_admin and all_projects
        mine = self._info.project_id
        listed = [
            models.VolumeTransfer.from_api(raw)
            for raw in list(self._transfers().records.values())
            if every or raw["source_project_id"] == mine
        ]
        async for page in self._pages(listed, page_size):
            yield page

    async def volume_transfer(self, transfer_id: str) -> models.VolumeTransfer:
        return models.VolumeTransfer.from_api(self._transfer_raw(transfer_id))

    async def create_volume_transfer(
        self, volume_id: str, name: str = ""
    ) -> models.NewVolumeTransfer:
        def change() -> models.NewVolumeTransfer:
            volume = self._volume_or_404(volume_id)
            self._check(states.volume_refusal("transfer", volume))
            for snapshot in self._cloud.snapshots:
                if snapshot.volume_id == volume.id and snapshot.status != "available":
                    self._check(
                        f"Invalid snapshot: snapshot: {snapshot.id} status must be available"
                    )
            n = self._cloud.serial()
            transfer_id = data.fixed_id("volume-transfer", n)
            salt = hashlib.sha224(f"salt-{n}".encode()).hexdigest()[:8]
            auth_key = hashlib.sha224(f"key-{n}".encode()).hexdigest()[:16]
            self.secrets.add(auth_key)
            raw = gated(
                {
                    "id": transfer_id,
                    "created_at": data.stamp(self._cloud.now()),
                    "name": name.strip() or None,
                    "volume_id": volume.id,
                    "links": [],
                    "no_snapshots": False,
                    "destination_project_id": None,
                    "source_project_id": volume.project_id,
                    "accepted": False,
                }
            )
            pending = self._transfers()
            pending.records[transfer_id] = raw
            pending.hashes[transfer_id] = (salt, _crypt_hash(salt, auth_key))
            self._cloud.update(self._cloud.volumes, volume, {"status": "awaiting-transfer"})
            return models.NewVolumeTransfer.from_api({**raw, "auth_key": auth_key})

        target = f"transfer of volume {volume_id}" + (f" ({name})" if name else "")
        return await self._write("create-volume-transfer", target, change)

    async def accept_volume_transfer(
        self, transfer_id: str, auth_key: str
    ) -> models.VolumeTransfer:
        self.secrets.add(auth_key)

        def change() -> models.VolumeTransfer:
            raw = self._transfer_raw(transfer_id, anyone=True)  # Cinder looks it up elevated
            salt, crypt = self._transfers().hashes[transfer_id]
            if not hmac.compare_digest(_crypt_hash(salt, str(auth_key)), crypt):
                self._check(
                    f"Invalid auth key: Attempt to transfer {transfer_id} with invalid auth key."
                )
            volume = self._lookup(self._cloud.volumes, raw["volume_id"], "volume")
            project = self._info.project_id
            self._cloud.update(
                self._cloud.volumes,
                volume,
                {
                    "status": "available",
                    "os-vol-tenant-attr:tenant_id": project,
                    "user_id": self._info.user_id,
                },
            )
            for snapshot in list(self._cloud.snapshots):
                if snapshot.volume_id == volume.id:
                    moved = {"os-extended-snapshot-attributes:project_id": project}
                    self._cloud.update(self._cloud.snapshots, snapshot, moved)
            pending = self._transfers()
            pending.records.pop(transfer_id)
            pending.hashes.pop(transfer_id)
            return models.VolumeTransfer.from_api(
                {key: raw[key] for key in ("id", "name", "volume_id", "links")}
            )

        return await self._write("accept-volume-transfer", f"transfer {transfer_id}", change)

    async def delete_volume_transfer(self, transfer_id: str) -> None:
        def change() -> None:
            raw = self._transfer_raw(transfer_id)
            volume = self._lookup(self._cloud.volumes, raw["volume_id"], "volume")
            pending = self._transfers()
            pending.records.pop(transfer_id)
            pending.hashes.pop(transfer_id, None)
            self._cloud.update(self._cloud.volumes, volume, {"status": "available"})

        await self._write("delete-volume-transfer", f"transfer {transfer_id}", change)


def _reset_body_error(status: str, attach_status: str, migration_status: str) -> str | None:
    """Cinder's schema checks of os-reset_status, in its order."""
    if not (status or attach_status or migration_status):
        return "Must specify 'status', 'attach_status' or 'migration_status' for update."
    if status and status.lower() not in states.VOLUME_STATUSES:
        return f"Volume status: {status} is invalid, valid statuses are: {states.VOLUME_STATUSES}."
    if attach_status and attach_status.lower() not in states.ATTACH_STATUSES:
        return (
            f"Volume attach status: {attach_status} is invalid, valid statuses are: "
            f"{list(states.ATTACH_STATUSES)}."
        )
    if migration_status and migration_status.lower() not in states.MIGRATION_STATUSES:
        return (
            f"Volume migration status: {migration_status} is invalid, valid statuses are: "
            f"{states.MIGRATION_STATUSES}."
        )
    return None


def _upload_body_error(spec: models.VolumeUploadSpec) -> str | None:
    """Cinder's schema checks of os-volume_upload_image (3.1+)."""
    if not spec.image_name:
        return "Invalid input for field/attribute image_name. Value: . '' should be non-empty"
    if len(spec.image_name) > 255:
        return (
            f"Invalid input for field/attribute image_name. Value: {spec.image_name}. "
            f"'{spec.image_name}' is too long"
        )
    if spec.disk_format not in models.UPLOAD_DISK_FORMATS:
        cinders = ("raw", "vmdk", "vdi", "qcow2", "vhd", "vhdx", "ploop")  # the schema's order
        return _schema_enum("disk_format", spec.disk_format, cinders)
    if spec.visibility not in models.UPLOAD_VISIBILITIES:
        return _schema_enum(
            "visibility", spec.visibility, ("community", "public", "private", "shared")
        )
    return None
