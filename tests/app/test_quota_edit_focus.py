"""`e` on a row of :quotas opens its service's quotas with the cursor in that row's field."""

from __future__ import annotations

from textual.widgets import Input

from tests.app.test_compute_network_volume_screens import goto
from tests.app_helpers import demo_app, settle, wait_for
from tui.screens.form import FormScreen


async def test_edit_focuses_the_field_of_the_row_under_the_cursor() -> None:
    app = demo_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        quotas = await goto(pilot, "quotas")
        rows = list(quotas.table.rows_in_view())
        assert len(rows) > 10
        for row in rows:
            if row.limit is None:
                continue
            assert quotas.table.select_key(row.id)
            await pilot.press("e")
            await wait_for(pilot, lambda: isinstance(app.screen, FormScreen))
            form = app.screen
            await pilot.pause()
            index = [entry[0] for entry in row.service_limits].index(row.resource)
            focused = form.focused
            assert isinstance(focused, Input), focused
            assert focused.id == f"input-limit_{index}", f"{row.name}: {focused.id} has focus"
            await pilot.press(*"7")  # the first key replaces the value shown
            assert focused.value == "7", row.name
            await pilot.press("escape")
            await wait_for(pilot, lambda: app.screen is quotas)
