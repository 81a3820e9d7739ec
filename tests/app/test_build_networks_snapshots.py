"""Snapshots of the subnet form at 80x24 and 120x40: as opened on a network's row, and with
the addresses it refuses said on their fields."""

from __future__ import annotations

from typing import Any

import pytest

from tests.app.test_build_networks import open_form, type_into
from tests.app.test_snapshots import SIZES, shoot
from tests.app_helpers import demo_app, select, settle, wait_for

size_ids = pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")


@size_ids
async def test_subnet_create_form(svg_snapshot: Any, size: tuple[int, int]) -> None:
    assert await shoot((":networks", "S"), size) == svg_snapshot


@size_ids
async def test_subnet_form_refuses_bad_addresses(svg_snapshot: Any, size: tuple[int, int]) -> None:
    app = demo_app()
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await pilot.press("colon", *"networks", "enter")
        await settle(pilot)
        await select(pilot, "private-demo")
        form = await open_form(pilot, "S")
        await type_into(pilot, "cidr", "10.50.0.0/24")
        await type_into(pilot, "allocation_pools", "10.50.0.90-10.50.0.10")
        await type_into(pilot, "host_routes", "10.60.0.0/16 to 10.50.0.254")
        await pilot.press("ctrl+s")
        await wait_for(
            pilot, lambda: form.query_one("#field-allocation_pools").has_class("-invalid")
        )
        await pilot.pause(0.3)
        assert app.export_screenshot() == svg_snapshot
