"""Nova's server groups (`nova server-group-create/-list/-delete`): a policy for where its
members run (affinity, anti-affinity and their soft kinds; anti-affinity may allow
max_server_per_host on one host, microversion 2.64). `enter` lists its member servers;
the boot form puts a new server in one (the scheduler hint `group`)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from functools import partial
from typing import TYPE_CHECKING

from tui.backend.base import Backend
from tui.backend.errors import NotFound
from tui.forms import Choice, Field, Form, Values, valid_name
from tui.resource import Action, Col, Drill, Resource, Scope, attr
from tui.screens.resources.choices import collect, fixed
from tui.screens.resources.columns import count_col, project_col

if TYPE_CHECKING:  # the models load when the list is first shown, not at start-up
    from tui.backend.models import Server, ServerGroup

POLICY_CHOICES = fixed(
    ("anti-affinity", "anti-affinity: never two on one host (or at most N)"),
    ("affinity", "affinity: all on one host"),
    ("soft-anti-affinity", "soft-anti-affinity: spread where possible"),
    ("soft-affinity", "soft-affinity: together where possible"),
)


def list_server_groups(backend: Backend, scope: Scope) -> AsyncIterator[list[ServerGroup]]:
    return backend.server_groups(all_projects=scope.all_projects)


async def server_group_choices(backend: Backend, _values: Values) -> list[Choice]:
    """The project's server groups, for the boot form."""
    groups = await collect(backend.server_groups())
    return [Choice(g.id, g.name or g.id, f"{g.policy}, {_members_text(g)}") for g in groups]


def _members_text(group: ServerGroup) -> str:
    count = len(group.members)
    return f"{count} member" + ("" if count == 1 else "s")


# -- members -----------------------------------------------------------------------------------


async def list_members(backend: Backend, scope: Scope) -> AsyncIterator[list[Server]]:
    """The group's servers, read afresh with the group on every load: one listing of its
    project's servers (a member's own), not a request per member; a member deleted since
    the group was read is not in it."""
    group = await backend.server_group(scope.get("server_group") or "")
    members = set(group.members)
    if not members:
        return
    if backend.info.project_id == group.project_id:
        pages = backend.servers()
    else:  # another project's group: only an admin sees it
        pages = backend.servers(all_projects=True, project_id=group.project_id)
    async for page in pages:
        if found := [s for s in page if s.id in members]:
            members -= {s.id for s in found}
            yield found
    # an admin may have put another project's server in the group (Nova lets it): rare
    elsewhere = [s for s in await asyncio.gather(*map(partial(_one, backend), members)) if s]
    if elsewhere:
        yield elsewhere


async def _one(backend: Backend, server_id: str) -> Server | None:
    try:
        return await backend.server(server_id)
    except NotFound:  # deleted since the group was read
        return None


def members_of(group: ServerGroup) -> Scope:
    return Scope(
        all_projects=True,
        filters=(("server_group", group.id),),
        label=f"server group {group.name}",
        lister=list_members,
    )


# -- create, delete ------------------------------------------------------------------------


def _anti_affinity(values: Values) -> bool:
    return values.get("policy") == "anti-affinity"


def create_form(_scope: object = None) -> Form:
    return Form(
        title="Create a server group",
        description="Boot servers into it from the boot form (n on :servers).",
        fields=(
            Field("name", "Name", required=True, validate=valid_name),
            Field(
                "policy",
                "Policy",
                kind="choice",
                required=True,
                default="anti-affinity",
                choices=POLICY_CHOICES,
            ),
            Field(
                "max_server_per_host",
                "Max servers per host",
                kind="int",
                minimum=1,
                maximum=1000,
                visible=_anti_affinity,
                help="optional: more than 1 lets that many share a host",
            ),
        ),
        submit_label="Create",
    )


async def create(backend: Backend, _scope: object, values: Values) -> ServerGroup:
    per_host = values.get("max_server_per_host") if _anti_affinity(values) else None
    return await backend.create_server_group(
        values["name"], values["policy"], max_server_per_host=per_host
    )


async def delete(backend: Backend, group: ServerGroup, _values: Values) -> None:
    await backend.delete_server_group(group.id)


def _delete_message(group: ServerGroup) -> str:
    count = len(group.members)
    them = "it keeps running" if count == 1 else "they keep running"
    after = f": {them}, in no group" if count else ""
    return f"Delete server group {group.name} ({group.policy}), {_members_text(group)}{after}."


def facts(group: ServerGroup) -> list[tuple[str, str]]:
    return [
        ("Name", group.name),
        ("Policy", group.policy),
        ("Rules", group.rules_text or "none"),
        ("Members", ", ".join(group.members) or "none"),
        ("Project", group.project_id),
        ("User", group.user_id),
    ]


SERVER_GROUPS = Resource(
    name="server-groups",
    title="Server groups",
    aliases=("server-group", "sgroups", "servergroups", "affinity"),
    columns=(
        Col("Name", lambda g: g.name or g.id[:8], min_width=8, max_width=32),
        Col("Policy", attr("policy"), min_width=6, max_width=18),
        Col("Rules", lambda g: g.rules_text, min_width=5, max_width=24),
        count_col("Members", lambda g: len(g.members)),
        project_col(),
    ),
    list=list_server_groups,
    get=lambda b, i: b.server_group(i),
    all_projects_toggle=True,
    default_all_projects=True,
    facts=facts,
    drills=(Drill("enter", "servers", members_of, "Its member servers"),),
    actions=(
        Action(
            "create",
            "n",
            "Create server group",
            create,
            form=create_form,
            on_row=False,
            follow="list",
        ),
        Action(
            "delete",
            "ctrl+d",
            "Delete",
            delete,
            confirm="name",
            progress="deleting",
            follow="gone",
            message=_delete_message,
        ),
    ),
)
