"""Cinder's per-volume operations: what an image upload answers, volume transfers (the
pending offers of a volume to another project) and the one answer that carries an auth key.

The auth key of a new transfer is a secret: it is kept apart from the record (`raw` never
holds it, `repr` never shows it), so describing or logging a transfer cannot reveal it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tui.backend.models.common import FromApi, Json, api, as_str

# Cinder's os-volume_upload_image schema: the disk formats it takes (no iso: Cinder refuses
# it), and the container formats of Glance that Cinder uploads as they are ("compressed"
# needs cinder.conf's allow_compression_on_image_upload)
UPLOAD_DISK_FORMATS = ("raw", "qcow2", "vmdk", "vdi", "vhd", "vhdx", "ploop")
UPLOAD_CONTAINER_FORMATS = ("bare", "ovf", "ova", "docker")
UPLOAD_VISIBILITIES = ("private", "shared", "community", "public")
MIGRATION_POLICIES = ("never", "on-demand")


@dataclass(frozen=True, slots=True)
class VolumeUploadSpec:
    """``cinder upload-to-image``: the new image's name and formats; `force` lets an in-use
    volume be uploaded where the cloud allows it (cinder.conf ``enable_force_upload``);
    visibility and protected are sent at microversion 3.1+."""

    image_name: str
    disk_format: str = "raw"
    container_format: str = "bare"
    force: bool = False
    visibility: str = "private"
    protected: bool = False

    def body(self) -> Json:
        return {
            "image_name": self.image_name,
            "disk_format": self.disk_format,
            "container_format": self.container_format,
            "force": self.force,
            "visibility": self.visibility,
            "protected": self.protected,
        }


def _image_visibility(d: Json) -> str:
    if "visibility" in d:
        return as_str(d.get("visibility"))
    if "is_public" in d:
        return "public" if d.get("is_public") else "private"
    return ""


@dataclass(frozen=True, slots=True)
class VolumeUpload(FromApi):
    """Cinder's answer to os-volume_upload_image: the image it asked Glance for (queued
    until the volume's data arrives) and the volume, now uploading."""

    volume_id: str = field(metadata=api("id"))
    status: str
    image_id: str
    image_name: str
    disk_format: str
    container_format: str
    visibility: str = field(metadata=api(get=_image_visibility))
    protected: bool
    raw: Json = field(default_factory=dict, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class VolumeTransfer(FromApi):
    """A pending transfer of a volume to whoever holds its id and auth key (GET
    /volume-transfers/detail). The source project and `accepted` come at 3.57+."""

    id: str
    name: str
    volume_id: str
    created: str = field(metadata=api("created_at"))
    source_project_id: str
    destination_project_id: str
    accepted: bool
    raw: Json = field(default_factory=dict, compare=False, repr=False)

    @property
    def project_id(self) -> str:
        """The project giving the volume away (its owner until the transfer is accepted)."""
        return self.source_project_id


@dataclass(frozen=True, slots=True)
class NewVolumeTransfer:
    """The answer to transfer-create: the transfer, and its auth key, which Cinder shows
    this once (it keeps only a salted hash). Never in `raw`, never in a repr."""

    transfer: VolumeTransfer
    auth_key: str = field(repr=False)

    @property
    def id(self) -> str:
        return self.transfer.id

    @classmethod
    def from_api(cls, d: Json) -> NewVolumeTransfer:
        kept = {key: value for key, value in d.items() if key != "auth_key"}
        return cls(VolumeTransfer.read(kept), as_str(d.get("auth_key")))
