"""Snapshots of the image and flavor screens at 80x24 and 120x40."""

from __future__ import annotations

import asyncio
import itertools
from typing import Any

import pytest

from tests.app.test_snapshots import SIZES, shoot
from tests.app_helpers import demo_app, settle
from tui.backend.memory import MemoryBackend, fixed_id
from tui.backend.transfer import Progress
from tui.runbook.transfer import Transfer
from tui.screens.transfer import TransferScreen

MiB = 1 << 20
size_ids = pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")


@size_ids
@pytest.mark.parametrize(
    "keys",
    [
        pytest.param((":images", "n"), id="image_upload_form"),
        pytest.param((":flavors", "n"), id="flavor_create_form"),
        pytest.param((":flavors", "G", "enter"), id="flavor_extra_specs"),
    ],
)
async def test_images_flavors_screen(
    svg_snapshot: Any, keys: tuple[str, ...], size: tuple[int, int]
) -> None:
    assert await shoot(keys, size) == svg_snapshot


@size_ids
async def test_image_members(svg_snapshot: Any, size: tuple[int, int]) -> None:
    app = demo_app()
    backend: MemoryBackend = app.backend  # type: ignore[assignment]
    image_id = fixed_id("image", 2)  # ops-toolbox
    await backend.update_image(image_id, visibility="shared")
    for project in (1, 0):
        await backend.add_image_member(image_id, fixed_id("project", project))
    await backend.set_image_member_status(image_id, fixed_id("project", 1), "accepted")
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await pilot.press("colon", *"images", "enter")
        await settle(pilot)
        await pilot.press("G", "enter")
        await settle(pilot)
        await pilot.pause(0.3)
        assert app.export_screenshot() == svg_snapshot


@size_ids
async def test_transfer_in_progress(svg_snapshot: Any, size: tuple[int, int]) -> None:
    """Half of 3 MiB after 1 s (a fixed clock), the job then waits: a deterministic frame."""
    app = demo_app()
    stuck = asyncio.Event()

    async def job(progress: Progress) -> None:
        progress(3 * MiB // 2, 3 * MiB)
        await stuck.wait()

    clock = itertools.chain([0.0], itertools.repeat(1.0))
    screen = TransferScreen(
        Transfer("Uploading cirros.qcow2 (qcow2)", job, total=3 * MiB),
        clock=lambda: next(clock),
    )
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await pilot.press("colon", *"images", "enter")
        await settle(pilot)
        app.push_screen(screen)
        await pilot.pause(0.4)
        assert app.export_screenshot() == svg_snapshot
        stuck.set()
