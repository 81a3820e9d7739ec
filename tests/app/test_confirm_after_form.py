"""An action with a form and a confirmation asks the form first, then confirms what the
values will do; declining the confirmation returns to the form as it was typed."""

from __future__ import annotations

from tests.app.test_moving_servers import choose, confirmation, open_form
from tests.app_helpers import demo_app, select, settle, wait_for
from tui.screens.confirm import ConfirmScreen
from tui.screens.form import FormScreen
from tui.screens.resource import ResourceScreen
from tui.widgets.picker import Picker


async def test_reset_state_asks_the_state_then_confirms_it_by_name() -> None:
    app = demo_app()
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ResourceScreen)
        await select(pilot, "web-01")  # ACTIVE
        form = await open_form(pilot, "E")  # the form first, not the confirmation
        await choose(pilot, form, "state", "error")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        assert confirmation(pilot) == (
            "Reset the state of web-01 from ACTIVE to ERROR in Nova's database "
            "(the VM is not touched)."
        )
        await pilot.press("escape")  # declined: back to the form, as typed
        await wait_for(pilot, lambda: app.screen is form)
        assert form.query_one("#input-state", Picker).value == "error"
        assert app.backend.writes == []
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press(*"web-01", "enter")
        await wait_for(pilot, lambda: app.screen is screen)
        await wait_for(pilot, lambda: screen.table.selected.status == "ERROR")
        assert [w[0] for w in app.backend.writes] == ["reset-state"]


async def test_a_confirmation_declined_then_the_form_cancelled_sends_nothing() -> None:
    app = demo_app()
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await settle(pilot)
        await select(pilot, "lb-06")  # ERROR
        form = await open_form(pilot, "E")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        assert "from ERROR to ACTIVE" in confirmation(pilot)
        await pilot.click("#confirm-no")
        await wait_for(pilot, lambda: app.screen is form)
        assert isinstance(app.screen, FormScreen)
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, ResourceScreen))
        assert app.backend.writes == []
