"""A hold on a resource's row actions (rows shown from the cache): refused through each
action's own `when` and `why_not`, the list actions untouched, nothing changed without it."""

from __future__ import annotations

from typing import Any

from tui.backend.memory.data import server_json
from tui.backend.models import Server
from tui.resource import Action, Col, Resource, held, why_not


async def _run(backend: Any, row: Any, values: Any) -> None:
    return None


def _resource() -> Resource:
    async def nothing(backend: Any, scope: Any) -> Any:
        yield []

    return Resource(
        name="things",
        title="Things",
        aliases=(),
        columns=(Col("Name", lambda r: r.name),),
        list=nothing,
        actions=(
            Action("stop", "o", "Stop", _run, when=lambda r: r.status == "ACTIVE"),
            Action(
                "start",
                "s",
                "Start",
                _run,
                when=lambda r: r.status == "SHUTOFF",
                why_not=lambda r: f"{r.name} is not stopped",
            ),
            Action("create", "c", "Create", _run, on_row=False),
        ),
    )


def test_a_held_row_refuses_every_row_action_and_says_why() -> None:
    row = Server.from_api(server_json(1, 2, ["compute1"]))
    hold: list[str | None] = ["web is from the cache"]
    resource = held(_resource(), lambda r: hold[0])
    stop, start, create = resource.actions
    assert not stop.when(row) and not start.when(row)
    assert why_not(stop, row, row.name) == "web is from the cache"
    assert why_not(start, row, row.name) == "web is from the cache"
    assert create.when(row)  # a list action: not held

    hold[0] = None  # live again: the actions' own rules and reasons
    assert stop.when(row) == (row.status == "ACTIVE")
    assert not start.when(row)
    assert why_not(start, row, row.name) == f"{row.name} is not stopped"
    assert why_not(stop, row, row.name).startswith("Stop is not available for")
