"""Nova keypairs: what a server is booted with to let its owner in. Import a public key file,
make a new pair (the private key written once to a new file, 0600), delete; an admin's list
of another user's keypairs (from :users, `K`), where the same keys act for that user."""

from __future__ import annotations

from collections.abc import AsyncIterator

from tui.backend.base import Backend
from tui.backend.errors import BackendError
from tui.backend.models import Keypair
from tui.forms import Field, Form, Values
from tui.keypair_files import (
    NEW_KEY_TYPES,
    KeyFileError,
    default_public_key_file,
    make_pair,
    private_key_path_error,
    public_key_file_error,
    public_key_note,
    read_public_key,
    valid_keypair_name,
)
from tui.resource import Action, Col, Resource, Scope, attr
from tui.screens.resources.choices import fixed


def list_keypairs(backend: Backend, scope: Scope) -> AsyncIterator[list[Keypair]]:
    return backend.keypairs(user_id=scope.get("user_id"))


def keypairs_of_user(user_id: str, name: str) -> Scope:
    """Another user's keypairs (an admin's drill from :users)."""
    return Scope(filters=(("user_id", user_id),), label=f"user {name}")


def _for_whom(scope: Scope) -> str:
    return f" for {scope.label}" if scope.get("user_id") else ""


def _owner(backend: Backend, scope: Scope) -> str:
    """The user a write is for: "" for oneself (Nova's default), else the scope's user."""
    user_id = scope.get("user_id") or ""
    return "" if user_id == backend.info.user_id else user_id


def _row_owner(backend: Backend, keypair: Keypair) -> str:
    return "" if keypair.user_id in ("", backend.info.user_id) else keypair.user_id


# -- import a public key ---------------------------------------------------------------------


def import_form(scope: Scope) -> Form:
    return Form(
        title=f"Import a public key{_for_whom(scope)}",
        description="Registers the public key of a pair you have (nova keypair-add --pub_key).",
        fields=(
            Field("name", "Name", required=True, validate=valid_keypair_name),
            Field(
                "path",
                "Public key file",
                kind="file",
                required=True,
                default=default_public_key_file(),
                placeholder="~/.ssh/id_ed25519.pub",
                validate=public_key_file_error,
                note=public_key_note,
            ),
        ),
        submit_label="Import",
    )


async def import_key(backend: Backend, scope: Scope, values: Values) -> Keypair:
    try:
        key = read_public_key(values["path"])
    except KeyFileError as exc:  # changed since the form checked it
        raise BackendError(str(exc), operation="import-keypair") from None
    return await backend.import_keypair(values["name"], key.line, user_id=_owner(backend, scope))


# -- a new pair ------------------------------------------------------------------------------


def private_path(values: Values) -> str:
    return str(values.get("path") or f"~/.ssh/{values.get('name') or ''}")


def _new_file_check(values: Values) -> dict[str, str]:
    error = private_key_path_error(private_path(values), values)
    return {"path": error} if error else {}


def create_form(scope: Scope) -> Form:
    return Form(
        title=f"Create a new keypair{_for_whom(scope)}",
        description=(
            "Makes a new pair here, registers its public key and writes the private key "
            "once, to a new file only you may read (0600). It is shown nowhere."
        ),
        fields=(
            Field("name", "Name", required=True, validate=valid_keypair_name),
            Field(
                "key_type",
                "Type",
                kind="choice",
                required=True,
                default="ed25519",
                choices=fixed(*NEW_KEY_TYPES),
            ),
            Field(
                "path",
                "Private key file",
                placeholder="~/.ssh/<name>",
                help="a new file (never overwritten); empty: ~/.ssh/<name>",
            ),
        ),
        submit_label="Create",
        check=_new_file_check,
    )


async def create_pair(backend: Backend, scope: Scope, values: Values) -> Keypair:
    name = values["name"]
    owner = _owner(backend, scope)

    async def register(public_key: str) -> Keypair:
        return await backend.import_keypair(name, public_key, user_id=owner)

    try:
        return await make_pair(values["key_type"], name, private_path(values), register)
    except KeyFileError as exc:  # made since the form checked it: nothing was registered
        raise BackendError(f"{exc}: nothing was registered", operation="create-keypair") from None


async def delete(backend: Backend, keypair: Keypair, values: Values) -> None:
    await backend.delete_keypair(keypair.name, user_id=_row_owner(backend, keypair))


def facts(keypair: Keypair) -> list[tuple[str, str]]:
    return [
        ("Name", keypair.name),
        ("Type", keypair.type),
        ("Fingerprint", keypair.fingerprint),
        ("User", keypair.user_id),
        ("Public key", keypair.public_key),
    ]


KEYPAIRS = Resource(
    name="keypairs",
    title="Keypairs",
    aliases=("keypair", "keys", "kp"),
    columns=(
        Col("Name", attr("name"), min_width=8, max_width=30),
        Col("Type", attr("type"), min_width=3, max_width=6),
        Col("Fingerprint", attr("fingerprint"), min_width=16, max_width=60),
    ),
    list=list_keypairs,
    key=lambda k: k.name,
    label=lambda k: k.name,
    facts=facts,
    actions=(
        Action(
            "import",
            "n",
            "Import a public key file",
            import_key,
            form=import_form,
            on_row=False,
            follow="list",
        ),
        Action(
            "create",
            "c",
            "Create a new pair (private key to a file)",
            create_pair,
            form=create_form,
            on_row=False,
            follow="list",
        ),
        Action(
            "delete",
            "ctrl+d",
            "Delete keypair",
            delete,
            confirm="name",
            progress="deleting",
            follow="list",
            message=lambda k: (
                f"Delete keypair {k.name} ({k.fingerprint}). Servers booted with it keep the "
                "key they were given; new servers can no longer use it."
            ),
        ),
    ),
)
