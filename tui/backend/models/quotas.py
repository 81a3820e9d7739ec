"""Quotas with their usage, from Nova, Neutron and Cinder."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from tui.backend.models.common import Json, as_int
from tui.backend.models.zones import ZONE_SERVICES

UNLIMITED = -1


@dataclass(frozen=True, slots=True)
class QuotaUsage:
    """One (service, resource) quota of a project: its limit, what is used and reserved."""

    service: str  # compute, network or block-storage
    project_id: str
    resource: str
    limit: int  # -1: unlimited
    in_use: int
    reserved: int
    default: int | None  # the service's default for this resource, when known
    # (resource, limit, in use + reserved) of the whole service, for the edit form.
    service_limits: tuple[tuple[str, int, int], ...] = field(default=(), compare=False, repr=False)
    raw: Json = field(default_factory=dict, compare=False, repr=False)

    @property
    def id(self) -> str:
        return f"{self.service}/{self.resource}"

    @property
    def name(self) -> str:
        return f"{ZONE_SERVICES.get(self.service, self.service)} {self.resource}"

    @property
    def unlimited(self) -> bool:
        return self.limit < 0

    @property
    def used(self) -> int:
        return self.in_use + self.reserved

    @property
    def free(self) -> int | None:
        return None if self.unlimited else self.limit - self.used

    @property
    def percent(self) -> float | None:
        """Share of the limit in use (None when unlimited; inf for use over a zero limit)."""
        if self.unlimited:
            return None
        if self.limit == 0:
            return float("inf") if self.used else 0.0
        return 100.0 * self.used / self.limit

    @property
    def over(self) -> bool:
        return not self.unlimited and self.used > self.limit

    @property
    def differs(self) -> bool:
        return self.default is not None and self.limit != self.default


def quota_usages(
    service: str, project_id: str, body: Json, defaults: Json | None = None
) -> list[QuotaUsage]:
    """Rows of a quota set with usage: Nova's and Cinder's ``quota_set`` ({limit, in_use,
    reserved} per resource), Neutron's ``quota`` ({limit, used, reserved}); or of a plain set
    of limits (the defaults: resource → int), shown with nothing used."""
    entries: list[tuple[str, int, int, int]] = []
    for resource, value in body.items():
        if resource == "id":
            continue
        if isinstance(value, Mapping):
            used = value.get("in_use", value.get("used"))
            entries.append(
                (resource, as_int(value.get("limit")), as_int(used), as_int(value.get("reserved")))
            )
        elif isinstance(value, int | str) and not isinstance(value, bool):
            entries.append((resource, as_int(value), 0, 0))
    limits = tuple(
        (resource, limit, used + reserved) for resource, limit, used, reserved in entries
    )
    known = defaults or {}
    return [
        QuotaUsage(
            service=service,
            project_id=project_id,
            resource=resource,
            limit=limit,
            in_use=in_use,
            reserved=reserved,
            default=as_int(known[resource]) if resource in known else None,
            service_limits=limits,
            raw={resource: body.get(resource)},
        )
        for resource, limit, in_use, reserved in entries
    ]
