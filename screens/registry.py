"""Every resource stackdeck can show, by name and alias: what `:` completes over."""

from __future__ import annotations

from tui.resource import Resource
from tui.screens.hypervisors import HYPERVISORS
from tui.screens.projects import PROJECTS
from tui.screens.servers import SERVERS

RESOURCES: dict[str, Resource] = {r.name: r for r in (SERVERS, HYPERVISORS, PROJECTS)}

_BY_ALIAS: dict[str, Resource] = {
    alias: resource for resource in RESOURCES.values() for alias in resource.names()
}


def lookup(name: str) -> Resource | None:
    """The resource for a name or alias, case-insensitively, with or without a leading ':'."""
    return _BY_ALIAS.get(name.strip().lstrip(":").lower())


def completions() -> list[str]:
    """Every name and alias, resource names first, for the command line's suggester."""
    names = list(RESOURCES)
    return names + sorted(a for a in _BY_ALIAS if a not in RESOURCES)
