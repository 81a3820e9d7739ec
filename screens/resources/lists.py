"""How declarations list and link: one call's answer as one page, and the scopes that
drills and cross-links open a list with."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable

from tui.resource import Row, Scope


async def once(call: Awaitable[list[Row]]) -> AsyncIterator[list[Row]]:
    """A call that answers with the whole list, as a list of one page."""
    yield await call


def scoped(field: str, value: str, label: str) -> Scope:
    """All projects' rows whose `field` is `value` (a drill-down)."""
    return Scope(all_projects=True, filters=((field, value),), label=label)


def one(target_id: str, label: str) -> Scope:
    """A cross-link to one resource by id."""
    return Scope(all_projects=True, filters=(("id", target_id),), label=label)
