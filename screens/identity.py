"""Keystone users (with passwords), roles and role assignments."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from functools import wraps
from typing import Any

from tui.backend.base import Backend
from tui.backend.errors import Forbidden
from tui.backend.models import Role, RoleAssignment, User, UserSpec
from tui.forms import Choice, Field, Form, Values, valid_name
from tui.resource import Action, Col, Drill, Names, Resource, Scope, attr
from tui.screens.choices import collect, project_choices
from tui.screens.columns import state_style

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


def enabled_text(row: Any) -> str:
    """`enabled` / `disabled` for any record with an `enabled` flag."""
    return "enabled" if row.enabled else "disabled"


def enabled_col() -> Col:
    return Col("Enabled", enabled_text, min_width=7, max_width=8, style=state_style(enabled_text))


def _passwords_match(values: Values) -> dict[str, str]:
    if values.get("password") != values.get("password_again"):
        return {"password_again": "the two passwords differ"}
    return {}


def _password_fields() -> tuple[Field, ...]:
    return (
        Field("password", "Password", kind="secret", required=True),
        Field("password_again", "Password again", kind="secret", required=True),
    )


def _valid_email(value: object, _values: Values) -> str | None:
    text = str(value)
    return None if "@" in text and " " not in text else f"'{text}' is not an e-mail address"


# -- users ----------------------------------------------------------------------------------


def list_users(backend: Backend, scope: Scope) -> AsyncIterator[list[User]]:
    return backend.users()


def create_user_form(_row: object) -> Form:
    return Form(
        title="Create user",
        fields=(
            Field("name", "Name", required=True, validate=valid_name),
            *_password_fields(),
            Field("email", "E-mail", validate=_valid_email),
            Field(
                "default_project_id",
                "Default project",
                kind="choice",
                choices=project_choices,
                help="optional: the project a token is scoped to when none is named",
            ),
            Field("domain_id", "Domain (id)", required=True, default="default"),
            Field("description", "Description"),
            Field("enabled", "Enabled", kind="bool", default=True),
        ),
        submit_label="Create",
        check=_passwords_match,
    )


@admin_only
async def create_user(backend: Backend, row: object, values: Values) -> User:
    return await backend.create_user(
        UserSpec(
            name=values["name"],
            password=values["password"],
            domain_id=values["domain_id"],
            email=values.get("email") or "",
            default_project_id=values.get("default_project_id") or "",
            enabled=bool(values.get("enabled")),
            description=values.get("description") or "",
        )
    )


def set_password_form(user: User) -> Form:
    return Form(
        title=f"Set password of {user.name}",
        description="The user's existing tokens stay valid until they expire.",
        fields=_password_fields(),
        submit_label="Set password",
        check=_passwords_match,
    )


@admin_only
async def set_password(backend: Backend, user: User, values: Values) -> None:
    await backend.set_user_password(user, values["password"])


def edit_email_form(user: User) -> Form:
    return Form(
        title=f"Edit user {user.name}",
        fields=(Field("email", "E-mail", default=user.email, validate=_valid_email),),
        submit_label="Save",
    )


@admin_only
async def edit_email(backend: Backend, user: User, values: Values) -> None:
    await backend.update_user(user, email=values.get("email") or "")


@admin_only
async def enable_user(backend: Backend, user: User, values: Values) -> None:
    await backend.update_user(user, enabled=True)


@admin_only
async def disable_user(backend: Backend, user: User, values: Values) -> None:
    await backend.update_user(user, enabled=False)


@admin_only
async def delete_user(backend: Backend, user: User, values: Values) -> None:
    await backend.delete_user(user)


def assignments_of_user(user: User) -> Scope:
    return Scope(filters=(("user_id", user.id),), label=f"user {user.name}")


USERS = Resource(
    name="users",
    title="Users",
    aliases=("user", "u"),
    columns=(
        Col("Name", attr("name"), min_width=8, max_width=32),
        enabled_col(),
        Col("Domain", attr("domain_id"), min_width=6, max_width=16),
        Col("E-mail", attr("email"), min_width=6, max_width=32),
        Col("Default project", lambda u: Names.project(u.default_project_id), max_width=24),
        Col("ID", attr("id"), min_width=8, max_width=32),
    ),
    list=list_users,
    get=lambda b, i: b.user(i),
    needs_admin=True,
    drills=(Drill("enter", "role-assignments", assignments_of_user, "Role assignments"),),
    actions=(
        Action(
            "create",
            "n",
            "Create user",
            create_user,
            form=create_user_form,
            on_row=False,
            follow="list",
        ),
        Action(
            "set_password",
            "P",
            "Set password",
            set_password,
            form=set_password_form,
            progress="setting password",
            follow="none",
        ),
        Action("edit", "e", "Edit e-mail", edit_email, form=edit_email_form, progress="saving"),
        Action(
            "disable",
            "D",
            "Disable user",
            disable_user,
            lambda u: u.enabled,
            confirm="yes",
            progress="disabling",
            message=lambda u: f"Disable user {u.name}: they can no longer authenticate.",
        ),
        Action(
            "enable",
            "E",
            "Enable user",
            enable_user,
            lambda u: not u.enabled,
            confirm="yes",
            progress="enabling",
        ),
        Action(
            "delete",
            "ctrl+d",
            "Delete user",
            delete_user,
            confirm="name",
            progress="deleting",
            follow="gone",
            message=lambda u: (
                f"Delete user {u.name} and their role assignments. "
                "What they created (servers, volumes...) stays."
            ),
        ),
    ),
)

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


async def user_choices(backend: Backend, values: Values) -> list[Choice]:
    return [
        Choice(u.id, u.name, f"{u.domain_id} {u.email}".strip())
        for u in await collect(backend.users())
    ]


async def role_choices(backend: Backend, values: Values) -> list[Choice]:
    return [Choice(r.id, r.name, r.description) for r in await collect(backend.roles())]


def grant_form(_row: object) -> Form:
    return Form(
        title="Add role assignment",
        description="Give a user a role on a project.",
        fields=(
            Field("user_id", "User", kind="choice", required=True, choices=user_choices),
            Field("role_id", "Role", kind="choice", required=True, choices=role_choices),
            Field("project_id", "Project", kind="choice", required=True, choices=project_choices),
        ),
        submit_label="Add",
    )


@admin_only
async def grant(backend: Backend, row: object, values: Values) -> None:
    await backend.grant_role(
        user_id=values["user_id"], project_id=values["project_id"], role_id=values["role_id"]
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
