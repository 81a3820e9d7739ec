"""Snapshots of the volume types and QoS specs lists and their create forms, at 80x24 and
120x40, on the demo cloud (its types __DEFAULT__, lvmdriver-1, the private lvm-fast with the
QoS spec db-iops)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.app.test_snapshots import SIZES, shoot

size_ids = pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")


@size_ids
@pytest.mark.parametrize(
    "keys",
    [
        pytest.param((":volume-types",), id="volume_types"),
        pytest.param((":volume-types", "n"), id="volume_type_create_form"),
        pytest.param((":volume-types", "G", "e"), id="volume_type_edit_form"),
        pytest.param((":volume-types", "P"), id="volume_type_default_form"),
        pytest.param((":qos",), id="qos_specs"),
        pytest.param((":qos", "n"), id="qos_create_form"),
        pytest.param((":qos", "A"), id="qos_associate_form"),
    ],
)
async def test_volume_types_and_qos(
    svg_snapshot: Any, keys: tuple[str, ...], size: tuple[int, int]
) -> None:
    assert await shoot(keys, size) == svg_snapshot
