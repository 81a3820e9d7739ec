"""Gnocchi (Telemetry's metric service, catalog type ``metric``): its requests as pure functions.

Both backends build their calls here, so the paths and query strings are tested once.
Ceilometer's own v2 API (meters, samples, statistics) was removed upstream (Queens); a cloud's
telemetry is read from Gnocchi.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from urllib.parse import parse_qs, quote, urlsplit

from tui.backend import models

SERVICE_TYPE = "metric"
# Gnocchi's built-in aggregation methods, most useful first.
AGGREGATIONS = ("mean", "max", "min", "last", "sum", "first", "median", "std", "count")
WINDOWS: tuple[tuple[str, int], ...] = (("1h", 3600), ("24h", 86400), ("7d", 7 * 86400))


def _seg(value: str) -> str:
    return quote(value, safe="")


def resources_path(resource_type: str = "generic") -> str:
    return f"/v1/resource/{_seg(resource_type)}"


def resource_path(resource_id: str, resource_type: str = "generic") -> str:
    return f"{resources_path(resource_type)}/{_seg(resource_id)}"


def resource_metrics_path(resource_id: str, resource_type: str = "generic") -> str:
    return f"{resource_path(resource_id, resource_type)}/metric"


def metric_path(metric_id: str) -> str:
    return f"/v1/metric/{_seg(metric_id)}"


def measures_path(metric_id: str) -> str:
    return f"{metric_path(metric_id)}/measures"


def page_params(page_size: int, marker: str | None) -> dict[str, str]:
    """Gnocchi's paging: ``limit`` and the last id seen as ``marker``."""
    params = {"limit": str(page_size)}
    if marker:
        params["marker"] = marker
    return params


def resources_params(page_size: int, marker: str | None) -> dict[str, str]:
    """A resource list page with each type's own attributes (an instance's display_name)."""
    return {**page_params(page_size, marker), "details": "true"}


_LINK = re.compile(r'<([^>]*)>\s*;\s*rel="?next"?')


def next_marker(link_header: str | None) -> str | None:
    """The marker of the next page from Gnocchi's ``Link: <...>; rel="next"`` header."""
    match = _LINK.search(link_header or "")
    if match is None:
        return None
    return parse_qs(urlsplit(match.group(1)).query).get("marker", [None])[0]


@dataclass(frozen=True, slots=True)
class MeasureQuery:
    """Which measures to read: the last `window`, aggregated by `aggregation` at `granularity`
    seconds (None: every granularity the archive policy keeps)."""

    window: str = "1h"
    aggregation: str = "mean"
    granularity: float | None = None

    @property
    def seconds(self) -> int:
        return dict(WINDOWS)[self.window]

    def next_window(self) -> MeasureQuery:
        names = [name for name, _ in WINDOWS]
        return replace(self, window=names[(names.index(self.window) + 1) % len(names)])


def measures_params(query: MeasureQuery, now: datetime) -> dict[str, str]:
    """``GET /v1/metric/{id}/measures`` query: start (ISO 8601 UTC), aggregation, granularity."""
    start = now - timedelta(seconds=query.seconds)
    params = {"start": start.strftime("%Y-%m-%dT%H:%M:%S+00:00"), "aggregation": query.aggregation}
    if query.granularity is not None:
        params["granularity"] = f"{query.granularity:g}"
    return params


def fitting_granularity(metric: models.Metric, window_seconds: int) -> float | None:
    """The finest granularity whose timespan covers the window (else the coarsest kept)."""
    if not metric.granularities:
        return None
    for granularity, timespan in metric.granularities:
        if timespan >= window_seconds:
            return granularity
    return metric.granularities[-1][0]


def aggregations_of(metric: models.Metric) -> tuple[str, ...]:
    """The aggregation methods the metric's archive policy keeps (``rate:*`` left out)."""
    kept = [a for a in metric.aggregation_methods if not a.startswith("rate:")]
    return tuple(a for a in AGGREGATIONS if a in kept) or AGGREGATIONS[:4]


def granularity_label(seconds: float | None) -> str:
    if seconds is None:
        return "all"
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size and seconds % size == 0:
            return f"{int(seconds // size)}{unit}"
    return f"{seconds:g}s"


def error_text(body: object, fallback: str) -> str:
    """Gnocchi's error bodies: ``{"code": 404, "description": "...", "title": "Not Found"}``."""
    if isinstance(body, dict):
        description = body.get("description")
        if isinstance(description, dict):
            description = description.get("cause") or description.get("reason")
        if description:
            return str(description)
        if body.get("title"):
            return str(body["title"])
    if isinstance(body, str) and body.strip():
        return body.strip().splitlines()[-1]
    return fallback
