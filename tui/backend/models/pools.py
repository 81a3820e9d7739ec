"""Cinder backend pools."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from tui.backend.models.common import FromApi, Json, api

_CAPS = "capabilities"


def _capacity(key: str) -> Callable[[Json], float | None]:
    """A pool capacity in GB; None for "infinite"/"unknown" (drivers that cannot tell)."""

    def capacity(d: Json) -> float | None:
        value = (d.get(_CAPS) or {}).get(key)
        if value is None or isinstance(value, bool):
            return None
        try:
            return float(value)
        except (TypeError, ValueError):
            return None

    return capacity


@dataclass(frozen=True, slots=True)
class VolumePool(FromApi):
    """One Cinder scheduler pool (GET /scheduler-stats/get_pools?detail=true)."""

    name: str  # host@backend#pool
    backend_name: str = field(metadata=api("volume_backend_name", within=_CAPS))
    driver_version: str = field(metadata=api(within=_CAPS))
    vendor: str = field(metadata=api("vendor_name", within=_CAPS))
    storage_protocol: str = field(metadata=api(within=_CAPS))
    total_gb: float | None = field(metadata=api(get=_capacity("total_capacity_gb")))
    free_gb: float | None = field(metadata=api(get=_capacity("free_capacity_gb")))
    allocated_gb: float | None = field(metadata=api(get=_capacity("allocated_capacity_gb")))
    provisioned_gb: float | None = field(metadata=api(get=_capacity("provisioned_capacity_gb")))
    reserved_percentage: int = field(metadata=api(within=_CAPS))
    thin_provisioning: bool = field(metadata=api("thin_provisioning_support", within=_CAPS))
    max_over_subscription_ratio: str = field(metadata=api(within=_CAPS))
    qos_support: bool = field(metadata=api("QoS_support", within=_CAPS))
    # "timestamp" first; the API reference calls it "updated"
    updated: str = field(metadata=api("timestamp", "updated", within=_CAPS))
    raw: Json = field(default_factory=dict, compare=False, repr=False)

    @property
    def id(self) -> str:
        return self.name

    @property
    def used_percent(self) -> float | None:
        """How full the pool is: (total - free) / total; None when the driver cannot tell."""
        if not self.total_gb or self.free_gb is None:
            return None
        return 100.0 * (self.total_gb - self.free_gb) / self.total_gb
