"""Snapshots of the boot form with each boot source chosen, at 80x24 and 120x40: the fields
of the chosen source shown, the others hidden."""

from __future__ import annotations

from typing import Any

import pytest

from tests.app.test_boot_from_volume import _cloud
from tests.app.test_compute_network_volume_screens import pick
from tests.app.test_snapshots import SIZES
from tests.app_helpers import settle, wait_for
from tests.contract.support import named
from tui.screens.form import FormScreen


async def _boot_form_with(source: str, size: tuple[int, int]) -> str:
    backend, app = await _cloud()
    origin = await named(backend.volumes(), "golden-root")
    await backend.create_volume_snapshot(origin.id, "golden-snap")
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await wait_for(pilot, lambda: isinstance(app.screen, FormScreen))
        await pick(pilot, "boot_source", source)
        await pilot.press("tab")  # on to the source's own field
        await pilot.pause(0.3)
        return app.export_screenshot()


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize(
    "source",
    [
        pytest.param("local", id="image"),
        pytest.param("existing", id="existing_volume"),
        pytest.param("snapshot", id="snapshot"),
        pytest.param("made from", id="new_volume_from_image"),
    ],
)
async def test_boot_form_source(svg_snapshot: Any, source: str, size: tuple[int, int]) -> None:
    assert await _boot_form_with(source, size) == svg_snapshot
