"""Keystone users: create with a password, set the password, enable, disable, delete."""

from __future__ import annotations

from collections.abc import AsyncIterator

from tui.backend.base import Backend
from tui.backend.models import User, UserSpec
from tui.forms import Field, Form, Values, valid_name
from tui.resource import Action, Col, Drill, Resource, Scope, attr
from tui.screens.resources.actions import row_call
from tui.screens.resources.choices import project_choices
from tui.screens.resources.columns import project_col
from tui.screens.resources.identity import admin_only, enabled_col, grant, grant_form, set_enabled
from tui.screens.resources.keypairs import keypairs_of_user


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


enable_user = set_enabled(True)
disable_user = set_enabled(False)


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
        project_col("Default project", "default_project_id"),
        Col("ID", attr("id"), min_width=8, max_width=32),
    ),
    list=list_users,
    get=lambda b, i: b.user(i),
    needs_admin=True,
    drills=(
        Drill("enter", "role-assignments", assignments_of_user, "Role assignments"),
        Drill("K", "keypairs", lambda u: keypairs_of_user(u.id, u.name), "Keypairs"),
    ),
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
        Action("grant", "A", "Add a role on a project", grant, form=grant_form, follow="none"),
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
            admin_only(row_call(lambda b, user: b.delete_user(user))),
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
