"""A choice field shows its options, filtered, as soon as the operator types in it: reached
with Tab, with a click, or with Down — the boot form says "Choices are filtered as you type"."""

from __future__ import annotations

from textual.widgets import Input, OptionList

from tests.app_helpers import demo_app, screen_text, settle, wait_for
from tui.screens.form import FormScreen
from tui.widgets.picker import Picker


def flavor_picker(app: object) -> Picker:
    screen = app.screen  # type: ignore[attr-defined]
    assert isinstance(screen, FormScreen)
    return screen.query_one("#input-flavor", Picker)


async def open_boot_form(pilot: object) -> FormScreen:
    await settle(pilot)  # type: ignore[arg-type]
    await pilot.press("n")  # type: ignore[attr-defined]
    app = pilot.app  # type: ignore[attr-defined]
    await wait_for(pilot, lambda: isinstance(app.screen, FormScreen))  # type: ignore[arg-type]
    picker = flavor_picker(app)
    await wait_for(pilot, lambda: not picker._loading)  # type: ignore[arg-type]
    return app.screen  # type: ignore[no-any-return]


async def test_typing_in_a_choice_field_reached_by_tab_shows_the_filtered_options() -> None:
    app = demo_app()
    async with app.run_test(size=(120, 50)) as pilot:
        await open_boot_form(pilot)
        # Name, Count, then the flavor: two Tabs from the first field
        await pilot.press("tab", "tab")
        picker = flavor_picker(app)
        box = picker.query_one(".picker--filter", Input)
        assert box.has_focus
        await pilot.press(*"m1.sm")
        options = picker.query_one(".picker--options", OptionList)
        assert options.display and options.region.height > 0, "the options are not shown"
        assert options.option_count >= 1
        text = screen_text(pilot)
        assert "m1.small" in text
        assert "m1.xlarge" not in text  # filtered
        await pilot.press("enter")
        assert picker.value


async def test_typing_in_a_choice_field_reached_by_click_shows_the_filtered_options() -> None:
    app = demo_app()
    async with app.run_test(size=(120, 50)) as pilot:
        await open_boot_form(pilot)
        picker = flavor_picker(app)
        box = picker.query_one(".picker--filter", Input)
        await pilot.click(box)
        await pilot.pause()
        assert box.has_focus
        await pilot.press(*"m1.sm")
        options = picker.query_one(".picker--options", OptionList)
        assert options.display and options.region.height > 0, "the options are not shown"
        assert "m1.small" in screen_text(pilot)
