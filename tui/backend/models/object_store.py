"""Swift: containers and objects."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Self

from tui.backend.models.common import Json, as_int, as_str


@dataclass(frozen=True, slots=True)
class Container:
    name: str
    count: int
    bytes: int
    last_modified: str
    raw: Json = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_api(cls, d: Json) -> Self:
        return cls(
            name=as_str(d.get("name")),
            count=as_int(d.get("count")),
            bytes=as_int(d.get("bytes")),
            last_modified=as_str(d.get("last_modified")),
            raw=d,
        )

    @property
    def id(self) -> str:
        return self.name


@dataclass(frozen=True, slots=True)
class SwiftObject:
    """An object of a container, or a pseudo-folder (a ``subdir`` of a delimiter listing)."""

    container: str
    name: str  # the full name ("photos/2024/a.jpg"; a folder ends with the delimiter)
    short: str  # the name within the listed prefix ("a.jpg", "2024/")
    folder: bool
    bytes: int
    content_type: str
    last_modified: str
    hash: str
    raw: Json = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_api(cls, d: Json, prefix: str = "", container: str = "") -> Self:
        name = as_str(d.get("subdir") or d.get("name"))
        return cls(
            container=container,
            name=name,
            short=name[len(prefix) :] if prefix and name.startswith(prefix) else name,
            folder="subdir" in d,
            bytes=as_int(d.get("bytes")),
            content_type=as_str(d.get("content_type")),
            last_modified=as_str(d.get("last_modified")),
            hash=as_str(d.get("hash")),
            raw=d,
        )

    @property
    def id(self) -> str:
        return self.name
