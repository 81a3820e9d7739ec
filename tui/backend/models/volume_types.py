"""Cinder volume types (extra specs, access, project defaults) and QoS specs."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from tui.backend.models.common import FromApi, Json, api, as_bool, as_str

QOS_CONSUMERS = ("front-end", "back-end", "both")
# The limits Cinder's drivers and Nova's front end read: whole numbers, 0 or more.
QOS_LIMIT_KEYS = (
    "read_iops_sec",
    "write_iops_sec",
    "total_iops_sec",
    "read_bytes_sec",
    "write_bytes_sec",
    "total_bytes_sec",
    "read_iops_sec_max",
    "write_iops_sec_max",
    "total_iops_sec_max",
    "read_bytes_sec_max",
    "write_bytes_sec_max",
    "total_bytes_sec_max",
    "size_iops_sec",
    "total_iops_sec_per_gb",
    "read_iops_sec_per_gb",
    "write_iops_sec_per_gb",
    "total_bytes_sec_per_gb",
    "read_bytes_sec_per_gb",
    "write_bytes_sec_per_gb",
    "total_iops_sec_per_gb_min",
    "read_iops_sec_per_gb_min",
    "write_iops_sec_per_gb_min",
    "total_bytes_sec_per_gb_min",
    "read_bytes_sec_per_gb_min",
    "write_bytes_sec_per_gb_min",
)


def _pairs(value: Any) -> tuple[tuple[str, str], ...]:
    """A JSON object of specs as sorted (key, value) text pairs."""
    if not isinstance(value, Mapping):
        return ()
    return tuple(sorted((as_str(k), as_str(v)) for k, v in value.items()))


def _specs_text(specs: tuple[tuple[str, str], ...]) -> str:
    """``a=1, b=2``: a spec list on one line."""
    return ", ".join(f"{k}={v}" for k, v in specs)


def _is_public(d: Json) -> bool:
    value = d.get("os-volume-type-access:is_public", d.get("is_public", True))
    return as_bool(True if value is None else value)


@dataclass(frozen=True, slots=True)
class VolumeType(FromApi):
    """A Cinder volume type (GET /types). A member sees no extra specs nor QoS id.

    `default` is filled by whoever knows it: "cloud" for the type GET /types/default names
    (cinder.conf ``default_volume_type``), "project" for this project's own default."""

    id: str
    name: str
    description: str
    is_public: bool = field(metadata=api(get=_is_public))
    extra_specs: tuple[tuple[str, str], ...] = field(
        metadata=api(get=lambda d: _pairs(d.get("extra_specs")))
    )
    qos_specs_id: str
    default: str = ""
    qos_name: str = ""
    raw: Json = field(default_factory=dict, compare=False, repr=False)

    @property
    def specs_text(self) -> str:
        return _specs_text(self.extra_specs)


@dataclass(frozen=True, slots=True)
class VolumeTypeSpec:
    """A new volume type (POST /types)."""

    name: str
    description: str = ""
    is_public: bool = True
    extra_specs: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class VolumeTypeAccess(FromApi):
    """A project allowed to use a private type (GET /types/{id}/os-volume-type-access)."""

    volume_type_id: str
    project_id: str
    raw: Json = field(default_factory=dict, compare=False, repr=False)

    @property
    def id(self) -> str:
        return self.project_id


@dataclass(frozen=True, slots=True)
class QosSpec(FromApi):
    """A set of QoS limits (GET /qos-specs); Cinder attaches it to volume types.

    `types` (names of the associated types) is filled by whoever asked for them."""

    id: str
    name: str
    consumer: str
    specs: tuple[tuple[str, str], ...] = field(metadata=api(get=lambda d: _pairs(d.get("specs"))))
    types: tuple[str, ...] = ()
    raw: Json = field(default_factory=dict, compare=False, repr=False)

    @property
    def specs_text(self) -> str:
        return _specs_text(self.specs)


@dataclass(frozen=True, slots=True)
class QosSpecSpec:
    """A new QoS spec (POST /qos-specs)."""

    name: str
    consumer: str = "back-end"
    specs: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class QosAssociation(FromApi):
    """A volume type a QoS spec is attached to (GET /qos-specs/{id}/associations)."""

    qos_id: str
    id: str
    name: str
    association_type: str
    raw: Json = field(default_factory=dict, compare=False, repr=False)
