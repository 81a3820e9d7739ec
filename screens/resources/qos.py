"""Cinder QoS specs: limits Cinder attaches to volume types, so every volume of an associated
type gets them. Create, edit the keys, associate / disassociate types, delete (forced: Cinder
disassociates first)."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from typing import Any

from tui.backend.base import Backend
from tui.backend.models import QOS_CONSUMERS, QOS_LIMIT_KEYS, QosAssociation, QosSpec, QosSpecSpec
from tui.forms import Choice, Field, Form, Values, valid_name
from tui.resource import Action, Col, Drill, Resource, Scope, attr
from tui.screens.resources.actions import row_call
from tui.screens.resources.choices import collect, fixed
from tui.screens.resources.lists import once, scoped
from tui.screens.resources.volume_types import SPEC_KEY, changes

CONSUMER_HELP = (
    "front-end: Nova's hypervisor enforces the limits on attach; back-end: the storage "
    "driver does (it may read keys of its own); both: each does its part"
)
KEYS_HELP = "limits: whole numbers ≥ 0 — " + ", ".join(QOS_LIMIT_KEYS[:6]) + ", …"
WHERE_QOS_GOES = (
    "Cinder attaches QoS specs to volume types, not to volumes: every volume of the type "
    "gets these limits. Front-end limits are applied by Nova when a volume is attached, so "
    "volumes attached now get them on their next attach."
)


def valid_keys(value: Any, values: Values) -> str | None:
    """Known limits are whole numbers ≥ 0; other keys only for a back-end consumer (the
    storage driver reads them), never for Nova's front end alone."""
    consumer = values.get("consumer") or "back-end"
    seen: set[str] = set()
    for key, text in value:
        if not SPEC_KEY.match(key) or key == "consumer":
            return f"bad key '{key}'"
        if key in seen:
            return f"'{key}' is given twice"
        seen.add(key)
        if key in QOS_LIMIT_KEYS:
            if not text.isascii() or not text.isdigit():
                return f"{key} must be a whole number ≥ 0, not '{text}'"
        elif consumer == "front-end":
            return f"'{key}' is not a front-end limit (known: {', '.join(QOS_LIMIT_KEYS[:6])}, …)"
    return None


def _consumer_field(default: str) -> Field:
    return Field(
        "consumer",
        "Consumer",
        kind="choice",
        required=True,
        default=default,
        choices=fixed(*((c, c) for c in QOS_CONSUMERS)),
        help=CONSUMER_HELP,
    )


def _keys_field(default: Any = None) -> Field:
    return Field(
        "specs",
        "Keys (key=value)",
        kind="keyvalue",
        default=default,
        placeholder="read_iops_sec=500, write_iops_sec=200, total_bytes_sec=104857600",
        help=KEYS_HELP,
        validate=valid_keys,
    )


# -- the list ---------------------------------------------------------------------------------


async def _type_names(backend: Backend) -> dict[str, tuple[str, ...]]:
    """QoS spec id → the names of the types it is associated with (from the types' own
    qos_specs_id: one list, not one call per spec)."""
    names: dict[str, list[str]] = {}
    for volume_type in await collect(backend.volume_types()):
        if volume_type.qos_specs_id:
            names.setdefault(volume_type.qos_specs_id, []).append(volume_type.name)
    return {qos_id: tuple(sorted(found)) for qos_id, found in names.items()}


async def list_qos(backend: Backend, scope: Scope) -> AsyncIterator[list[QosSpec]]:
    pages = backend.qos_specs()
    first = await anext(pages, None)  # admin-only: a member's 403 comes before anything else
    types = await _type_names(backend)
    if first is not None:
        yield [dataclasses.replace(q, types=types.get(q.id, ())) for q in first]
    async for page in pages:
        yield [dataclasses.replace(q, types=types.get(q.id, ())) for q in page]


async def get_qos(backend: Backend, qos_id: str) -> QosSpec:
    qos = await backend.qos_spec(qos_id)
    associated = await backend.qos_associations(qos_id)
    return dataclasses.replace(qos, types=tuple(sorted(a.name for a in associated)))


# -- forms and actions ------------------------------------------------------------------------


def create_form(_row: object) -> Form:
    return Form(
        title="Create QoS spec",
        description=WHERE_QOS_GOES,
        fields=(
            Field("name", "Name", required=True, validate=valid_name),
            _consumer_field("back-end"),
            _keys_field(),
        ),
        submit_label="Create",
    )


async def create(backend: Backend, row: object, values: Values) -> QosSpec:
    return await backend.create_qos_spec(
        QosSpecSpec(
            name=values["name"],
            consumer=values.get("consumer") or "back-end",
            specs=tuple(values.get("specs") or ()),
        )
    )


def edit_form(qos: QosSpec) -> Form:
    return Form(
        title=f"Edit QoS spec {qos.name}",
        description="Only what changed is sent: new and changed keys are set, removed ones unset.",
        fields=(_consumer_field(qos.consumer), _keys_field(qos.specs)),
        submit_label="Save",
    )


async def edit(backend: Backend, qos: QosSpec, values: Values) -> None:
    sent = changes(qos.specs, tuple(values.get("specs") or ()))
    consumer = values.get("consumer") or qos.consumer
    if consumer != qos.consumer:
        sent["consumer"] = consumer
    if sent:
        await backend.set_qos_spec_keys(qos.id, sent)


def associate_form(qos: QosSpec) -> Form:
    async def types(backend: Backend, values: Values) -> list[Choice]:
        found = await collect(backend.volume_types())
        return [
            Choice(t.id, t.name, "has another QoS spec" if t.qos_specs_id else t.description)
            for t in found
            if t.qos_specs_id != qos.id
        ]

    return Form(
        title=f"Associate QoS spec {qos.name} with a volume type",
        description=WHERE_QOS_GOES,
        fields=(Field("type_id", "Volume type", kind="choice", required=True, choices=types),),
        submit_label="Associate",
    )


async def associate(backend: Backend, qos: QosSpec, values: Values) -> None:
    await backend.associate_qos_spec(qos.id, values["type_id"])


def disassociate_form(qos: QosSpec) -> Form:
    async def types(backend: Backend, values: Values) -> list[Choice]:
        return [Choice(a.id, a.name) for a in await backend.qos_associations(qos.id)]

    return Form(
        title=f"Disassociate QoS spec {qos.name} from a volume type",
        description=(
            "Volumes of the type lose these limits; front-end limits stay on attached volumes "
            "until their next attach."
        ),
        fields=(Field("type_id", "Volume type", kind="choice", required=True, choices=types),),
        submit_label="Disassociate",
    )


async def disassociate(backend: Backend, qos: QosSpec, values: Values) -> None:
    await backend.disassociate_qos_spec(qos.id, values["type_id"])


async def in_use(backend: Backend, qos: QosSpec) -> list[str]:
    """The confirmation's warning: Cinder refuses while types are associated."""
    associated = await backend.qos_associations(qos.id)
    if not associated:
        return ["No volume type is associated with it."]
    names = ", ".join(a.name for a in associated)
    return [
        f"Associated with: {names}.",
        'Cinder refuses to delete it (400 "Qos specs still in use."): disassociate (D) first, '
        "or force delete (ctrl+k), which disassociates it from every type.",
    ]


async def force_warning(backend: Backend, qos: QosSpec) -> list[str]:
    associated = await backend.qos_associations(qos.id)
    if not associated:
        return ["No volume type is associated with it."]
    return [
        f"Cinder first disassociates it from: {', '.join(a.name for a in associated)}; "
        "their volumes lose these limits."
    ]


QOS_SPECS = Resource(
    name="qos-specs",
    title="QoS specs",
    aliases=("qos", "qos-spec"),
    columns=(
        Col("Name", attr("name"), min_width=8, max_width=30),
        Col("Consumer", attr("consumer"), min_width=8, max_width=10),
        Col("Specs", attr("specs_text"), min_width=8, max_width=60),
        Col("Volume types", lambda q: ", ".join(q.types), min_width=12, max_width=40),
    ),
    list=list_qos,
    get=get_qos,
    needs_admin=True,
    drills=(
        Drill(
            "enter",
            "qos-associations",
            lambda q: scoped("qos_id", q.id, f"QoS spec {q.name}"),
            "Associated volume types",
        ),
    ),
    actions=(
        Action(
            "create", "n", "Create QoS spec", create, form=create_form, on_row=False, follow="list"
        ),
        Action("edit", "e", "Edit consumer and keys", edit, form=edit_form),
        Action("associate", "A", "Associate with a volume type", associate, form=associate_form),
        Action(
            "disassociate",
            "D",
            "Disassociate from a volume type",
            disassociate,
            lambda q: bool(q.types),
            form=disassociate_form,
        ),
        Action(
            "delete",
            "ctrl+d",
            "Delete",
            row_call(lambda b, q: b.delete_qos_spec(q.id)),
            confirm="name",
            preview=in_use,
            progress="deleting",
            follow="gone",
            message=lambda q: f"Delete QoS spec {q.name}.",
        ),
        Action(
            "force_delete",
            "ctrl+k",
            "Force delete (disassociate first)",
            row_call(lambda b, q: b.delete_qos_spec(q.id, force=True)),
            confirm="name",
            preview=force_warning,
            progress="deleting",
            follow="gone",
            message=lambda q: f"Force delete QoS spec {q.name}.",
        ),
    ),
)


# -- associations -------------------------------------------------------------------------------


def list_associations(backend: Backend, scope: Scope) -> AsyncIterator[list[QosAssociation]]:
    return once(backend.qos_associations(scope.get("qos_id") or ""))


async def drop(backend: Backend, association: QosAssociation, values: Values) -> None:
    await backend.disassociate_qos_spec(association.qos_id, association.id)


QOS_ASSOCIATIONS = Resource(
    name="qos-associations",
    title="QoS associations",
    aliases=("qos-types",),
    columns=(
        Col("Volume type", attr("name"), min_width=8, max_width=30),
        Col("Kind", attr("association_type"), min_width=4, max_width=12),
        Col("ID", attr("id"), min_width=8, max_width=36),
    ),
    list=list_associations,
    needs_admin=True,
    actions=(
        Action(
            "disassociate",
            "ctrl+d",
            "Disassociate",
            drop,
            confirm="yes",
            follow="list",
            message=lambda a: (
                f"Disassociate from volume type {a.name}: its volumes lose these limits "
                "(front-end ones at their next attach)."
            ),
        ),
    ),
    scope_key="qos_id",
    reached_from="a QoS spec in :qos (enter)",
)
