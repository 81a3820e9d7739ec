"""Keystone roles and role assignments: who has which role where, with names."""

from __future__ import annotations

from collections.abc import AsyncIterator

from tui.backend.base import Backend
from tui.backend.models import Role, RoleAssignment
from tui.forms import Values
from tui.resource import Action, Col, Drill, Resource, Scope, attr
from tui.screens.resources.identity import admin_only, grant, grant_form

# -- roles ----------------------------------------------------------------------------------


def list_roles(backend: Backend, scope: Scope) -> AsyncIterator[list[Role]]:
    return backend.roles()


ROLES = Resource(
    name="roles",
    title="Roles",
    aliases=("role",),
    columns=(
        Col("Name", attr("name"), min_width=8, max_width=32),
        Col("Domain", attr("domain_id"), min_width=6, max_width=16),
        Col("Description", attr("description"), min_width=8, max_width=50),
        Col("ID", attr("id"), min_width=8, max_width=32),
    ),
    list=list_roles,
    needs_admin=True,
    drills=(
        Drill(
            "enter",
            "role-assignments",
            lambda r: Scope(filters=(("role_id", r.id),), label=f"role {r.name}"),
            "Who has this role",
        ),
    ),
)

# -- role assignments -----------------------------------------------------------------------


def list_assignments(backend: Backend, scope: Scope) -> AsyncIterator[list[RoleAssignment]]:
    return backend.role_assignments(
        user_id=scope.get("user_id"),
        project_id=scope.get("project_id"),
        role_id=scope.get("role_id"),
    )


@admin_only
async def revoke(backend: Backend, row: RoleAssignment, values: Values) -> None:
    await backend.revoke_role(user_id=row.actor_id, project_id=row.scope_id, role_id=row.role_id)


def _revocable(row: RoleAssignment) -> bool:
    return row.actor_kind == "user" and row.scope_kind == "project" and not row.inherited


def _scope_text(row: RoleAssignment) -> str:
    return f"{row.scope_kind} {row.scope_name or row.scope_id}".strip()


ROLE_ASSIGNMENTS = Resource(
    name="role-assignments",
    title="Role assignments",
    aliases=("assignments", "assignment", "ra"),
    columns=(
        Col("User/group", lambda a: a.actor_name or a.actor_id, min_width=8, max_width=28),
        Col("Role", lambda a: a.role_name or a.role_id, min_width=6, max_width=20),
        Col("Scope", _scope_text, min_width=8, max_width=32),
        Col("Kind", attr("actor_kind"), min_width=4, max_width=5),
        Col("Domain", attr("actor_domain"), min_width=6, max_width=12),
        Col("Inherited", lambda a: "yes" if a.inherited else "", min_width=3, max_width=9),
    ),
    list=list_assignments,
    label=lambda a: a.name,
    needs_admin=True,
    drills=(
        Drill(
            "u",
            "role-assignments",
            lambda a: Scope(filters=(("user_id", a.actor_id),), label=f"user {a.actor_name}"),
            "User's roles",
        ),
        Drill(
            "p",
            "role-assignments",
            lambda a: Scope(filters=(("project_id", a.scope_id),), label=f"project {a.scope_name}"),
            "Project's roles",
        ),
    ),
    actions=(
        Action(
            "grant",
            "n",
            "Add role assignment",
            grant,
            form=grant_form,
            on_row=False,
            follow="list",
        ),
        Action(
            "revoke",
            "ctrl+d",
            "Remove role assignment",
            revoke,
            _revocable,
            confirm="yes",
            progress="removing",
            follow="list",
            message=lambda a: (
                f"Remove role {a.role_name} of user {a.actor_name} on project {a.scope_name}."
            ),
        ),
    ),
)
