"""Shared by every model module: the JSON type and lenient field parsers.

Typed, immutable models parsed from the OpenStack APIs' own JSON.

Each model keeps the record it was parsed from in ``raw`` (excluded from equality), so
"describe" can show everything the API said without the models growing a field per key.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

Json = Mapping[str, Any]

POWER_STATES = {
    0: "NOSTATE",
    1: "RUNNING",
    3: "PAUSED",
    4: "SHUTDOWN",
    6: "CRASHED",
    7: "SUSPENDED",
}


def as_str(value: Any) -> str:
    return "" if value is None else str(value)


def as_int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def as_bool(value: Any) -> bool:
    if isinstance(value, str):
        return value.lower() in ("true", "1", "yes")
    return bool(value)
