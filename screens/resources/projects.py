"""Projects (tenants): the servers in each, their role assignments; create, edit, enable,
disable and delete the Keystone record."""

from __future__ import annotations

from collections.abc import AsyncIterator

from tui.backend.base import Backend
from tui.backend.models import Project, ProjectSpec
from tui.context import Context
from tui.forms import Field, Form, Values, valid_name
from tui.resource import Action, Col, Drill, Resource, Scope, attr, in_context
from tui.screens.resources.choices import project_choices
from tui.screens.resources.identity import admin_only, enabled_col, grant, grant_form, set_enabled
from tui.screens.resources.port_projects import ports_of_project
from tui.screens.resources.quotas import project_quotas_scope


def list_projects(backend: Backend, scope: Scope) -> AsyncIterator[list[Project]]:
    return backend.projects()


def servers_of_project(row: Project) -> Scope:
    return Scope(all_projects=True, filters=(("project_id", row.id),), label=f"project {row.name}")


def assignments_of_project(row: Project) -> Scope:
    return Scope(filters=(("project_id", row.id),), label=f"project {row.name}")


def create_project_form(_row: object) -> Form:
    return Form(
        title="Create project",
        fields=(
            Field("name", "Name", required=True, validate=valid_name),
            Field("description", "Description"),
            Field(
                "domain_id",
                "Domain (id)",
                required=True,
                default="default",
                help="the Keystone domain the project belongs to",
            ),
            Field(
                "parent_id",
                "Parent project",
                kind="choice",
                choices=project_choices,
                help="optional: makes this a sub-project (same domain as the parent)",
            ),
            Field("enabled", "Enabled", kind="bool", default=True),
        ),
        submit_label="Create",
    )


async def create_project(
    context: Context, backend: Backend, row: object, values: Values
) -> Project:
    project: Project = await admin_only(_create_project)(backend, row, values)
    context.names.projects[project.id] = project.name
    return project


async def _create_project(backend: Backend, row: object, values: Values) -> Project:
    return await backend.create_project(
        ProjectSpec(
            name=values["name"],
            description=values.get("description") or "",
            domain_id=values["domain_id"],
            enabled=bool(values.get("enabled")),
            parent_id=values.get("parent_id") or "",
        )
    )


def edit_description_form(project: Project) -> Form:
    return Form(
        title=f"Edit project {project.name}",
        fields=(Field("description", "Description", default=project.description),),
        submit_label="Save",
    )


@admin_only
async def edit_description(backend: Backend, project: Project, values: Values) -> None:
    await backend.update_project(project, description=values.get("description") or "")


enable = set_enabled(True)
disable = set_enabled(False)


async def delete(context: Context, backend: Backend, project: Project, values: Values) -> None:
    await admin_only(_delete)(backend, project, values)
    context.names.projects.pop(project.id, None)


async def _delete(backend: Backend, project: Project, values: Values) -> None:
    await backend.delete_project(project)


def _delete_message(project: Project) -> str:
    return (
        f"Keystone deletes only the project record of {project.name}: its servers, volumes, "
        "networks and other resources are NOT deleted. They stay, owned by a project id "
        "that no longer exists; clean them up first if they should go."
    )


PROJECTS = Resource(
    name="projects",
    title="Projects",
    aliases=("project", "tenants", "tenant", "proj"),
    columns=(
        Col("Name", attr("name"), min_width=8, max_width=32),
        Col("ID", attr("id"), min_width=8, max_width=32),
        enabled_col(),
        Col("Domain", attr("domain_id"), min_width=6, max_width=16),
        Col("Description", attr("description"), min_width=8, max_width=50),
    ),
    list=list_projects,
    teaches="project",
    get=lambda b, i: b.project(i),
    drills=(
        Drill("enter", "servers", servers_of_project, "Servers in this project"),
        Drill("R", "role-assignments", assignments_of_project, "Role assignments"),
        Drill("P", "ports", ports_of_project, "Its ports"),
        Drill(
            "q",
            "quotas",
            in_context(lambda context, p: project_quotas_scope(context, p.id)),
            "Quotas of this project",
        ),
    ),
    actions=(
        Action(
            "create",
            "n",
            "Create project",
            in_context(create_project),
            form=create_project_form,
            on_row=False,
            follow="list",
        ),
        Action(
            "edit",
            "e",
            "Edit description",
            edit_description,
            form=edit_description_form,
            progress="saving",
        ),
        Action("grant", "A", "Add a role for a user", grant, form=grant_form, follow="none"),
        Action(
            "disable",
            "D",
            "Disable project",
            disable,
            lambda p: p.enabled,
            confirm="yes",
            progress="disabling",
            message=lambda p: (
                f"Disable project {p.name}: its users can no longer get tokens scoped to it."
            ),
        ),
        Action(
            "enable",
            "E",
            "Enable project",
            enable,
            lambda p: not p.enabled,
            confirm="yes",
            progress="enabling",
        ),
        Action(
            "delete",
            "ctrl+d",
            "Delete project",
            in_context(delete),
            confirm="name",
            progress="deleting",
            follow="gone",
            message=_delete_message,
        ),
    ),
    needs_admin=True,
)
