"""Host aggregates and every service's availability zones."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Self

from tui.backend.models.common import FromApi, Json, api, as_bool, as_str


@dataclass(frozen=True, slots=True)
class Aggregate(FromApi):
    id: str  # Nova's integer id as text: the API addresses aggregates by it
    uuid: str
    name: str
    availability_zone: str
    hosts: tuple[str, ...] = field(metadata=api(get=lambda d: sorted(d.get("hosts") or ())))
    metadata: tuple[tuple[str, str], ...] = field(
        metadata=api(
            get=lambda d: tuple(
                sorted((str(k), as_str(v)) for k, v in (d.get("metadata") or {}).items())
            )
        )
    )
    created: str = field(metadata=api("created_at"))
    updated: str = field(metadata=api("updated_at"))
    raw: Json = field(default_factory=dict, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class ZoneHost:
    """One service on one host of a compute zone (os-availability-zone/detail)."""

    zone: str
    host: str
    binary: str
    available: bool  # enabled
    active: bool  # up
    updated: str
    raw: Json = field(default_factory=dict, compare=False, repr=False)

    @property
    def id(self) -> str:
        return f"{self.zone}/{self.host}/{self.binary}"


ZONE_SERVICES = {"compute": "Nova", "block-storage": "Cinder", "network": "Neutron"}


@dataclass(frozen=True, slots=True)
class ServiceZone:
    """An availability zone of one service: Nova and Cinder's zoneInfo, Neutron's zones."""

    service: str  # compute, block-storage or network
    name: str
    resource: str  # what the zone holds: Neutron says network or router; else the service
    available: bool
    hosts: tuple[ZoneHost, ...]
    raw: Json = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_api(cls, d: Json, service: str = "compute") -> Self:
        if "zoneName" not in d:  # Neutron: {"name", "resource", "state"}
            return cls(
                service=service,
                name=as_str(d.get("name")),
                resource=as_str(d.get("resource")) or service,
                available=d.get("state") == "available",
                hosts=(),
                raw=d,
            )
        name = as_str(d.get("zoneName"))
        hosts = tuple(
            ZoneHost(
                zone=name,
                host=str(host),
                binary=str(binary),
                available=as_bool(state.get("available")),
                active=as_bool(state.get("active")),
                updated=as_str(state.get("updated_at")),
                raw={"zone": name, "host": host, "binary": binary, **state},
            )
            for host, services in sorted((d.get("hosts") or {}).items())
            for binary, state in sorted((services or {}).items())
        )
        return cls(
            service=service,
            name=name,
            resource="volume" if service == "block-storage" else service,
            available=as_bool((d.get("zoneState") or {}).get("available")),
            hosts=hosts,
            raw=d,
        )

    @property
    def id(self) -> str:
        return f"{self.service}/{self.resource}/{self.name}"

    @property
    def host_names(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(h.host for h in self.hosts))
