"""SVG snapshots of the Heat and Swift screens at 80x24 and 120x40."""

from __future__ import annotations

from typing import Any

import pytest

from tests.app.test_snapshots import SIZES, shoot


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize(
    "keys",
    [
        pytest.param((":stacks",), id="stacks"),
        pytest.param((":stacks", "G", "enter"), id="stack_resources"),
        pytest.param((":stacks", "G", "e"), id="stack_events"),
        pytest.param((":containers",), id="containers"),
        pytest.param((":containers", "enter"), id="objects"),
        pytest.param((":containers", "enter", "j", "enter"), id="objects_folder"),
    ],
)
async def test_heat_swift(svg_snapshot: Any, keys: tuple[str, ...], size: tuple[int, int]) -> None:
    assert await shoot(keys, size) == svg_snapshot


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
async def test_no_heat_service(svg_snapshot: Any, size: tuple[int, int]) -> None:
    services = ("compute", "identity", "image", "network", "placement", "volumev3")
    assert await shoot((":stacks",), size, services=services) == svg_snapshot
