"""A server put in a security group or taken out of it (Nova's addSecurityGroup and
removeSecurityGroup: every port of the server joins or leaves). On the server list, so it
loads nothing of Neutron's models until used."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from tui.backend.base import Backend
from tui.forms import Choice, Field, Form, Values
from tui.resource import Action
from tui.screens.resources.choices import collect

if TYPE_CHECKING:
    from tui.backend.models import Server


async def _groups_on(backend: Backend, server: Server) -> set[str]:
    """The ids of the groups on every port of the server (Nova adds and removes on all)."""
    ports = await collect(backend.ports(device_id=server.id))
    return {g for p in ports for g in p.security_group_ids}


def _join_form(server: Server) -> Form:
    async def load(backend: Backend, _values: Values) -> list[Choice]:
        on = await _groups_on(backend, server)
        groups = await collect(backend.security_groups(project_id=server.project_id or None))
        return [Choice(g.id, g.name, g.description) for g in groups if g.id not in on]

    return _group_form(f"Add {server.name} to a security group", "Add", load)


def _leave_form(server: Server) -> Form:
    async def load(backend: Backend, _values: Values) -> list[Choice]:
        choices = []
        for group_id in sorted(await _groups_on(backend, server)):
            group = await backend.security_group(group_id)
            choices.append(Choice(group.id, group.name, group.description))
        return choices

    return _group_form(f"Remove {server.name} from a security group", "Remove", load)


def _group_form(
    title: str, label: str, load: Callable[[Backend, Values], Awaitable[list[Choice]]]
) -> Form:
    return Form(
        title=title,
        description="Every port of the server joins or leaves the group (Nova).",
        fields=(Field("group", "Security group", kind="choice", required=True, choices=load),),
        submit_label=label,
    )


SERVER_SECURITY_GROUP_ACTIONS = (
    Action(
        "add_security_group",
        "t",
        "Add to a security group",
        lambda b, s, v: b.add_server_security_group(s.id, v["group"]),
        form=_join_form,
        progress="adding to a group",
        follow="none",  # the server's row does not show its groups
    ),
    Action(
        "remove_security_group",
        "T",
        "Remove from a security group",
        lambda b, s, v: b.remove_server_security_group(s.id, v["group"]),
        form=_leave_form,
        progress="removing from a group",
        follow="none",
    ),
)
