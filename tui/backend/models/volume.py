"""Cinder: volumes, their attachments and snapshots, volume requests."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Self

from tui.backend.models.common import Json, as_bool, as_int, as_str


@dataclass(frozen=True, slots=True)
class VolumeAttachment:
    server_id: str
    device: str
    attachment_id: str
    host: str


@dataclass(frozen=True, slots=True)
class Volume:
    id: str
    name: str
    status: str
    size_gb: int
    volume_type: str
    bootable: bool
    project_id: str
    host: str
    availability_zone: str
    attachments: tuple[VolumeAttachment, ...]
    created: str
    multiattach: bool
    raw: Json = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_api(cls, d: Json) -> Self:
        return cls(
            id=as_str(d.get("id")),
            name=as_str(d.get("name")),
            status=as_str(d.get("status")),
            size_gb=as_int(d.get("size")),
            volume_type=as_str(d.get("volume_type")),
            bootable=as_bool(d.get("bootable")),  # cinder says "true"/"false" as strings
            project_id=as_str(d.get("os-vol-tenant-attr:tenant_id") or d.get("project_id")),
            host=as_str(d.get("os-vol-host-attr:host")),
            availability_zone=as_str(d.get("availability_zone")),
            attachments=tuple(
                VolumeAttachment(
                    server_id=as_str(a.get("server_id")),
                    device=as_str(a.get("device")),
                    attachment_id=as_str(a.get("attachment_id")),
                    host=as_str(a.get("host_name")),
                )
                for a in d.get("attachments") or ()
            ),
            created=as_str(d.get("created_at")),
            multiattach=as_bool(d.get("multiattach")),
            raw=d,
        )


@dataclass(frozen=True, slots=True)
class VolumeSnapshot:
    id: str
    name: str
    volume_id: str
    status: str
    size_gb: int
    project_id: str
    created: str
    description: str
    raw: Json = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_api(cls, d: Json) -> Self:
        return cls(
            id=as_str(d.get("id")),
            name=as_str(d.get("name")),
            volume_id=as_str(d.get("volume_id")),
            status=as_str(d.get("status")),
            size_gb=as_int(d.get("size")),
            project_id=as_str(
                d.get("os-extended-snapshot-attributes:project_id") or d.get("project_id")
            ),
            created=as_str(d.get("created_at")),
            description=as_str(d.get("description")),
            raw=d,
        )


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
