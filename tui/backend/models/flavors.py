"""Nova flavors beyond the list: creation, extra specs, access."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Self

from tui.backend.models.common import FromApi, Json, api, as_str


@dataclass(frozen=True, slots=True)
class FlavorSpec:
    """What a new Nova flavor is (POST /flavors); `flavor_id` "" lets Nova choose."""

    name: str
    vcpus: int
    ram_mb: int
    disk_gb: int = 0
    ephemeral_gb: int = 0
    swap_mb: int = 0
    rxtx_factor: float = 1.0
    is_public: bool = True
    description: str = ""
    flavor_id: str = ""


@dataclass(frozen=True, slots=True)
class FlavorExtraSpec:
    """One key of a flavor's extra specs (GET /flavors/{id}/os-extra_specs)."""

    flavor_id: str
    key: str
    value: str
    raw: Json = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_api(cls, flavor_id: str, body: Json) -> list[Self]:
        specs = body.get("extra_specs") or {}
        return [cls(flavor_id, str(k), as_str(v), {k: v}) for k, v in sorted(specs.items())]

    @property
    def id(self) -> str:
        return self.key


@dataclass(frozen=True, slots=True)
class FlavorAccess(FromApi):
    """A project allowed to use a private flavor (GET /flavors/{id}/os-flavor-access)."""

    flavor_id: str
    project_id: str = field(metadata=api("tenant_id"))
    raw: Json = field(default_factory=dict, compare=False, repr=False)

    @property
    def id(self) -> str:
        return self.project_id


# -- Heat stacks and Swift containers/objects --------------------------------------
