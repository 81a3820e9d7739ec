"""The progress badge ("⟳ updating") of an action: shown once the form is submitted (not
while it is open), drawn without hiding the row's other text, and the columns' widths come
back when it goes."""

from __future__ import annotations

from rich.style import Style

from tests.app.test_compute_network_volume_screens import goto
from tests.app_helpers import demo_app, select, settle, wait_for
from tui.screens.form import FormScreen
from tui.screens.resource import ResourceScreen


async def test_no_badge_while_the_form_is_open_then_one_after_submit() -> None:
    app = demo_app(latency=0.3)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ResourceScreen)
        await select(pilot, "web-01")
        key = screen.table.selected.id
        await pilot.press("R")
        await wait_for(pilot, lambda: isinstance(app.screen, FormScreen))
        await pilot.pause(0.1)
        assert screen.table.badge(key) is None, "badge shown while the form is still open"
        await pilot.press("escape")  # cancelled: no badge ever
        await wait_for(pilot, lambda: app.screen is screen)
        await wait_for(pilot, lambda: not screen.in_flight)
        assert screen.table.badge(key) is None
        await pilot.press("R")
        await wait_for(pilot, lambda: isinstance(app.screen, FormScreen))
        await pilot.press(*"-x", "ctrl+s")
        await wait_for(pilot, lambda: screen.table.badge(key) == "⟳ renaming")
        await wait_for(pilot, lambda: not screen.in_flight)
        assert screen.table.badge(key) is None


async def test_the_badge_hides_no_cell_and_the_widths_come_back() -> None:
    app = demo_app(latency=0.5)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        quotas = await goto(pilot, "quotas")
        widths = list(quotas.table._widths)
        await select(pilot, "Nova instances")
        row = quotas.table.selected
        await pilot.press("e")
        await wait_for(pilot, lambda: isinstance(app.screen, FormScreen))
        assert quotas.table.badge(row.id) is None
        form = app.screen
        box = form.query_one("#input-limit_1")
        box.value = "41"
        await pilot.press("ctrl+s")  # the call takes a while: the badge shows meanwhile
        await wait_for(pilot, lambda: quotas.table.badge(row.id) is not None)
        table = quotas.table
        line = table._build_row(row, Style(), table._line_width, badge="⟳ updating").text
        assert "⟳ updating Nova" in line and "instances" in line, line  # it hid no text
        cores = next(r for r in table.rows_in_view() if r.resource == "cores")
        assert table._build_row(cores, Style(), table._line_width).text.startswith("Nova ")
        await wait_for(pilot, lambda: app.screen is quotas)
        await wait_for(pilot, lambda: quotas.table.badge(row.id) is None)
        await settle(pilot)
        assert quotas.table._widths == widths, "the widths stayed widened"
