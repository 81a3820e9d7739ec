"""The resource declarations are consistent: names, links, keys."""

from __future__ import annotations

import pytest

from tui.resource import Resource
from tui.screens.resource import ResourceScreen
from tui.screens.resources.registry import RESOURCES, completions, lookup

SCREEN_KEYS = {b.key for b in ResourceScreen.BINDINGS}
APP_KEYS = {"colon", "question_mark", "ctrl+c", "ctrl+p", "ctrl+q"}
TABLE_KEYS = {"up", "down", "k", "j", "pageup", "pagedown", "ctrl+b", "ctrl+f", "home", "end"}
TABLE_KEYS |= {"g", "G", "enter", "less_than_sign", "greater_than_sign", "asterisk"}


def test_every_alias_names_one_resource() -> None:
    seen: dict[str, str] = {}
    for resource in RESOURCES.values():
        for name in resource.names():
            assert name not in seen, f"{name} names both {seen[name]} and {resource.name}"
            seen[name] = resource.name
    assert lookup(":HV") is RESOURCES["hypervisors"]
    assert lookup("tenants") is RESOURCES["projects"]
    assert completions()[: len(RESOURCES)] == list(RESOURCES)


@pytest.mark.parametrize("resource", RESOURCES.values(), ids=lambda r: r.name)
def test_links_and_keys(resource: Resource) -> None:
    for drill in resource.drills:
        if not isinstance(drill.target, str):
            continue  # one target per row: the resource's own tests check them
        assert drill.target in RESOURCES, f"{resource.name} links to unknown {drill.target}"
    own = [d.key for d in resource.drills if d.key != "enter"]
    own += [a.key for a in resource.actions] + [v.key for v in resource.views if v.key != "enter"]
    enters = [d for d in resource.drills if d.key == "enter"] + [
        v for v in resource.views if v.key == "enter"
    ]
    assert len(enters) <= 1, f"{resource.name}: enter both drills and opens a view"
    assert len(own) == len(set(own)), f"{resource.name} uses a key twice: {own}"
    clash = set(own) & (SCREEN_KEYS | APP_KEYS | TABLE_KEYS)
    assert not clash, f"{resource.name}: {clash} are taken by the screen, the app or the table"
    assert len({a.name for a in resource.actions}) == len(resource.actions)
    for action in resource.actions:
        if action.confirm == "count":
            assert action.preview is not None, f"{action.name} confirms a count without a preview"
