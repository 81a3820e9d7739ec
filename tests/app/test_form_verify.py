"""The forms framework's generic pieces the boot form leans on: `Field.visible` hides a field
(and leaves it unchecked) by what the others hold, and `Form.verify` asks the cloud before the
submit, showing its refusals on the fields, sending nothing and keeping what was typed."""

from __future__ import annotations

from typing import Any

from textual.widgets import Static

from tests.app.test_compute_network_volume_screens import pick, type_into
from tests.app_helpers import demo_app, wait_for
from tui.backend.base import Backend
from tui.forms import Field, Form, Values
from tui.screens.form import FormScreen
from tui.screens.resources.choices import fixed


def _form(sent: list[Values], asked: list[Values]) -> Form:
    async def verify(backend: Backend, values: Values) -> dict[str, str]:
        asked.append(values)
        if values["kind"] != "sized":  # a hidden field holds what was typed, unchecked
            return {}
        flavors = [f async for page in backend.flavors() for f in page]
        largest = max(f.disk_gb for f in flavors)
        if values["size"] > largest:
            return {"size": f"at most {largest} GB: the largest flavor's disk"}
        return {}

    async def submit(backend: Backend, values: Values) -> str:
        sent.append(values)
        return "done"

    return Form(
        title="Verify",
        fields=(
            Field(
                "kind",
                "Kind",
                kind="choice",
                default="plain",
                choices=fixed(("plain", "plain"), ("sized", "sized")),
            ),
            Field(
                "size",
                "Size",
                kind="int",
                required=True,
                minimum=1,
                visible=lambda values: values.get("kind") == "sized",
            ),
        ),
        submit=submit,
        verify=verify,
    )


async def test_hidden_fields_are_not_checked_and_verify_refuses_on_the_field() -> None:
    sent: list[Values] = []
    asked: list[Values] = []
    app = demo_app(servers=2)
    results: list[Any] = []
    async with app.run_test(size=(100, 40)) as pilot:
        screen = FormScreen(_form(sent, asked))
        app.push_screen(screen, results.append)
        await wait_for(pilot, lambda: app.screen is screen and screen.is_mounted)
        assert not screen.query_one("#field-size").display
        await pick(pilot, "kind", "sized")
        assert screen.query_one("#field-size").display, "shown once its condition holds"
        await type_into(pilot, "size", "100000")
        await pilot.press("ctrl+s")
        help_line = screen.query_one("#help-size", Static)
        await wait_for(pilot, lambda: str(help_line.render()).startswith("✖"))
        assert "the largest flavor's disk" in str(help_line.render())
        assert sent == [] and len(asked) == 1 and app.screen is screen
        assert screen.raw_values()["size"] == "100000", "what was typed stays"
        await type_into(pilot, "size", "1")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: results == ["done"])
    assert [v["size"] for v in sent] == [1]


async def test_a_hidden_required_field_does_not_stop_the_submit() -> None:
    sent: list[Values] = []
    app = demo_app(servers=2)
    async with app.run_test(size=(100, 40)) as pilot:
        screen = FormScreen(_form(sent, []))
        app.push_screen(screen)
        await wait_for(pilot, lambda: app.screen is screen and screen.is_mounted)
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: sent)
    assert sent[0]["kind"] == "plain"
