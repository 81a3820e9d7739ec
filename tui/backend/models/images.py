"""Glance beyond the image list: uploads, members, downloads."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tui.backend.models.common import FromApi, Json, api


@dataclass(frozen=True, slots=True)
class ImageSpec:
    """What a new Glance image record says about itself (POST /v2/images)."""

    name: str
    disk_format: str = "qcow2"
    container_format: str = "bare"
    visibility: str = "private"
    min_disk: int = 0
    min_ram: int = 0
    protected: bool = False
    properties: tuple[tuple[str, str], ...] = ()

    def body(self) -> dict[str, Any]:
        return {
            **dict(self.properties),
            "name": self.name,
            "disk_format": self.disk_format,
            "container_format": self.container_format,
            "visibility": self.visibility,
            "min_disk": self.min_disk,
            "min_ram": self.min_ram,
            "protected": self.protected,
        }


@dataclass(frozen=True, slots=True)
class ImageMember(FromApi):
    """A project an image is shared with, and whether it accepted (GET /v2/images/{id}/members)."""

    image_id: str
    member_id: str
    status: str
    created: str = field(metadata=api("created_at"))
    updated: str = field(metadata=api("updated_at"))
    raw: Json = field(default_factory=dict, compare=False, repr=False)

    @property
    def id(self) -> str:
        return self.member_id


@dataclass(frozen=True, slots=True)
class Download:
    """A finished image download: where it went, how big, and what the checksum check said."""

    path: str
    size: int
    algorithm: str  # "sha512", "md5" or "" when Glance gave no checksum
    digest: str
    verified: bool
