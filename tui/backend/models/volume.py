"""Cinder: volumes, their attachments and snapshots, volume requests."""

from __future__ import annotations

from dataclasses import dataclass, field

from tui.backend.models.common import FromApi, Json, api, as_str


@dataclass(frozen=True, slots=True)
class VolumeAttachment:
    server_id: str
    device: str
    attachment_id: str
    host: str


@dataclass(frozen=True, slots=True)
class Volume(FromApi):
    id: str
    name: str
    status: str
    size_gb: int = field(metadata=api("size"))
    volume_type: str
    bootable: bool  # cinder says "true"/"false" as strings
    project_id: str = field(metadata=api("os-vol-tenant-attr:tenant_id", "project_id"))
    host: str = field(metadata=api("os-vol-host-attr:host"))
    availability_zone: str
    attachments: tuple[VolumeAttachment, ...] = field(
        metadata=api(
            get=lambda d: tuple(
                VolumeAttachment(
                    server_id=as_str(a.get("server_id")),
                    device=as_str(a.get("device")),
                    attachment_id=as_str(a.get("attachment_id")),
                    host=as_str(a.get("host_name")),
                )
                for a in d.get("attachments") or ()
            )
        )
    )
    created: str = field(metadata=api("created_at"))
    multiattach: bool
    raw: Json = field(default_factory=dict, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class VolumeSnapshot(FromApi):
    id: str
    name: str
    volume_id: str
    status: str
    size_gb: int = field(metadata=api("size"))
    project_id: str = field(
        metadata=api("os-extended-snapshot-attributes:project_id", "project_id")
    )
    created: str = field(metadata=api("created_at"))
    description: str
    raw: Json = field(default_factory=dict, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class VolumeSpec:
    """A new volume: blank, from a snapshot, or from an image."""

    name: str
    size_gb: int
    snapshot_id: str = ""
    image_id: str = ""
    source_volume_id: str = ""
    volume_type: str = ""
    availability_zone: str = ""
    description: str = ""
