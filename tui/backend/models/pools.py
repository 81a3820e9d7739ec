"""Cinder backend pools."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Self

from tui.backend.models.common import Json, as_bool, as_int, as_str


def _capacity(value: Any) -> float | None:
    """A pool capacity in GB; None for "infinite"/"unknown" (drivers that cannot tell)."""
    if value is None or isinstance(value, bool):
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


@dataclass(frozen=True, slots=True)
class VolumePool:
    """One Cinder scheduler pool (GET /scheduler-stats/get_pools?detail=true)."""

    name: str  # host@backend#pool
    backend_name: str
    driver_version: str
    vendor: str
    storage_protocol: str
    total_gb: float | None
    free_gb: float | None
    allocated_gb: float | None
    provisioned_gb: float | None
    reserved_percentage: int
    thin_provisioning: bool
    max_over_subscription_ratio: str
    qos_support: bool
    updated: str
    raw: Json = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_api(cls, d: Json) -> Self:
        caps = d.get("capabilities") or {}
        return cls(
            name=as_str(d.get("name")),
            backend_name=as_str(caps.get("volume_backend_name")),
            driver_version=as_str(caps.get("driver_version")),
            vendor=as_str(caps.get("vendor_name")),
            storage_protocol=as_str(caps.get("storage_protocol")),
            total_gb=_capacity(caps.get("total_capacity_gb")),
            free_gb=_capacity(caps.get("free_capacity_gb")),
            allocated_gb=_capacity(caps.get("allocated_capacity_gb")),
            provisioned_gb=_capacity(caps.get("provisioned_capacity_gb")),
            reserved_percentage=as_int(caps.get("reserved_percentage")),
            thin_provisioning=as_bool(caps.get("thin_provisioning_support")),
            max_over_subscription_ratio=as_str(caps.get("max_over_subscription_ratio")),
            qos_support=as_bool(caps.get("QoS_support")),
            # "timestamp" first; the API reference calls it "updated"
            updated=as_str(caps.get("timestamp") or caps.get("updated")),
            raw=d,
        )

    @property
    def id(self) -> str:
        return self.name

    @property
    def used_percent(self) -> float | None:
        """How full the pool is: (total - free) / total; None when the driver cannot tell."""
        if not self.total_gb or self.free_gb is None:
            return None
        return 100.0 * (self.total_gb - self.free_gb) / self.total_gb
