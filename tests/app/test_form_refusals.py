"""Every form of every resource refuses bad input on the field, sends nothing, keeps it.

Walks the registry: each action with a form is opened on a row of the in-memory cloud
(found by listing and drilling down), and each name/text field gets control characters
(C0, C1, DEL, bidi), each number field a non-ASCII digit, a huge negative number and an
exponent, pasted as an operator would.
"""

from __future__ import annotations

from typing import Any

import pytest
from textual.widgets import Input, Static

from tests.app_forms import form_actions, paste, rows_by_resource, target_of
from tests.app_helpers import demo_app, wait_for
from tui.backend.memory import MemoryBackend
from tui.forms import Field, Form
from tui.resource import Action, Resource, bind
from tui.screens.form import FormScreen
from tui.screens.resources.registry import RESOURCES

HOSTILE_TEXT = ("x\x1b[2Jy", "x\x9b31my", "x\x7fy", "x\u202egnp.exe")  # C0, C1, DEL, bidi
HOSTILE_NUMBERS = ("٣", "-99999999999999999999", "1e3")
TYPED_KINDS = ("text", "int", "keyvalue", "file")


def _wrapped(form: Form, action: Action, row: Any) -> Form:
    """The form as the resource screen shows it: submitting runs the action."""

    async def submit(backend: Any, values: dict[str, Any]) -> Any:
        return await action.run(backend, row, values)

    return Form(
        title=form.title,
        fields=form.fields,
        submit=submit,
        submit_label=form.submit_label,
        check=form.check,
    )


async def _next_key_adds_to_the_field_in_focus(pilot: Any) -> None:
    """The refusal moved the focus to the first field in error: typing there goes on from
    what it holds, never replaces it all."""
    focused = pilot.app.focused
    if not isinstance(focused, Input):
        return
    held = focused.value
    await pilot.press("5")
    assert len(focused.value) == len(held) + 1 and sorted(focused.value) == sorted(held + "5"), (
        f"{focused.id}: {held!r} became {focused.value!r}"
    )
    focused.value = held


def _refusals(field: Field) -> tuple[str, ...]:
    return HOSTILE_NUMBERS if field.kind == "int" else HOSTILE_TEXT


@pytest.mark.parametrize(("resource_name", "action_name"), form_actions())
async def test_every_typed_field_refuses_bad_input_and_keeps_it(
    resource_name: str, action_name: str
) -> None:
    app = demo_app(servers=6)
    backend = app.backend
    assert isinstance(backend, MemoryBackend)
    resource: Resource = bind(RESOURCES[resource_name], app.context)
    action = resource.action(action_name)
    assert action is not None and action.form is not None
    target = target_of(action, (await rows_by_resource(backend)).get(resource_name, []))
    if target is None:
        pytest.skip(f"the demo cloud has no {resource_name} row that allows {action_name}")
    form = action.form(target)
    checked = 0
    async with app.run_test(size=(140, 60)) as pilot:
        screen = FormScreen(_wrapped(form, action, target))
        app.push_screen(screen)
        await wait_for(pilot, lambda: app.screen is screen and screen.is_mounted)
        shown = screen.raw_values()
        for field in form.fields:
            if field.kind not in TYPED_KINDS or not field.shown(shown):
                continue
            box = screen.query_one(f"#input-{field.name}", Input)
            before = box.value
            for typed in _refusals(field):
                await paste(pilot, box, typed)
                assert box.value == typed, "the paste reached the field as typed"
                typed_values = screen.raw_values()
                await pilot.press("ctrl+s")
                await pilot.pause()
                help_line = screen.query_one(f"#help-{field.name}", Static)
                said = str(help_line.render())
                assert app.screen is screen, f"{field.name}={typed!r}: the form stays open"
                assert said.startswith("✖"), f"{field.name}={typed!r} was not refused: {said}"
                if field.kind != "int":
                    assert "no control characters" in said, said
                elif not typed.startswith("-"):
                    assert "digits 0-9" in said, said
                assert backend.writes == [], f"{field.name}={typed!r} sent {backend.writes}"
                assert box.value == typed, f"{field.name}: what was typed is kept"
                assert screen.raw_values() == typed_values, "every field keeps what it held"
                await _next_key_adds_to_the_field_in_focus(pilot)
                checked += 1
            box.value = before
    assert checked or not any(f.kind in TYPED_KINDS for f in form.fields)
