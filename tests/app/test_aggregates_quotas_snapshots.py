"""Snapshots of host aggregates, availability zones, quotas and the quota form."""

from __future__ import annotations

from typing import Any

import pytest

from tests.app.test_snapshots import SIZES, shoot


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize(
    ("name", "keys"),
    [
        pytest.param("aggregates", (":aggregates",), id="aggregates"),
        pytest.param("azs", (":az",), id="availability_zones"),
        pytest.param("zone_hosts", (":az", "j", "enter"), id="zone_hosts"),
        pytest.param("quotas", (":quotas",), id="quotas"),
        pytest.param("quota_form", (":quotas", "e"), id="quota_form"),
    ],
)
async def test_aggregates_quotas_screen(
    svg_snapshot: Any, name: str, keys: tuple[str, ...], size: tuple[int, int]
) -> None:
    assert await shoot(keys, size) == svg_snapshot
