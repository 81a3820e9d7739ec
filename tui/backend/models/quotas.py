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


# Keys of a quota set that are not limits.
_NOT_LIMITS = frozenset({"id", "project_id", "tenant_id"})


@dataclass(frozen=True, slots=True)
class QuotaOverride:
    """One limit of a project that is not its service's default (what ``neutron quota-list``
    shows, for Nova and Cinder too)."""

    project_id: str
    project: str  # its name where known, else the id
    service: str  # compute, network or block-storage
    resource: str
    limit: int  # -1: unlimited
    default: int | None  # None: the service gave no default for it
    raw: Json = field(default_factory=dict, compare=False, repr=False)

    @property
    def id(self) -> str:
        return f"{self.project_id}/{self.service}/{self.resource}"

    @property
    def name(self) -> str:
        return f"{self.project} {ZONE_SERVICES.get(self.service, self.service)} {self.resource}"


def quota_overrides(
    service: str, project_id: str, limits: Json, defaults: Json, project: str = ""
) -> list[QuotaOverride]:
    """The limits of one project's quota set (resource → int, or → {limit, ...}) that are
    not the service's defaults (resource → int)."""
    rows = []
    for resource, value in limits.items():
        if resource in _NOT_LIMITS:
            continue
        limit = as_int(value.get("limit") if isinstance(value, Mapping) else value)
        default = as_int(defaults[resource]) if resource in defaults else None
        if limit != default:
            rows.append(
                QuotaOverride(
                    project_id=project_id,
                    project=project or project_id,
                    service=service,
                    resource=resource,
                    limit=limit,
                    default=default,
                    raw={resource: value},
                )
            )
    return rows
