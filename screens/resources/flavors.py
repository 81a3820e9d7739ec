"""Nova flavors: create and delete, extra specs, which projects may use a private one, and
which servers run on one."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from typing import Any

from tui.backend.base import Backend
from tui.backend.models import Flavor, FlavorAccess, FlavorExtraSpec, FlavorSpec
from tui.context import Context
from tui.forms import Choice, Field, Form, Values, valid_name
from tui.resource import Action, Col, Drill, Resource, Scope, attr, in_context
from tui.screens.resources.actions import row_call
from tui.screens.resources.choices import collect, project_choices
from tui.screens.resources.columns import number_col, project_col, yes_no
from tui.screens.resources.lists import once, scoped

_FLAVOR_ID = re.compile(r"^[\w.\- ]{1,255}$")
_SPEC_KEY = re.compile(r"^[\w.:\- ]{1,255}$")
SHOWN_SERVERS = 8


def valid_flavor_id(value: Any, values: Values) -> str | None:
    if str(value).lower() == "auto":
        return None
    ok = _FLAVOR_ID.match(str(value)) and str(value) == str(value).strip()
    return None if ok else "letters, digits, '.', '-', '_' and spaces only"


def valid_factor(value: Any, values: Values) -> str | None:
    try:
        factor = float(str(value))
    except ValueError:
        return f"'{value}' is not a number"
    return None if 0 < factor <= 3.4e38 else "must be more than 0"


def valid_specs(value: Any, values: Values) -> str | None:
    bad = [key for key, _ in value if not _SPEC_KEY.match(key)]
    return f"bad key: {bad[0]}" if bad else None


def create_form(_row: object) -> Form:
    return Form(
        title="Create flavor",
        description="Admin only. A private flavor serves the projects given access to it.",
        fields=(
            Field("name", "Name", required=True, validate=valid_name),
            Field(
                "flavor_id",
                "ID",
                placeholder="auto (Nova makes a UUID)",
                validate=valid_flavor_id,
            ),
            Field("vcpus", "vCPUs", kind="int", required=True, default=1, minimum=1),
            Field("ram_mb", "RAM (MiB)", kind="int", required=True, default=512, minimum=1),
            Field(
                "disk_gb",
                "Root disk (GB)",
                kind="int",
                required=True,
                default=1,
                minimum=0,
                help="0: the root disk is as big as the image (boot from volume)",
            ),
            Field("ephemeral_gb", "Ephemeral disk (GB)", kind="int", default=0, minimum=0),
            Field("swap_mb", "Swap (MiB)", kind="int", default=0, minimum=0),
            Field("rxtx_factor", "RX/TX factor", default="1.0", validate=valid_factor),
            Field("is_public", "Public (every project may use it)", kind="bool", default=True),
            Field("description", "Description"),
        ),
        submit_label="Create",
    )


async def create(backend: Backend, row: object, values: Values) -> Flavor:
    flavor_id = values.get("flavor_id") or ""
    return await backend.create_flavor(
        FlavorSpec(
            name=values["name"],
            vcpus=values["vcpus"],
            ram_mb=values["ram_mb"],
            disk_gb=values["disk_gb"],
            ephemeral_gb=values.get("ephemeral_gb") or 0,
            swap_mb=values.get("swap_mb") or 0,
            rxtx_factor=float(values.get("rxtx_factor") or 1.0),
            is_public=bool(values.get("is_public")),
            description=values.get("description") or "",
            flavor_id="" if flavor_id.lower() == "auto" else flavor_id,
        )
    )


async def servers_using(context: Context, backend: Backend, flavor: Flavor) -> list[str]:
    """The warning before a delete: how many servers still run on this flavor."""
    every = context.capabilities.all_projects
    servers = await collect(backend.servers_with_flavor(flavor.id, all_projects=every))
    if not servers:
        return ["No server uses this flavor."]
    names = ", ".join(s.name for s in servers[:SHOWN_SERVERS])
    more = f" and {len(servers) - SHOWN_SERVERS} more" if len(servers) > SHOWN_SERVERS else ""
    return [
        f"{len(servers)} server(s) still use it: {names}{more}.",
        "They keep running; resizing or rebuilding them will show the flavor as deleted.",
    ]


def set_specs_form(flavor: Flavor) -> Form:
    return Form(
        title=f"Set extra specs of {flavor.name}",
        description="Several at once; an existing key gets the new value.",
        fields=(
            Field(
                "specs",
                "Extra specs",
                kind="keyvalue",
                required=True,
                placeholder="hw:cpu_policy=dedicated, hw:mem_page_size=large",
                validate=valid_specs,
            ),
        ),
        submit_label="Set",
    )


async def set_specs(backend: Backend, flavor: Flavor, values: Values) -> None:
    if not values["specs"]:
        return
    await backend.set_flavor_extra_specs(flavor.id, dict(values["specs"]))


def unset_specs_form(flavor: Flavor) -> Form:
    async def keys(backend: Backend, values: Values) -> list[Choice]:
        specs = await backend.flavor_extra_specs(flavor.id)
        return [Choice(s.key, s.key, s.value) for s in specs]

    return Form(
        title=f"Unset extra specs of {flavor.name}",
        fields=(Field("keys", "Keys", kind="multi", required=True, choices=keys),),
        submit_label="Unset",
    )


async def unset_specs(backend: Backend, flavor: Flavor, values: Values) -> None:
    for key in values["keys"]:
        await backend.unset_flavor_extra_spec(flavor.id, key)


def grant_form(flavor: Flavor) -> Form:
    return Form(
        title=f"Give a project access to {flavor.name}",
        fields=(
            Field("project_id", "Project", kind="choice", required=True, choices=project_choices),
        ),
        submit_label="Grant",
    )


async def grant(backend: Backend, flavor: Flavor, values: Values) -> None:
    await backend.add_flavor_access(flavor.id, values["project_id"])


FLAVORS = Resource(
    name="flavors",
    title="Flavors",
    aliases=("flavor", "flv"),
    columns=(
        Col("Name", attr("name"), min_width=8, max_width=30),
        number_col("vCPUs", "vcpus"),
        Col(
            "RAM",
            lambda f: f"{f.ram_mb / 1024:g} GiB",
            min_width=5,
            max_width=10,
            align="right",
            sort_key=lambda f: f.ram_mb,
        ),
        number_col("Disk GB", "disk_gb"),
        number_col("Eph GB", "ephemeral_gb"),
        number_col("Swap MB", "swap_mb"),
        Col("Public", lambda f: yes_no(f.is_public), min_width=3, max_width=6),
        Col("ID", attr("id"), min_width=2, max_width=36),
    ),
    list=lambda backend, scope: backend.flavors(),
    get=lambda b, i: b.flavor(i),
    drills=(
        Drill(
            "enter",
            "flavor-extra-specs",
            lambda f: scoped("flavor_id", f.id, f"flavor {f.name}"),
            "Extra specs",
        ),
        Drill(
            "o",
            "flavor-access",
            lambda f: scoped("flavor_id", f.id, f"flavor {f.name}"),
            "Access",
        ),
        Drill(
            "s",
            "servers",
            in_context(
                lambda context, f: Scope(
                    all_projects=context.capabilities.all_projects,
                    filters=(("flavor", f.id),),
                    label=f"flavor {f.name}",
                )
            ),
            "Servers",
        ),
    ),
    actions=(
        Action(
            "create", "n", "Create flavor", create, form=create_form, on_row=False, follow="list"
        ),
        Action("set_specs", "S", "Set extra specs", set_specs, form=set_specs_form, follow="none"),
        Action(
            "unset_specs",
            "U",
            "Unset extra specs",
            unset_specs,
            form=unset_specs_form,
            follow="none",
        ),
        Action(
            "grant",
            "T",
            "Give a project (tenant) access",
            grant,
            lambda f: not f.is_public,
            form=grant_form,
            follow="none",
        ),
        Action(
            "delete",
            "ctrl+d",
            "Delete",
            row_call(lambda b, flavor: b.delete_flavor(flavor.id)),
            confirm="name",
            preview=in_context(servers_using),
            progress="deleting",
            follow="gone",
            message=lambda f: f"Delete flavor {f.name} ({f.vcpus} vCPU, {f.ram_mb} MiB).",
        ),
    ),
)


# -- extra specs ------------------------------------------------------------------------------


def list_specs(backend: Backend, scope: Scope) -> AsyncIterator[list[FlavorExtraSpec]]:
    return once(backend.flavor_extra_specs(scope.get("flavor_id") or ""))


def edit_spec_form(spec: FlavorExtraSpec) -> Form:
    return Form(
        title=f"Extra spec {spec.key}",
        fields=(Field("value", "Value", default=spec.value),),
        submit_label="Set",
    )


async def edit_spec(backend: Backend, spec: FlavorExtraSpec, values: Values) -> None:
    await backend.set_flavor_extra_specs(spec.flavor_id, {spec.key: values.get("value") or ""})


async def unset_spec(backend: Backend, spec: FlavorExtraSpec, values: Values) -> None:
    await backend.unset_flavor_extra_spec(spec.flavor_id, spec.key)


FLAVOR_EXTRA_SPECS = Resource(
    name="flavor-extra-specs",
    title="Flavor extra specs",
    aliases=("extra-specs", "specs"),
    columns=(
        Col("Key", attr("key"), min_width=8, max_width=50),
        Col("Value", attr("value"), min_width=4, max_width=60),
    ),
    list=list_specs,
    key=lambda s: s.key,
    label=lambda s: s.key,
    actions=(
        Action("edit", "e", "Change the value", edit_spec, form=edit_spec_form, follow="list"),
        Action("unset", "ctrl+d", "Unset", unset_spec, confirm="yes", follow="list"),
    ),
    scope_key="flavor_id",
    reached_from="a flavor in :flavors (enter)",
)


# -- access -----------------------------------------------------------------------------------


def list_access(backend: Backend, scope: Scope) -> AsyncIterator[list[FlavorAccess]]:
    return once(backend.flavor_access(scope.get("flavor_id") or ""))


async def revoke(backend: Backend, access: FlavorAccess, values: Values) -> None:
    await backend.remove_flavor_access(access.flavor_id, access.project_id)


FLAVOR_ACCESS = Resource(
    name="flavor-access",
    title="Flavor access",
    aliases=("flavor-projects",),
    columns=(
        project_col("Project", "project_id"),
        Col("Project ID", attr("project_id"), min_width=8, max_width=36),
    ),
    list=list_access,
    needs_admin=True,
    key=lambda a: a.project_id,
    label=in_context(lambda context, a: context.names.project(a.project_id)),
    drills=(
        Drill(
            "enter",
            "servers",
            in_context(
                lambda context, a: Scope(
                    all_projects=True,
                    filters=(("project_id", a.project_id),),
                    label=f"project {context.names.project(a.project_id)}",
                )
            ),
            "The project's servers",
        ),
    ),
    actions=(Action("revoke", "ctrl+d", "Revoke access", revoke, confirm="yes", follow="list"),),
    scope_key="flavor_id",
    reached_from="a private flavor in :flavors (o)",
)
