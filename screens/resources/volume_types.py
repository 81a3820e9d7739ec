"""Cinder volume types: create, edit (description, public, extra specs), which projects may
use a private one, this project's default type, delete; and the type choice of a new volume.

Managing types is admin-only. The list asks Cinder for this project's default type first
(the default-types API, 3.62, admin), so a member is told the list needs admin rights.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import AsyncIterator, Mapping, Sequence
from typing import Any

from tui.backend.base import Backend
from tui.backend.errors import BackendError
from tui.backend.models import VolumeType, VolumeTypeAccess, VolumeTypeSpec
from tui.context import Context
from tui.forms import Choice, Field, Form, Values, valid_name
from tui.resource import Action, Col, Drill, Resource, Row, Scope, attr, in_context
from tui.screens.resources.actions import row_call
from tui.screens.resources.choices import collect, project_choices
from tui.screens.resources.columns import project_col, yes_no
from tui.screens.resources.lists import once, scoped

SPEC_KEY = re.compile(r"^[a-zA-Z0-9-_:. /]{1,255}$")  # Cinder's own schema
CLOUD_DEFAULT = (
    "The cloud-wide default is cinder.conf's [DEFAULT] default_volume_type "
    "(Cinder makes __DEFAULT__ when none is set); a project's own default overrides it."
)


def valid_specs(value: Any, values: Values) -> str | None:
    bad = [key for key, _ in value if not SPEC_KEY.match(key)]
    if bad:
        return f"bad key '{bad[0]}': letters, digits and - _ : . / space, at most 255"
    keys = [key for key, _ in value]
    twice = next((k for k in keys if keys.count(k) > 1), None)
    return f"'{twice}' is given twice" if twice else None


def changes(before: Sequence[tuple[str, str]], after: Sequence[tuple[str, str]]) -> dict[str, Any]:
    """What to send to go from one spec list to another: new or changed keys with their
    value, removed keys with None."""
    old, new = dict(before), dict(after)
    sent: dict[str, str | None] = {k: v for k, v in new.items() if old.get(k) != v}
    sent.update({k: None for k in old if k not in new})
    return sent


# -- the list ---------------------------------------------------------------------------------


async def _defaults(backend: Backend) -> tuple[str, str]:
    """(this project's own default type id or "", the id GET /types/default names or "")."""
    own = await backend.project_default_volume_type(backend.info.project_id)
    shown = await backend.default_volume_type()
    return own or "", shown.id if shown else ""


def _marked(
    volume_type: VolumeType, own: str, effective: str, qos: Mapping[str, str]
) -> VolumeType:
    if volume_type.id == own:
        default = "project"
    elif volume_type.id == effective and not own:
        default = "cloud"
    else:
        default = ""
    qos_name = qos.get(volume_type.qos_specs_id, volume_type.qos_specs_id)
    return dataclasses.replace(volume_type, default=default, qos_name=qos_name)


async def _qos_names(backend: Backend) -> dict[str, str]:
    return {q.id: q.name for q in await collect(backend.qos_specs())}


async def list_types(backend: Backend, scope: Scope) -> AsyncIterator[list[VolumeType]]:
    own, effective = await _defaults(backend)  # admin-only: a member's 403 comes here
    qos = await _qos_names(backend)
    async for page in backend.volume_types():
        yield [_marked(t, own, effective, qos) for t in page]


async def get_type(backend: Backend, type_id: str) -> VolumeType:
    own, effective = await _defaults(backend)
    volume_type = await backend.volume_type(type_id)
    return _marked(volume_type, own, effective, await _qos_names(backend))


def _default_text(volume_type: VolumeType) -> str:
    return {"cloud": "✓ cloud", "project": "✓ project"}.get(volume_type.default, "")


def _facts(volume_type: VolumeType) -> list[tuple[str, Any]]:
    return [
        ("Name", volume_type.name),
        ("Public", yes_no(volume_type.is_public)),
        ("Default", _default_text(volume_type) or "no"),
        ("Where the default comes from", CLOUD_DEFAULT),
        ("QoS spec", volume_type.qos_name or "none"),
        ("Extra specs", volume_type.specs_text or "none"),
        ("Description", volume_type.description),
    ]


# -- forms and actions ------------------------------------------------------------------------


def create_form(_row: object) -> Form:
    return Form(
        title="Create volume type",
        description=(
            "Admin only. Extra specs steer the scheduler (volume_backend_name=lvm picks a "
            "backend); a private type serves only the projects given access (A)."
        ),
        fields=(
            Field("name", "Name", required=True, validate=valid_name),
            Field("description", "Description"),
            Field("is_public", "Public (every project may use it)", kind="bool", default=True),
            Field(
                "extra_specs",
                "Extra specs (key=value, comma or line separated)",
                kind="keyvalue",
                placeholder="volume_backend_name=lvm, provisioning:type=thin",
                validate=valid_specs,
            ),
        ),
        submit_label="Create",
    )


async def create(backend: Backend, row: object, values: Values) -> VolumeType:
    return await backend.create_volume_type(
        VolumeTypeSpec(
            name=values["name"],
            description=values.get("description") or "",
            is_public=bool(values.get("is_public")),
            extra_specs=tuple(values.get("extra_specs") or ()),
        )
    )


def edit_form(volume_type: VolumeType) -> Form:
    return Form(
        title=f"Edit volume type {volume_type.name}",
        description="Only what changed is sent: new and changed specs are set, removed ones unset.",
        fields=(
            Field("description", "Description", default=volume_type.description),
            Field(
                "is_public",
                "Public (every project may use it)",
                kind="bool",
                default=volume_type.is_public,
            ),
            Field(
                "extra_specs",
                "Extra specs (key=value)",
                kind="keyvalue",
                default=volume_type.extra_specs,
                validate=valid_specs,
            ),
        ),
        submit_label="Save",
    )


async def edit(backend: Backend, volume_type: VolumeType, values: Values) -> None:
    description = values.get("description") or ""
    public = bool(values.get("is_public"))
    if description != volume_type.description or public != volume_type.is_public:
        await backend.update_volume_type(
            volume_type.id,
            description=description if description != volume_type.description else None,
            is_public=public if public != volume_type.is_public else None,
        )
    sent = changes(volume_type.extra_specs, tuple(values.get("extra_specs") or ()))
    if sent:
        await backend.set_volume_type_extra_specs(volume_type.id, sent)


async def only_private(backend: Backend, volume_type: VolumeType) -> str | None:
    if not volume_type.is_public:
        return None
    return (
        f"{volume_type.name} is public: every project may use it, so Cinder keeps no access "
        "list. Make it private first (e) to choose the projects."
    )


def grant_form(volume_type: VolumeType) -> Form:
    return Form(
        title=f"Give a project access to {volume_type.name}",
        fields=(
            Field("project_id", "Project", kind="choice", required=True, choices=project_choices),
        ),
        submit_label="Give access",
    )


async def grant(backend: Backend, volume_type: VolumeType, values: Values) -> None:
    await backend.add_volume_type_access(volume_type.id, values["project_id"])


def revoke_form(volume_type: VolumeType) -> Form:
    async def granted(context: Context, backend: Backend, values: Values) -> list[Choice]:
        access = await backend.volume_type_access(volume_type.id)
        return [Choice(a.project_id, context.names.project(a.project_id)) for a in access]

    return Form(
        title=f"Remove a project's access to {volume_type.name}",
        fields=(
            Field(
                "project_id",
                "Project",
                kind="choice",
                required=True,
                choices=in_context(granted),
            ),
        ),
        submit_label="Remove access",
    )


async def revoke(backend: Backend, volume_type: VolumeType, values: Values) -> None:
    await backend.remove_volume_type_access(volume_type.id, values["project_id"])


def default_form(volume_type: VolumeType) -> Form:
    return Form(
        title=f"Make {volume_type.name} a project's default volume type",
        description=(
            "A volume created in the project without a type gets this one (Cinder's "
            f"default-types API, microversion 3.62, admin). {CLOUD_DEFAULT}"
        ),
        fields=(
            Field("project_id", "Project", kind="choice", required=True, choices=project_choices),
        ),
        submit_label="Make default",
    )


async def default_initial(backend: Backend, row: Row) -> Values:
    return {"project_id": backend.info.project_id}


async def make_default(backend: Backend, volume_type: VolumeType, values: Values) -> None:
    await backend.set_project_default_volume_type(values["project_id"], volume_type.id)


async def unset_default(backend: Backend, volume_type: VolumeType, values: Values) -> None:
    await backend.unset_project_default_volume_type(backend.info.project_id)


def _delete_warning(volume_type: VolumeType) -> str:
    return (
        f"Delete volume type {volume_type.name}. Cinder refuses while volumes use it or while "
        "it is a default type, and says so."
    )


VOLUME_TYPES = Resource(
    name="volume-types",
    title="Volume types",
    aliases=("types", "vtypes", "volume-type"),
    columns=(
        Col("Name", attr("name"), min_width=8, max_width=30),
        Col("Public", lambda t: yes_no(t.is_public), min_width=3, max_width=6),
        Col("Default", _default_text, min_width=7, max_width=10),
        Col("QoS", attr("qos_name"), min_width=3, max_width=20),
        Col("Extra specs", attr("specs_text"), min_width=11, max_width=50),
        Col("Description", attr("description"), min_width=8, max_width=40),
    ),
    list=list_types,
    get=get_type,
    needs_admin=True,
    facts=_facts,
    drills=(
        Drill(
            "enter",
            "volume-type-access",
            lambda t: scoped("volume_type_id", t.id, f"volume type {t.name}"),
            "Projects with access (private type)",
            when=lambda t: not t.is_public,
        ),
    ),
    actions=(
        Action(
            "create",
            "n",
            "Create volume type",
            create,
            form=create_form,
            on_row=False,
            follow="list",
        ),
        Action("edit", "e", "Edit description, public, extra specs", edit, form=edit_form),
        Action(
            "grant",
            "A",
            "Give a project access",
            grant,
            form=grant_form,
            guard=only_private,
            follow="none",
        ),
        Action(
            "revoke",
            "R",
            "Remove a project's access",
            revoke,
            form=revoke_form,
            guard=only_private,
            follow="none",
        ),
        Action(
            "default",
            "P",
            "Make it a project's default type",
            make_default,
            form=default_form,
            initial=default_initial,
            follow="list",
        ),
        Action(
            "unset_default",
            "U",
            "Unset this project's default type",
            unset_default,
            lambda t: t.default == "project",
            confirm="yes",
            message=lambda t: (
                f"This project's volumes get the cloud-wide default again instead of {t.name}. "
                + CLOUD_DEFAULT
            ),
            follow="list",
        ),
        Action(
            "delete",
            "ctrl+d",
            "Delete",
            row_call(lambda b, t: b.delete_volume_type(t.id)),
            confirm="name",
            progress="deleting",
            follow="gone",
            message=_delete_warning,
        ),
    ),
)


# -- access ---------------------------------------------------------------------------------


def list_access(backend: Backend, scope: Scope) -> AsyncIterator[list[VolumeTypeAccess]]:
    return once(backend.volume_type_access(scope.get("volume_type_id") or ""))


async def remove_access(backend: Backend, access: VolumeTypeAccess, values: Values) -> None:
    await backend.remove_volume_type_access(access.volume_type_id, access.project_id)


VOLUME_TYPE_ACCESS = Resource(
    name="volume-type-access",
    title="Volume type access",
    aliases=("type-access",),
    columns=(
        project_col("Project", "project_id"),
        Col("Project ID", attr("project_id"), min_width=8, max_width=36),
    ),
    list=list_access,
    needs_admin=True,
    key=lambda a: a.project_id,
    label=in_context(lambda context, a: context.names.project(a.project_id)),
    actions=(
        Action("remove", "ctrl+d", "Remove access", remove_access, confirm="yes", follow="list"),
    ),
    scope_key="volume_type_id",
    reached_from="a private type in :volume-types (enter)",
)


# -- the type of a new volume (the create form of :volumes) -----------------------------------


async def volume_type_choices(backend: Backend, values: Values) -> list[Choice]:
    """The types the project may use, the one Cinder gives by default marked."""
    default = await backend.default_volume_type()
    types = await collect(backend.volume_types())
    default_id = default.id if default else ""
    return [Choice(t.id, t.name, "default" if t.id == default_id else t.description) for t in types]


async def volume_type_initial(backend: Backend, row: Row) -> Values:
    """The default type preselected (nothing when Cinder names none or will not say: the
    form still opens, and an empty type is Cinder's default)."""
    try:
        default = await backend.default_volume_type()
    except BackendError:
        return {}
    return {"volume_type": default.id} if default else {}


def volume_type_field() -> Field:
    return Field(
        "volume_type",
        "Volume type",
        kind="choice",
        choices=volume_type_choices,
        help="the types this project may use; empty: Cinder's default",
    )
