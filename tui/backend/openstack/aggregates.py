"""Nova host aggregates, and the availability zones of Nova, Cinder and Neutron."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from typing import Any

from tui.backend import models
from tui.backend.errors import BackendError, Forbidden, NotFound
from tui.backend.openstack.core import OpenStackCore
from tui.backend.openstack.replies import Read

# Aggregates carry their uuid from 2.41 on.
AGGREGATES_MV = (2, 41)
VOLUME_TYPES = ("block-storage", "volumev3", "volume")


class AggregatesAPI(OpenStackCore):
    def _aggregates_mv(self) -> str:
        return self._compute_version(AGGREGATES_MV)

    async def aggregates(self) -> AsyncIterator[list[models.Aggregate]]:
        def fetch() -> list[models.Aggregate]:
            aggregates: list[models.Aggregate]
            _, aggregates = self._get_read(
                "compute",
                "/os-aggregates",
                Read("aggregates", models.Aggregate.from_api, "list"),
                None,
                self._aggregates_mv(),
                "list aggregates",
            )
            return aggregates

        yield await self._call("list aggregates", fetch)

    async def aggregate(self, aggregate_id: str) -> models.Aggregate:
        return await self._show(
            "compute",
            f"/os-aggregates/{aggregate_id}",
            "aggregate",
            models.Aggregate.from_api,
            kind="aggregate",
            microversion=self._aggregates_mv,
        )

    async def create_aggregate(self, name: str, availability_zone: str = "") -> models.Aggregate:
        spec: dict[str, Any] = {"name": name}
        if availability_zone:
            spec["availability_zone"] = availability_zone
        created: models.Aggregate = await self._write(
            "create-aggregate",
            f"aggregate {name}",
            "POST",
            "compute",
            "/os-aggregates",
            body={"aggregate": spec},
            microversion=self._aggregates_mv,
            read=Read("aggregate", models.Aggregate.from_api, made="aggregate"),
        )
        return created

    async def delete_aggregate(self, aggregate: models.Aggregate) -> None:
        await self._write(
            "delete-aggregate",
            _target(aggregate),
            "DELETE",
            "compute",
            f"/os-aggregates/{aggregate.id}",
            microversion=self._aggregates_mv,
        )

    async def _aggregate_action(
        self, action: str, target: str, aggregate: models.Aggregate, body: Json
    ) -> models.Aggregate:
        changed: models.Aggregate = await self._write(
            action,
            target,
            "POST",
            "compute",
            f"/os-aggregates/{aggregate.id}/action",
            body=body,
            microversion=self._aggregates_mv,
            read=Read("aggregate", models.Aggregate.from_api),
        )
        return changed

    async def add_aggregate_host(self, aggregate: models.Aggregate, host: str) -> models.Aggregate:
        return await self._aggregate_action(
            "add-aggregate-host",
            f"host {host} to {_target(aggregate)}",
            aggregate,
            {"add_host": {"host": host}},
        )

    async def remove_aggregate_host(
        self, aggregate: models.Aggregate, host: str
    ) -> models.Aggregate:
        return await self._aggregate_action(
            "remove-aggregate-host",
            f"host {host} from {_target(aggregate)}",
            aggregate,
            {"remove_host": {"host": host}},
        )

    async def set_aggregate_metadata(
        self, aggregate: models.Aggregate, metadata: Mapping[str, str | None]
    ) -> models.Aggregate:
        return await self._aggregate_action(
            "set-aggregate-metadata",
            f"{_target(aggregate)}: {_describe(metadata)}",
            aggregate,
            {"set_metadata": {"metadata": dict(metadata)}},
        )

    # -- availability zones of every service --------------------------------------------------

    async def service_zones(self) -> list[models.ServiceZone]:
        zones = await self._compute_zones()
        info = self.info
        if info.has_service(*VOLUME_TYPES):
            zones += await self._optional_zones(
                "block-storage", "/os-availability-zone", "availabilityZoneInfo"
            )
        if info.has_service("network"):
            zones += await self._optional_zones(
                "network", "/availability_zones", "availability_zones"
            )
        return zones

    async def _compute_zones(self) -> list[models.ServiceZone]:
        """Nova's zones with their hosts (the detail view is admin-only), else just the zones."""

        def fetch(path: str) -> list[models.ServiceZone]:
            read = Read("availabilityZoneInfo", models.ServiceZone.from_api, "list")
            zones: list[models.ServiceZone]
            _, zones = self._get_read("compute", path, read, operation="list compute zones")
            return zones

        try:
            return await self._call(
                "list compute zones", lambda: fetch("/os-availability-zone/detail")
            )
        except Forbidden:
            return await self._call("list compute zones", lambda: fetch("/os-availability-zone"))

    async def _optional_zones(self, service: str, path: str, key: str) -> list[models.ServiceZone]:
        """A service's zones; none when it does not offer them (no extension, no endpoint)."""
        operation = f"list {service} zones"

        def fetch() -> list[models.ServiceZone]:
            read = Read(key, lambda d: models.ServiceZone.from_api(d, service), "list")
            zones: list[models.ServiceZone]
            _, zones = self._get_read(service, path, read, operation=operation)
            return zones

        try:
            return await self._call(operation, fetch)
        except (Forbidden, NotFound):
            return []
        except BackendError as exc:
            if exc.status is None:  # no endpoint for it in this region
                return []
            raise


Json = Mapping[str, Any]


def _target(aggregate: models.Aggregate) -> str:
    return f"aggregate {aggregate.name} ({aggregate.id})"


def _describe(metadata: Mapping[str, str | None]) -> str:
    return ", ".join(f"{k}={v}" if v is not None else f"-{k}" for k, v in metadata.items())
