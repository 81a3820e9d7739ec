"""In-memory Nova host aggregates and the zones of Nova, Cinder and Neutron.

Aggregates are shaped like GET /os-aggregates at 2.41 (devcloud's own are in
tests/fixtures/api/aggregates.json). A host in an aggregate with an availability zone is in
that zone; every other compute host is in the default zone, as Nova reports it.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import AsyncIterator, Mapping
from typing import Any

from tui.backend import models
from tui.backend.memory.clock import cinder_time, last_heartbeat
from tui.backend.memory.core import MemoryCore
from tui.backend.memory.data import stamp

DEFAULT_ZONE = "nova"
INTERNAL_ZONE = "internal"
CONTROLLER = "controller"
_METADATA_KEY = re.compile(r"^[a-zA-Z0-9-_:. ]{1,255}$")
_AGGREGATES_NS = uuid.UUID("5d1c0a7e-6a39-4f0e-9c55-1d2b8f3e7a10")


def aggregate_json(
    n: int,
    name: str,
    hosts: list[str],
    metadata: dict[str, str],
    zone: str | None = None,
    created: str = "",
) -> dict[str, Any]:
    meta = {**metadata, **({"availability_zone": zone} if zone else {})}
    return {
        "id": n,
        "uuid": str(uuid.uuid5(_AGGREGATES_NS, f"aggregate-{n}")),
        "name": name,
        "hosts": hosts,
        "metadata": meta,
        "created_at": created or stamp(30 + n).replace("Z", ".000000"),
        "updated_at": None,
        "deleted_at": None,
        "deleted": False,
        "availability_zone": zone,
    }


class AggregatesMemory(MemoryCore):
    _aggregate_list: list[models.Aggregate] | None = None

    def _aggregates(self) -> list[models.Aggregate]:
        if self._aggregate_list is None:
            hosts = [h.host for h in self._cloud.hypervisors]
            seeds = [
                aggregate_json(1, "highspec", hosts[:2], {"highspec": "true"}),
                aggregate_json(2, "gpu", hosts[2:3], {"gpu": "true", "pinned": "true"}),
            ]
            self._aggregate_list = [models.Aggregate.from_api(a) for a in seeds if a["hosts"]]
        return self._aggregate_list

    def _aggregate_policy(self, operation: str, rule: str) -> None:
        self._require_admin(operation, f"os_compute_api:os-aggregates:{rule}")

    async def aggregates(self) -> AsyncIterator[list[models.Aggregate]]:
        self._aggregate_policy("list aggregates", "index")
        async for page in self._pages(list(self._aggregates()), 1000):
            yield page

    async def aggregate(self, aggregate_id: str) -> models.Aggregate:
        self._aggregate_policy("show aggregate", "show")
        return self._current(aggregate_id)

    def _replace(self, old: models.Aggregate, **changes: Any) -> models.Aggregate:
        fresh = models.Aggregate.from_api(
            {**old.raw, **changes, "updated_at": cinder_time(self._cloud.now())}
        )
        aggregates = self._aggregates()
        aggregates[aggregates.index(old)] = fresh
        return fresh

    async def create_aggregate(self, name: str, availability_zone: str = "") -> models.Aggregate:
        self._aggregate_policy("create aggregate", "create")

        def change() -> models.Aggregate:
            if any(a.name == name for a in self._aggregates()):
                raise self.refused(409, f"Aggregate {name} already exists.")
            n = max((int(a.id) for a in self._aggregates()), default=0) + 1
            created = models.Aggregate.from_api(
                aggregate_json(
                    n, name, [], {}, availability_zone or None, cinder_time(self._cloud.now())
                )
            )
            self._aggregates().append(created)
            return created

        return await self._write("create-aggregate", f"aggregate {name}", change)

    async def delete_aggregate(self, aggregate: models.Aggregate) -> None:
        self._aggregate_policy("delete aggregate", "delete")

        def change() -> None:
            current = self._current(aggregate.id)
            if current.hosts:
                raise self.refused(
                    400,
                    f"Cannot remove host from aggregate {current.id}. "
                    "Reason: Host aggregate is not empty.",
                )
            self._aggregates().remove(current)

        await self._write("delete-aggregate", _target(aggregate), change)

    def _current(self, aggregate_id: str) -> models.Aggregate:
        found = next((a for a in self._aggregates() if a.id == aggregate_id), None)
        return self._present(found, f"Aggregate {aggregate_id} could not be found.")

    async def add_aggregate_host(self, aggregate: models.Aggregate, host: str) -> models.Aggregate:
        self._aggregate_policy("add aggregate host", "add_host")

        def change() -> models.Aggregate:
            current = self._current(aggregate.id)
            if host not in {h.host for h in self._cloud.hypervisors}:
                raise self.refused(404, f"Compute host {host} could not be found.")
            if host in current.hosts:
                raise self.refused(409, f"Aggregate {current.id} already has host {host}.")
            zone = current.availability_zone
            clash = next((z for z in self._zones_of(host) if zone and z != zone), None)
            if clash is not None:
                raise self.refused(
                    409,
                    f"Cannot add host to aggregate {current.id}. Reason: One or more hosts "
                    f"already in availability zone(s) ['{clash}'].",
                )
            servers = sum(1 for s in self._cloud.servers if s.host == host)
            old = next(
                iter(self._zones_of(host)), None
            )  # None in the default zone: Nova says 'None' then
            if zone and servers and old != zone:
                raise self.refused(409, _zone_change(current, old, servers))
            return self._replace(current, hosts=[*current.hosts, host])

        return await self._write(
            "add-aggregate-host", f"host {host} to {_target(aggregate)}", change
        )

    async def remove_aggregate_host(
        self, aggregate: models.Aggregate, host: str
    ) -> models.Aggregate:
        self._aggregate_policy("remove aggregate host", "remove_host")

        def change() -> models.Aggregate:
            current = self._current(aggregate.id)
            if host not in current.hosts:
                raise self.refused(404, f"Cannot remove host {host} in aggregate {current.id}")
            return self._replace(current, hosts=[h for h in current.hosts if h != host])

        return await self._write(
            "remove-aggregate-host", f"host {host} from {_target(aggregate)}", change
        )

    async def set_aggregate_metadata(
        self, aggregate: models.Aggregate, metadata: Mapping[str, str | None]
    ) -> models.Aggregate:
        self._aggregate_policy("set aggregate metadata", "set_metadata")
        described = ", ".join(f"{k}={v}" if v is not None else f"-{k}" for k, v in metadata.items())

        def change() -> models.Aggregate:
            current = self._current(aggregate.id)
            for key in metadata:
                if not _METADATA_KEY.match(key):
                    raise self.refused(
                        400,
                        "Invalid input for field/attribute metadata. Value: "
                        f"{dict(metadata)}. '{key}' does not match any of the regexes: "
                        f"'{_METADATA_KEY.pattern}'",
                    )
            unzoning = "availability_zone" in metadata and not metadata["availability_zone"]
            if current.availability_zone and unzoning:
                raise self.refused(
                    400,
                    f"Cannot update metadata of aggregate {current.id}. Reason: Aggregate "
                    f"{current.name} does not support empty named availability zone.",
                )
            merged = {
                k: v for k, v in {**dict(current.metadata), **metadata}.items() if v is not None
            }
            zone = merged.get("availability_zone")
            return self._replace(current, metadata=merged, availability_zone=zone)

        return await self._write(
            "set-aggregate-metadata", f"{_target(aggregate)}: {described}", change
        )

    def _zones_of(self, host: str) -> list[str]:
        """The zones aggregates put the host in (none: the default zone)."""
        zoned = (a for a in self._aggregates() if host in a.hosts)
        return [a.availability_zone for a in zoned if a.availability_zone]

    # -- zones -----------------------------------------------------------------------------

    async def availability_zones(self) -> list[models.AvailabilityZone]:
        """Nova's zones: for an admin with their hosts and the internal zone, else names."""
        return [models.AvailabilityZone.from_api(zone.raw) for zone in self._compute_zones()]

    async def service_zones(self) -> list[models.ServiceZone]:
        zones = self._compute_zones()
        zones.append(models.ServiceZone.from_api(_zone_info(DEFAULT_ZONE), "block-storage"))
        for resource in ("network", "router"):
            raw = {"name": DEFAULT_ZONE, "resource": resource, "state": "available"}
            zones.append(models.ServiceZone.from_api(raw, "network"))
        return zones

    def _compute_zones(self) -> list[models.ServiceZone]:
        members: dict[str, dict[str, Any]] = {}
        now = self._cloud.now()
        for n, hv in enumerate(self._cloud.hypervisors):
            service = {
                "available": hv.status != "disabled",
                "active": hv.state != "down",
                # its nova-compute's heartbeat (services.py numbers it after the controller's)
                "updated_at": cinder_time(last_heartbeat(now, 2 + n, hv.state != "down")),
            }
            zone = next(iter(self._zones_of(hv.host)), DEFAULT_ZONE)
            members.setdefault(zone, {})[hv.host] = {"nova-compute": service}
        if not self._is_admin:  # the plain list: zones without hosts, no internal zone
            return [models.ServiceZone.from_api(_zone_info(z)) for z in sorted(members)]
        internal = {
            CONTROLLER: {
                binary: {
                    "available": True,
                    "active": True,
                    "updated_at": cinder_time(last_heartbeat(now, n, True)),
                }
                for n, binary in enumerate(("nova-conductor", "nova-scheduler"))
            }
        }
        infos = [_zone_info(INTERNAL_ZONE, internal)]
        infos += [_zone_info(zone, hosts) for zone, hosts in members.items()]
        return [
            models.ServiceZone.from_api(info) for info in sorted(infos, key=lambda z: z["zoneName"])
        ]


def _zone_info(name: str, hosts: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"zoneName": name, "zoneState": {"available": True}, "hosts": hosts}


def _zone_change(aggregate: models.Aggregate, old: str | None, servers: int) -> str:
    """Nova's refusal (captured from devcloud) to move a host with servers to another zone."""
    return (
        f"Cannot add host to aggregate {aggregate.id}. Reason: The host cannot be added to the "
        "aggregate as the availability zone of the host would change from "
        f"'{old}' to '{aggregate.availability_zone}' but the host already has {servers} "
        "instance(s). Changing the AZ of an existing instance is not supported by this action. "
        "Move the instances away from this host then try again. If you need to move the "
        "instances between AZs then you can use shelve_offload and unshelve to achieve this.."
    )


def _target(aggregate: models.Aggregate) -> str:
    return f"aggregate {aggregate.name} ({aggregate.id})"
