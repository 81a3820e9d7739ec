"""Project names for lists that show projects by id: learned in one call, never per row."""

from __future__ import annotations

from collections.abc import Iterable

from tui.backend.base import Backend
from tui.backend.errors import BackendError
from tui.context import Context

ASKED = "project-names-asked"  # ids already looked for (a deleted project stays an id)


async def learn_project_names(context: Context, backend: Backend, ids: Iterable[str]) -> None:
    """Names for the project ids not known yet: one listing of the projects (admins), at most
    once for the same unknown ids; a member knows its own project's name only."""
    names = context.names.projects
    info = context.info
    if info.project_id and info.project:
        names.setdefault(info.project_id, info.project)
    asked: set[str] = context.remembered.setdefault(ASKED, set())
    unknown = {i for i in ids if i and i not in names and i not in asked}
    if not unknown or not context.capabilities.admin:
        return
    asked |= unknown
    try:
        async for page in backend.projects():
            names.update((p.id, p.name) for p in page)
    except BackendError:
        pass  # shown by id
