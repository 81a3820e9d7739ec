"""In-memory Gnocchi: an ``instance`` resource per demo server, a ``nova_compute`` one per
hypervisor, their metrics, and deterministic measures up to the demo clock's now (clock.py).

Payloads are shaped like Gnocchi's own JSON (timedelta texts in the archive policy,
[timestamp, granularity, value] triples) and parsed by the same ``from_api``.
"""

from __future__ import annotations

import math
import zlib
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from tui.backend import models
from tui.backend.base import DEFAULT_PAGE_SIZE
from tui.backend.memory.core import MemoryCore
from tui.backend.memory.data import derived_id, fixed_id

if TYPE_CHECKING:
    from tui.backend.gnocchi import MeasureQuery

ARCHIVE_POLICY: dict[str, Any] = {
    "name": "ceilometer-medium",
    "back_window": 0,
    "aggregation_methods": ["mean", "max", "min", "sum", "last", "count", "rate:mean"],
    "definition": [
        {"granularity": "0:01:00", "points": 1440, "timespan": "1 day, 0:00:00"},
        {"granularity": "1:00:00", "points": 168, "timespan": "7 days, 0:00:00"},
        {"granularity": "1 day, 0:00:00", "points": 365, "timespan": "365 days, 0:00:00"},
    ],
}
# (name, unit, typical value, swing)
INSTANCE_METRICS = (
    ("cpu", "ns", 4.2e11, 6e10),
    ("disk.device.read.bytes", "B", 8.0e6, 3e6),
    ("memory.usage", "MB", 900.0, 350.0),
    ("network.incoming.bytes", "B", 2.4e6, 1.6e6),
    ("vcpus", "vcpu", 2.0, 0.0),
)
HOST_METRICS = (
    ("compute.node.cpu.percent", "%", 42.0, 30.0),
    ("hardware.memory.used", "KB", 3.2e7, 8e6),
)


def _metric_json(
    name: str, unit: str, resource_id: str, project_id: str, details: bool
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": derived_id("metric", f"{resource_id}/{name}"),
        "name": name,
        "unit": unit,
        "archive_policy_name": ARCHIVE_POLICY["name"],
        "resource_id": resource_id,
        "creator": f"{fixed_id('user', 0).replace('-', '')}:{project_id.replace('-', '')}",
        "created_by_user_id": fixed_id("user", 0).replace("-", ""),
        "created_by_project_id": project_id.replace("-", ""),
    }
    if details:
        body["archive_policy"] = ARCHIVE_POLICY
    return body


def _value(seed: int, t: float, typical: float, swing: float) -> float:
    phase = (seed % 628) / 100
    wave = math.sin(t / 5400 + phase) + 0.35 * math.sin(t / 780 + 2 * phase)
    jitter = ((seed * 2654435761 + int(t)) % 1000) / 1000 - 0.5
    return round(max(0.0, typical + swing * (wave / 1.35) + swing * 0.15 * jitter), 2)


class MetricMemory(MemoryCore):
    def _gnocchi_records(
        self,
    ) -> list[tuple[dict[str, Any], tuple[tuple[str, str, float, float], ...]]]:
        """(resource JSON without metrics, metric definitions), servers first."""
        records: list[tuple[dict[str, Any], tuple[tuple[str, str, float, float], ...]]] = []
        for server in self._cloud.servers:
            if not server.host:  # never ran on a compute node: nothing measured it
                continue
            since = f"{server.created[:19]}.000000+00:00" if server.created else None
            instance = {
                "id": server.id,
                "type": "instance",
                "original_resource_id": server.id,
                "project_id": server.project_id,
                "user_id": server.raw.get("user_id"),
                "started_at": since,
                "ended_at": None,
                "revision_start": since,
                "revision_end": None,
                "display_name": server.name,
                "flavor_name": server.flavor,
                "host": server.host,
                "image_ref": server.image or None,
                "server_group": None,
            }
            records.append((instance, INSTANCE_METRICS))
        admin = self._projects[0].id
        since = "2026-01-05T09:00:00.000000+00:00"
        for hv in self._cloud.hypervisors:
            host = {
                "id": derived_id("gnocchi-host", hv.host),
                "type": "nova_compute",
                "original_resource_id": f"{hv.host}_{hv.name}",
                "project_id": admin,
                "user_id": None,
                "started_at": since,
                "ended_at": None,
                "revision_start": since,
                "revision_end": None,
                "host_name": hv.host,
            }
            records.append((host, HOST_METRICS))
        return records

    def _resource_json(self, base: dict[str, Any], metrics: tuple[Any, ...]) -> dict[str, Any]:
        rid = base["id"]
        return {
            **base,
            "creator": f"{fixed_id('user', 0).replace('-', '')}:{base['project_id']}",
            "metrics": {name: derived_id("metric", f"{rid}/{name}") for name, *_ in metrics},
        }

    def _visible_gnocchi(self, resource_type: str) -> list[dict[str, Any]]:
        return [
            self._resource_json(base, metrics)
            for base, metrics in self._gnocchi_records()
            if resource_type in ("generic", base["type"])
            and (self._is_admin or self._mine(base["project_id"]))
        ]

    def _gnocchi_lookup(self, resource_id: str) -> tuple[dict[str, Any], tuple[Any, ...]]:
        for base, metrics in self._gnocchi_records():
            if base["id"] == resource_id and (self._is_admin or self._mine(base["project_id"])):
                return base, metrics
        raise self.refused(404, f"Resource {resource_id} does not exist", "show telemetry resource")

    async def metric_resources(
        self, *, resource_type: str = "generic", page_size: int = DEFAULT_PAGE_SIZE
    ) -> AsyncIterator[list[models.MetricResource]]:
        rows = [models.MetricResource.from_api(d) for d in self._visible_gnocchi(resource_type)]
        async for page in self._pages(rows, page_size):
            yield page

    async def metric_resource(self, resource_id: str) -> models.MetricResource:
        base, metrics = self._gnocchi_lookup(resource_id)
        return models.MetricResource.from_api(self._resource_json(base, metrics))

    async def resource_metrics(self, resource_id: str) -> list[models.Metric]:
        base, metrics = self._gnocchi_lookup(resource_id)
        return [
            models.Metric.from_api(_metric_json(name, unit, base["id"], base["project_id"], False))
            for name, unit, *_ in metrics
        ]

    def _metric_definition(self, metric_id: str) -> tuple[dict[str, Any], tuple[Any, ...]]:
        for base, metrics in self._gnocchi_records():
            for definition in metrics:
                ident = derived_id("metric", f"{base['id']}/{definition[0]}")
                if ident == metric_id and (self._is_admin or self._mine(base["project_id"])):
                    return base, definition
        raise self.refused(404, f"Metric {metric_id} does not exist", "show metric")

    async def metric(self, metric_id: str) -> models.Metric:
        base, (name, unit, *_) = self._metric_definition(metric_id)
        return models.Metric.from_api(
            _metric_json(name, unit, base["id"], base["project_id"], True)
        )

    def measures_json(self, metric_id: str, query: MeasureQuery) -> list[list[Any]]:
        from tui.backend import gnocchi  # not on the start-up path

        """Gnocchi's answer to GET /v1/metric/{id}/measures, from the demo's clock."""
        _, (_name, _unit, typical, swing) = self._metric_definition(metric_id)
        policy = models.Metric.from_api({"archive_policy": ARCHIVE_POLICY})
        if query.aggregation not in gnocchi.aggregations_of(policy):
            raise self.refused(
                404,
                f"Aggregation method '{query.aggregation}' for metric {metric_id} does not exist",
                "read measures",
            )
        kept = [g for g, _ in policy.granularities]
        if query.granularity is not None and query.granularity not in kept:
            raise self.refused(
                404,
                f"Granularity '{query.granularity:g}' for metric {metric_id} does not exist",
                "read measures",
            )
        seed = zlib.crc32(metric_id.encode())
        now = self._cloud.clock.now()
        start = now - timedelta(seconds=query.seconds)
        points: list[list[Any]] = []
        for granularity, timespan in policy.granularities:
            if query.granularity not in (None, granularity):
                continue
            first = max(start, now - timedelta(seconds=timespan))
            epoch = math.ceil(first.timestamp() / granularity) * granularity
            while epoch <= now.timestamp():
                mean = _value(seed, epoch, typical, swing)
                value = {
                    "max": mean + swing * 0.1,
                    "min": max(0.0, mean - swing * 0.1),
                    "sum": mean * max(1.0, granularity / 60),
                    "count": max(1.0, granularity / 60),
                }.get(query.aggregation, mean)
                stamp = datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%dT%H:%M:%S+00:00")
                points.append([stamp, granularity, round(value, 2)])
                epoch += granularity
        return sorted(points, key=lambda p: (p[0], p[1]))

    async def measures(self, metric_id: str, query: MeasureQuery) -> list[models.Measure]:
        return [models.Measure.from_api(p) for p in self.measures_json(metric_id, query)]
