"""SVG snapshots of the identity screens at 80x24 and 120x40."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from tests.app.test_snapshots import SIZES, shoot

# On the fixed clock the demo token is issued at 2026-01-08 12:00 UTC, for an hour.
DEMO_NOW = datetime(2026, 1, 8, 12, 12, tzinfo=UTC)


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("tui.screens.resources.token.now", lambda: DEMO_NOW)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize(
    ("name", "keys"),
    [
        pytest.param("users", (":users",), id="users"),
        pytest.param("user_form", (":users", "n"), id="create_user_form"),
        pytest.param("assignments", (":assignments",), id="role_assignments"),
        pytest.param("catalog", (":catalog",), id="catalog"),
        pytest.param("endpoints", (":endpoints",), id="endpoints"),
        pytest.param("token", (":token",), id="token"),
    ],
)
async def test_identity_screen(
    svg_snapshot: Any, name: str, keys: tuple[str, ...], size: tuple[int, int]
) -> None:
    assert await shoot(keys, size) == svg_snapshot
