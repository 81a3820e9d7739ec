"""Telemetry (Gnocchi): resources, metrics and measures."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Self

from tui.backend.models.common import FromApi, Json, api, as_str


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
class MetricResource(FromApi):
    """A Gnocchi resource (instance, instance_disk, image, generic...) and its metrics."""

    id: str
    type: str
    original_resource_id: str
    project_id: str
    user_id: str
    started_at: str
    ended_at: str
    display_name: str = field(metadata=api("display_name", "name", "host"))
    metrics: tuple[tuple[str, str], ...] = field(
        metadata=api(  # (metric name, metric id)
            get=lambda d: tuple(
                sorted((str(k), as_str(v)) for k, v in (d.get("metrics") or {}).items())
            )
        )
    )
    raw: Json = field(default_factory=dict, compare=False, repr=False)

    @property
    def name(self) -> str:
        return self.display_name or self.original_resource_id


def _granularities(d: Json) -> tuple[tuple[float, float], ...]:
    definition = (d.get("archive_policy") or {}).get("definition") or ()
    return tuple(
        sorted(
            (duration_seconds(item.get("granularity")), duration_seconds(item.get("timespan")))
            for item in definition
        )
    )


@dataclass(frozen=True, slots=True)
class Metric(FromApi):
    """A Gnocchi metric; its archive policy's granularities when the API gave the details."""

    id: str
    name: str
    unit: str
    archive_policy_name: str = field(
        metadata=api(
            get=lambda d: (
                d.get("archive_policy_name") or (d.get("archive_policy") or {}).get("name")
            )
        )
    )
    resource_id: str = field(
        metadata=api(get=lambda d: d.get("resource_id") or (d.get("resource") or {}).get("id"))
    )
    # (granularity, timespan) in seconds
    granularities: tuple[tuple[float, float], ...] = field(metadata=api(get=_granularities))
    aggregation_methods: tuple[str, ...] = field(metadata=api(within="archive_policy"))
    raw: Json = field(default_factory=dict, compare=False, repr=False)


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
