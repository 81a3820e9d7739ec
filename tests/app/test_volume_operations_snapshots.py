"""Snapshots of the forms of Cinder's per-volume operations, the transfer key dialog and the
accept form of :transfers, opened on the demo's `scratch` (available) or `db-data` (in use)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.app.test_snapshots import shoot


def on(volume: str, *keys: str) -> tuple[str, ...]:
    return (":volumes", "slash", *volume, "enter", *keys)


@pytest.mark.parametrize(
    ("keys", "size"),
    [
        pytest.param(on("scratch", "t"), (120, 40), id="retype_form"),
        pytest.param(on("db-data", "E"), (120, 40), id="reset_state_form"),
        pytest.param(on("db-data", "E", "ctrl+s"), (120, 40), id="reset_state_confirm"),
        pytest.param(on("db-data", "I"), (120, 40), id="upload_form_in_use"),
        pytest.param(on("scratch", "T"), (80, 24), id="transfer_form"),
        pytest.param(on("scratch", "T", "ctrl+s"), (80, 24), id="transfer_key"),
        pytest.param((":transfers", "n"), (80, 24), id="accept_form"),
    ],
)
async def test_volume_operation_screen(
    svg_snapshot: Any, keys: tuple[str, ...], size: tuple[int, int]
) -> None:
    assert await shoot(keys, size) == svg_snapshot
