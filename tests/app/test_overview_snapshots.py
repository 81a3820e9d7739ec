"""SVG snapshots of the health overview, the volume pools and a hypervisor's detail."""

from __future__ import annotations

from typing import Any

import pytest

from tests.app.test_snapshots import SIZES, shoot

HEALTHY = {"hypervisors": 2, "servers": 5}


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize(
    ("keys", "app_args"),
    [
        pytest.param((), {"start": "overview"}, id="overview_problems"),
        pytest.param((), {"start": "overview", **HEALTHY}, id="overview_healthy"),
        pytest.param(
            ("j", "j", "j", "j", "j", "enter"), {"start": "overview"}, id="overview_drill"
        ),
        pytest.param((":pools",), {}, id="pools"),
        pytest.param((":hv", "j", "j", "d"), {}, id="hypervisor_detail"),
    ],
)
async def test_overview_screen(
    svg_snapshot: Any, keys: tuple[str, ...], app_args: dict[str, Any], size: tuple[int, int]
) -> None:
    assert await shoot(keys, size, **app_args) == svg_snapshot
