"""Telemetry from Gnocchi (catalog type ``metric``): resources → their metrics → measures.

Ceilometer's own v2 API (meters/samples) was removed upstream years ago, so a cloud whose
catalog lists only ``metering`` gets the reason instead of a list.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass

from tui.backend.base import Backend
from tui.backend.models import Metric, MetricResource, Server
from tui.resource import Col, Drill, Resource, Row, Scope, View, attr
from tui.screens.resources.columns import count_col, project_col
from tui.screens.resources.lists import once, scoped

SERVICE = ("metric",)
SERVICE_NAME = "Telemetry (Gnocchi)"
CEILOMETER_GONE = " Ceilometer's own API (metering) was removed upstream."


@dataclass(frozen=True, slots=True)
class TelemetryResource(Resource):
    """A Gnocchi list; says why when the cloud only has Ceilometer's old API."""

    def missing_service(self, services: Sequence[str]) -> str | None:
        why = Resource.missing_service(self, services)
        if why is not None and "metering" in services:
            return why + CEILOMETER_GONE
        return why


def short_time(value: str) -> str:
    """'2026-01-05T09:00:00.000000+00:00' → '2026-01-05 09:00' (UTC as Gnocchi gives it)."""
    return value[:16].replace("T", " ") if value else ""


def time_col(title: str, name: str) -> Col:
    return Col(title, lambda r: short_time(getattr(r, name)), min_width=10, max_width=16)


def list_resources(backend: Backend, scope: Scope) -> AsyncIterator[list[MetricResource]]:
    return backend.metric_resources(resource_type=scope.get("type") or "generic")


def _metrics_of(resource: MetricResource) -> Scope:
    return scoped("resource_id", resource.id, f"{resource.type} {resource.name}")


def _same_type(resource: MetricResource) -> Scope:
    return Scope(all_projects=True, filters=(("type", resource.type),), label=resource.type)


METRIC_RESOURCES = TelemetryResource(
    name="metrics",
    title="Telemetry resources",
    aliases=("gnocchi", "telemetry", "metric-resources"),
    columns=(
        Col("Type", attr("type"), min_width=6, max_width=24),
        Col("Name", attr("name"), min_width=6, max_width=30),
        Col("ID", attr("id"), min_width=8, max_width=36),
        Col("Original ID", attr("original_resource_id"), min_width=8, max_width=36),
        project_col(),
        time_col("Started", "started_at"),
        time_col("Ended", "ended_at"),
        count_col("Metrics", lambda r: len(r.metrics)),
    ),
    list=list_resources,
    get=lambda b, i: b.metric_resource(i),
    drills=(
        Drill("enter", "resource-metrics", _metrics_of, "Its metrics"),
        Drill("t", "metrics", _same_type, "Only this type"),
    ),
    service=SERVICE,
    service_name=SERVICE_NAME,
)


async def list_metrics(backend: Backend, scope: Scope) -> AsyncIterator[list[Metric]]:
    async for page in once(backend.resource_metrics(scope.get("resource_id") or "")):
        yield page


def measures_screen(metric: Row) -> object:
    from tui.screens.measures import MeasuresScreen

    return MeasuresScreen(metric, RESOURCE_METRICS)


RESOURCE_METRICS = TelemetryResource(
    name="resource-metrics",
    title="Metrics",
    aliases=("gnocchi-metrics",),
    columns=(
        Col("Name", attr("name"), min_width=8, max_width=36),
        Col("Unit", attr("unit"), min_width=4, max_width=10),
        Col("Archive policy", attr("archive_policy_name"), min_width=8, max_width=24),
        Col("ID", attr("id"), min_width=8, max_width=36),
    ),
    list=list_metrics,
    get=lambda b, i: b.metric(i),
    views=(View("enter", "measures", "Measures and chart", measures_screen),),
    service=SERVICE,
    service_name=SERVICE_NAME,
    scope_key="resource_id",
    reached_from="a resource in :metrics (enter) or a server (M)",
)


def server_metrics(server: Server) -> object:
    """The Gnocchi ``instance`` resource of a server (its id is the server's id): metrics."""
    from tui.screens.resource import ResourceScreen

    return ResourceScreen(
        RESOURCE_METRICS, scoped("resource_id", server.id, f"server {server.name}")
    )
