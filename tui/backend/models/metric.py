"""Telemetry (Gnocchi): resources, metrics and measures."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Self

from tui.backend.models.common import Json, as_str


def duration_seconds(value: Any) -> float:
    """Gnocchi's durations: seconds (300, "300.0") or a timedelta text ("1 day, 0:05:00")."""
    if isinstance(value, int | float):
        return float(value)
    text = as_str(value).strip()
    try:
        return float(text)
    except ValueError:
        pass
    days = 0.0
    if "day" in text:
        head, _, text = text.partition(",")
        days = float(head.split()[0])
        text = text.strip() or "0:00:00"
    try:
        hours, minutes, seconds = text.split(":")
        return days * 86400 + int(hours) * 3600 + int(minutes) * 60 + float(seconds)
    except ValueError:
        return days * 86400


@dataclass(frozen=True, slots=True)
class MetricResource:
    """A Gnocchi resource (instance, instance_disk, image, generic...) and its metrics."""

    id: str
    type: str
    original_resource_id: str
    project_id: str
    user_id: str
    started_at: str
    ended_at: str
    display_name: str
    metrics: tuple[tuple[str, str], ...]  # (metric name, metric id)
    raw: Json = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_api(cls, d: Json) -> Self:
        metrics = d.get("metrics") or {}
        return cls(
            id=as_str(d.get("id")),
            type=as_str(d.get("type")),
            original_resource_id=as_str(d.get("original_resource_id")),
            project_id=as_str(d.get("project_id")),
            user_id=as_str(d.get("user_id")),
            started_at=as_str(d.get("started_at")),
            ended_at=as_str(d.get("ended_at")),
            display_name=as_str(d.get("display_name") or d.get("name") or d.get("host")),
            metrics=tuple(sorted((str(k), as_str(v)) for k, v in metrics.items())),
            raw=d,
        )

    @property
    def name(self) -> str:
        return self.display_name or self.original_resource_id


@dataclass(frozen=True, slots=True)
class Metric:
    """A Gnocchi metric; its archive policy's granularities when the API gave the details."""

    id: str
    name: str
    unit: str
    archive_policy_name: str
    resource_id: str
    granularities: tuple[tuple[float, float], ...]  # (granularity, timespan) in seconds
    aggregation_methods: tuple[str, ...]
    raw: Json = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_api(cls, d: Json) -> Self:
        policy = d.get("archive_policy") or {}
        definition = policy.get("definition") or ()
        return cls(
            id=as_str(d.get("id")),
            name=as_str(d.get("name")),
            unit=as_str(d.get("unit")),
            archive_policy_name=as_str(d.get("archive_policy_name") or policy.get("name")),
            resource_id=as_str(d.get("resource_id") or (d.get("resource") or {}).get("id")),
            granularities=tuple(
                sorted(
                    (
                        duration_seconds(item.get("granularity")),
                        duration_seconds(item.get("timespan")),
                    )
                    for item in definition
                )
            ),
            aggregation_methods=tuple(policy.get("aggregation_methods") or ()),
            raw=d,
        )


@dataclass(frozen=True, slots=True)
class Measure:
    """One aggregated point: Gnocchi's [timestamp, granularity, value] triple."""

    timestamp: str
    granularity: float
    value: float | None
    raw: Any = field(default=(), compare=False, repr=False)

    @classmethod
    def from_api(cls, d: Any) -> Self:
        timestamp, granularity, value = d
        return cls(
            timestamp=as_str(timestamp),
            granularity=duration_seconds(granularity),
            value=None if value is None else float(value),
            raw=d,
        )

    @property
    def id(self) -> str:
        return f"{self.timestamp}@{self.granularity:g}"
