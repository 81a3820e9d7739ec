"""Every form of every resource, with a row of the in-memory cloud to open it on."""

from __future__ import annotations

from typing import Any

from textual import events
from textual.widgets import Input

from tui.backend.memory import MemoryBackend
from tui.context import Context
from tui.resource import Action, Scope, bind
from tui.screens.resources.registry import RESOURCES


def form_actions() -> list[tuple[str, str]]:
    """(resource, action) for every action that asks for input first."""
    return [(r.name, a.name) for r in RESOURCES.values() for a in r.actions if a.form is not None]


async def rows_by_resource(backend: MemoryBackend) -> dict[str, list[tuple[Scope, list[Any]]]]:
    """Some rows of every resource, with the scope they were listed in (drills followed)."""
    async for flavors in backend.flavors():  # the demo's flavors come without extra specs
        await backend.set_flavor_extra_specs(flavors[0].id, {"hw:cpu_policy": "shared"})
        break
    backend.writes.clear()
    context = Context(backend)
    found: dict[str, list[tuple[Scope, list[Any]]]] = {}
    todo = [(bind(r, context), Scope(all_projects=True)) for r in RESOURCES.values()]
    seen: set[tuple[str, tuple[tuple[str, str], ...]]] = set()
    while todo:
        resource, scope = todo.pop(0)
        if (resource.name, scope.filters) in seen or len(found.get(resource.name, ())) >= 3:
            continue
        seen.add((resource.name, scope.filters))
        rows: list[Any] = []
        try:
            async for page in resource.list(backend, scope):
                rows += page[:10]
                break
        except Exception:  # a drill the demo cloud cannot list (an empty parent)
            continue
        found.setdefault(resource.name, []).append((scope, rows))
        for row in rows[:3]:
            for drill in resource.drills:
                if drill.when(row) and drill.target_of(row) in RESOURCES:
                    target = bind(RESOURCES[drill.target_of(row)], context)
                    todo.append((target, bind(drill.scope(row), context)))
    return found


def target_of(action: Action, listed: list[tuple[Scope, list[Any]]]) -> Any:
    """A row the action allows (the list's scope for an action on the list), or None."""
    for scope, rows in listed:
        if action.rows:  # an export: the rows the list shows
            return rows
        if not action.on_row:
            return scope
        for row in rows:
            if action.when(row):
                return row
    return None


async def paste(pilot: Any, box: Input, text: str) -> None:
    """Replace what a field holds by pasting ``text``, as an operator would."""
    box.focus()
    box.value = ""
    box.post_message(events.Paste(text))
    await pilot.pause()


async def submit_refused(
    pilot: Any, resource_name: str, action_name: str, target: Any, secret: str
) -> Any:
    """Open an action's form by its key (on ``target``'s row), paste ``secret`` into every
    secret field and a name into any empty required field, submit, and wait for the
    cloud's refusal. Returns the form, still open."""
    from tests.app.test_compute_network_volume_screens import goto
    from tests.app_helpers import select, wait_for
    from tui.screens.form import FormScreen

    resource = bind(RESOURCES[resource_name], pilot.app.context)  # type: ignore[attr-defined]
    action = resource.action(action_name)
    assert action is not None and action.form is not None
    await goto(pilot, resource_name)
    if action.on_row:
        await select(pilot, resource.label(target))
    await pilot.press(action.key)
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, FormScreen))
    form = pilot.app.screen
    for field in form.form.fields:
        box = form.query_one(f"#input-{field.name}")
        if field.kind == "secret":
            assert isinstance(box, Input) and box.password, "a secret field shows no text"
            await paste(pilot, box, secret)
        elif field.required and isinstance(box, Input) and not box.value:
            await paste(pilot, box, "sdsecret-user")
    await pilot.press("ctrl+s")
    await confirm_plan(pilot, form)
    await wait_for(pilot, lambda: form.last_error is not None)
    return form


async def confirm_plan(pilot: Any, form: Any) -> None:
    """An action that says what it will do after its form (a rebuild) asks to confirm
    first, maybe by typing the row's name: confirm it, so that the call is sent."""
    from tests.app_helpers import wait_for
    from tui.screens.confirm import ConfirmScreen

    def asked() -> bool:
        return isinstance(pilot.app.screen, ConfirmScreen) or form.last_error is not None

    await wait_for(pilot, asked)
    screen = pilot.app.screen
    if not isinstance(screen, ConfirmScreen):
        return
    if screen.expected is not None:
        await pilot.press(*screen.expected, "enter")
    else:
        await pilot.click("#confirm-yes")
