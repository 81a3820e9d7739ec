"""Swift: containers and objects."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Self

from tui.backend.models.common import FromApi, Json, api, as_str


@dataclass(frozen=True, slots=True)
class Container(FromApi):
    name: str
    count: int
    bytes: int
    last_modified: str
    raw: Json = field(default_factory=dict, compare=False, repr=False)

    @property
    def id(self) -> str:
        return self.name


@dataclass(frozen=True, slots=True)
class SwiftObject(FromApi):
    """An object of a container, or a pseudo-folder (a ``subdir`` of a delimiter listing)."""

    container: str
    name: str = field(
        metadata=api("subdir", "name")
    )  # the full name ("photos/2024/a.jpg"; a folder ends with "/")
    short: str  # the name within the listed prefix ("a.jpg", "2024/")
    folder: bool = field(metadata=api(get=lambda d: "subdir" in d))
    bytes: int
    content_type: str
    last_modified: str
    hash: str
    raw: Json = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_api(cls, d: Json, prefix: str = "", container: str = "") -> Self:
        name = as_str(d.get("subdir") or d.get("name"))
        short = name[len(prefix) :] if prefix and name.startswith(prefix) else name
        return cls.read(d, container=container, short=short)

    @property
    def id(self) -> str:
        return self.name
