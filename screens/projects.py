"""Projects (tenants) and the servers in each."""

from __future__ import annotations

from collections.abc import AsyncIterator

from tui.backend.base import Backend
from tui.backend.models import Project
from tui.resource import Col, Drill, Resource, Scope, attr
from tui.screens.columns import state_style


def list_projects(backend: Backend, scope: Scope) -> AsyncIterator[list[Project]]:
    return backend.projects()


def servers_of_project(row: Project) -> Scope:
    return Scope(all_projects=True, filters=(("project_id", row.id),), label=f"project {row.name}")


def _enabled(row: Project) -> str:
    return "enabled" if row.enabled else "disabled"


PROJECTS = Resource(
    name="projects",
    title="Projects",
    aliases=("project", "tenants", "tenant", "proj"),
    columns=(
        Col("Name", attr("name"), min_width=8, max_width=32),
        Col("ID", attr("id"), min_width=8, max_width=32),
        Col("Enabled", _enabled, min_width=7, max_width=8, style=state_style(_enabled)),
        Col("Domain", attr("domain_id"), min_width=6, max_width=16),
        Col("Description", attr("description"), min_width=8, max_width=50),
    ),
    list=list_projects,
    get=lambda b, i: b.project(i),
    drills=(Drill("enter", "servers", servers_of_project, "Servers in this project"),),
    needs_admin=True,
)
