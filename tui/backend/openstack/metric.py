"""Gnocchi (catalog type ``metric``): resources, their metrics, and measures, over raw HTTP.

openstacksdk has no Gnocchi proxy; requests go through the authenticated keystoneauth session
to the catalog's ``metric`` endpoint. Lists page with ``limit``/``marker`` and the ``Link``
header, as the Gnocchi API does.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from datetime import UTC, datetime
from functools import partial
from typing import Any

from tui.backend import gnocchi, models
from tui.backend.base import DEFAULT_PAGE_SIZE
from tui.backend.gnocchi import MeasureQuery
from tui.backend.openstack.core import (
    OpenStackCore,
    decoded,
    decoded_text,
    raise_for_status,
    read_reply,
)
from tui.backend.openstack.replies import Read


class MetricAPI(OpenStackCore):
    def _gnocchi(
        self,
        path: str,
        params: Mapping[str, str] | None,
        operation: str,
        read: Read | None = None,
    ) -> tuple[Any, Mapping[str, str]]:
        """GET a Gnocchi path; a 4xx/5xx becomes a BackendError with Gnocchi's description.

        With `read`, what it takes from the body (parsed), else the body as it came."""
        conn = self._connection()
        endpoint_filter = {
            "service_type": gnocchi.SERVICE_TYPE,
            "interface": conn.config.get_interface() or "public",
            "region_name": conn.config.get_region_name() or None,
        }
        response = self._sent(
            "GET",
            f"metric {path}",
            partial(
                conn.session.request,
                path,
                "GET",
                endpoint_filter=endpoint_filter,
                params=dict(params or {}),
                headers={"Accept": "application/json"},
                raise_exc=False,
            ),
        )
        raise_for_status(response, "Gnocchi", operation, gnocchi.error_text)
        if read is not None:
            return read_reply(response, "Gnocchi", operation, read)[1], response.headers
        try:
            body: Any = decoded(response)
        except ValueError:
            body = decoded_text(response)
        return body, response.headers

    async def metric_resources(
        self, *, resource_type: str = "generic", page_size: int = DEFAULT_PAGE_SIZE
    ) -> AsyncIterator[list[models.MetricResource]]:
        operation = "list telemetry resources"
        path = gnocchi.resources_path(resource_type)

        def fetch(marker: str | None) -> tuple[list[models.MetricResource], str | None]:
            params = gnocchi.resources_params(page_size, marker)
            read = Read(None, models.MetricResource.from_api, "list")
            rows, headers = self._gnocchi(path, params, operation, read)
            return rows, gnocchi.next_marker(headers.get("Link")) if rows else None

        async for page in self._paged(operation, fetch):
            yield page

    async def metric_resource(self, resource_id: str) -> models.MetricResource:
        operation = "show telemetry resource"

        def fetch() -> models.MetricResource:
            read = Read(None, models.MetricResource.from_api)
            resource: models.MetricResource
            resource, _ = self._gnocchi(gnocchi.resource_path(resource_id), None, operation, read)
            return resource

        return await self._call(operation, fetch)

    async def resource_metrics(self, resource_id: str) -> list[models.Metric]:
        operation = "list metrics of a resource"

        def fetch() -> list[models.Metric]:
            path = gnocchi.resource_metrics_path(resource_id)
            metrics, _ = self._gnocchi(
                path, None, operation, Read(None, models.Metric.from_api, "list")
            )
            return sorted(metrics, key=lambda m: m.name)

        return await self._call(operation, fetch)

    async def metric(self, metric_id: str) -> models.Metric:
        operation = "show metric"

        def fetch() -> models.Metric:
            read = Read(None, models.Metric.from_api)
            metric: models.Metric
            metric, _ = self._gnocchi(gnocchi.metric_path(metric_id), None, operation, read)
            return metric

        return await self._call(operation, fetch)

    async def measures(self, metric_id: str, query: MeasureQuery) -> list[models.Measure]:
        operation = "read measures"

        def fetch() -> list[models.Measure]:
            params = gnocchi.measures_params(query, datetime.now(UTC))
            body, _ = self._gnocchi(gnocchi.measures_path(metric_id), params, operation)
            return [models.Measure.from_api(d) for d in body or ()]

        return await self._call(operation, fetch)
