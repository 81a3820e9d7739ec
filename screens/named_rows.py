"""Ids shown by their names: a list's name columns (`Col.named`) hand the ids of each page
to the context's name lookups (`tui.names`): one listing per kind in the background, never
a request per row. The rows show the ids until the names come, then are drawn again.

Mixed into the generic resource screen.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from textual.screen import Screen

    from tui.context import Context
    from tui.names import Kind
    from tui.resource import Resource
    from tui.widgets.resource_table import ResourceTable

    _ScreenBase = Screen[None]
else:
    _ScreenBase = object


class NamedRowsMixin(_ScreenBase):
    """Needs `context`, `resource` and `table` from the screen."""

    context: Context
    resource: Resource
    _naming: list[Awaitable[bool]]  # the lookups this load waits for (set by the screen)
    _names_drawn = -1  # the names' version the table's cells were computed with

    if TYPE_CHECKING:

        @property
        def table(self) -> ResourceTable: ...

    def _name_kinds(self) -> set[Kind]:
        return {column.named[0] for column in self.table.columns if column.named}

    def _cells_computed(self) -> None:
        """A new data set: its cells are computed with the names known now."""
        self._names_drawn = self.context.names.version(self._name_kinds())

    def _teach_names(self, rows: Sequence[Any]) -> None:
        """The names these rows give their ids (a list of servers names servers): learned
        for every list that shows those ids; a deleted row's id is known as gone."""
        kind = self.resource.teaches
        if kind is None or not rows:
            return
        key, deleted = self.resource.key, self.resource.deleted
        self.context.names.learn(kind, {key(row): "" if deleted(row) else row.name for row in rows})

    def _want_names(self, rows: Sequence[Any]) -> None:
        """Ask for the names of the ids these rows show that are not known yet."""
        lookups = self.context.lookups
        for column in self.table.columns:
            if column.named is None or not rows:
                continue
            kind, attribute = column.named
            waiting = lookups.want(kind, {getattr(row, attribute) for row in rows})
            if waiting is not None:
                self._naming.append(waiting)

    async def _names_shown(self) -> None:
        """Once the names asked for arrive (or at once), draw the rows again if names were
        learned since their cells were computed."""
        pending, self._naming = self._naming, []
        if pending:
            await asyncio.gather(*pending, return_exceptions=True)
            if not self.query("#table"):
                return  # the screen went meanwhile (the app closing)
        kinds = self._name_kinds()
        version = self.context.names.version(kinds)
        if kinds and version != self._names_drawn:
            self._names_drawn = version
            self.table.refresh_cells()
