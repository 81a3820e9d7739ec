"""Snapshots of the subnet form at 80x24 and 120x40, as opened on a network's row."""

from __future__ import annotations

from typing import Any

import pytest

from tests.app.test_snapshots import SIZES, shoot

size_ids = pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")


@size_ids
async def test_subnet_create_form(svg_snapshot: Any, size: tuple[int, int]) -> None:
    assert await shoot((":networks", "S"), size) == svg_snapshot
