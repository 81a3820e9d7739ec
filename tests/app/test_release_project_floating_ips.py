"""Releasing every floating IP of a project names the project by name and id."""

from __future__ import annotations

from tests.app.test_compute_network_volume_screens import goto
from tests.app_helpers import demo_app, settle, wait_for
from tui.screens.confirm import ConfirmScreen


async def test_release_all_names_the_project() -> None:
    app = demo_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        fips = await goto(pilot, "fips")
        row = fips.table.selected
        name = fips.context.names.project(row.project_id)
        assert name and name != row.project_id
        await pilot.press("X")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        body = " ".join(str(app.screen.body).split())  # type: ignore[attr-defined]
        assert f"Release every floating IP of project {name} ({row.project_id}):" in body
        await pilot.press("escape")
        assert app.backend.writes == []
