"""Shared by the Keystone screens: admin-rights wording, the enabled column, granting a role."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from functools import wraps
from typing import Any

from tui.backend.base import Backend
from tui.backend.errors import Forbidden
from tui.backend.models import Project, User
from tui.forms import Choice, Field, Form, Values
from tui.resource import Col
from tui.screens.resources.choices import collect, project_choices
from tui.screens.resources.columns import state_style

Run = Callable[[Backend, Any, Values], Awaitable[Any]]


def admin_only(run: Run) -> Run:
    """A Keystone write whose policy refusal (403) says plainly that it needs admin rights."""

    @wraps(run)
    async def checked(backend: Backend, row: Any, values: Values) -> Any:
        try:
            return await run(backend, row, values)
        except Forbidden as exc:
            words = exc.message.lower()
            if "not authorized" in words or "policy" in words:
                exc.message = f"needs admin rights here: {exc.message}"
            raise

    return checked


def set_enabled(enabled: bool) -> Run:
    """The run of an enable or disable action on a user or a project row."""

    @admin_only
    async def run(backend: Backend, row: User | Project, values: Values) -> None:
        if isinstance(row, User):
            await backend.update_user(row, enabled=enabled)
        else:
            await backend.update_project(row, enabled=enabled)

    return run


def enabled_text(row: Any) -> str:
    """`enabled` / `disabled` for any record with an `enabled` flag."""
    return "enabled" if row.enabled else "disabled"


def enabled_col() -> Col:
    return Col("Enabled", enabled_text, min_width=7, max_width=8, style=state_style(enabled_text))


async def user_choices(backend: Backend, values: Values) -> list[Choice]:
    return [
        Choice(u.id, u.name, f"{u.domain_id} {u.email}".strip())
        for u in await collect(backend.users())
    ]


async def role_choices(backend: Backend, values: Values) -> list[Choice]:
    return [Choice(r.id, r.name, r.description) for r in await collect(backend.roles())]


def grant_form(row: object) -> Form:
    """Who gets which role where; from a user or a project row, that one is fixed."""
    user = Field("user_id", "User", kind="choice", required=True, choices=user_choices)
    role = Field("role_id", "Role", kind="choice", required=True, choices=role_choices)
    project = Field("project_id", "Project", kind="choice", required=True, choices=project_choices)
    if isinstance(row, User):
        return Form(
            title=f"Add a role for user {row.name}",
            description="Give this user a role on a project.",
            fields=(role, project),
            submit_label="Add",
        )
    if isinstance(row, Project):
        return Form(
            title=f"Add a role on project {row.name}",
            description="Give a user a role on this project.",
            fields=(user, role),
            submit_label="Add",
        )
    return Form(
        title="Add role assignment",
        description="Give a user a role on a project.",
        fields=(user, role, project),
        submit_label="Add",
    )


@admin_only
async def grant(backend: Backend, row: object, values: Values) -> None:
    await backend.grant_role(
        user_id=row.id if isinstance(row, User) else values["user_id"],
        project_id=row.id if isinstance(row, Project) else values["project_id"],
        role_id=values["role_id"],
    )
