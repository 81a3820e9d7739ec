"""What the operator does to security groups and their rules: create, edit, delete a group;
add a rule by a full form or by a one-key preset (ICMP, SSH, HTTP and HTTPS, all from a
CIDR); delete a rule. The presets work on a group's row and in its list of rules."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

from tui.backend.base import Backend
from tui.backend.errors import BackendError
from tui.backend.models import SecurityGroup, SecurityGroupRule
from tui.backend.models.network_specs import SecurityGroupRuleSpec
from tui.forms import Choice, Field, Form, Values, valid_name
from tui.net_values import BadValue, cidr, field_check, port_range, protocol
from tui.resource import Action, Scope
from tui.screens.resources.actions import row_call
from tui.screens.resources.choices import collect, fixed, project_choices

ANYWHERE = "0.0.0.0/0"


def group_of(target: SecurityGroup | Scope) -> str:
    """The group a rule goes into: the group's row, or the rules list's scope."""
    if isinstance(target, Scope):
        return target.get("security_group_id") or ""
    return target.id


# -- groups -----------------------------------------------------------------------------------


def create_form(_scope: object) -> Form:
    return Form(
        title="Create a security group",
        description="A new group lets everything out and nothing in: add rules after.",
        fields=(
            Field("name", "Name", required=True, validate=valid_name),
            Field("description", "Description"),
            Field(
                "project_id",
                "For project",
                kind="choice",
                choices=project_choices,
                help="admin only; empty: your own project",
            ),
        ),
        submit_label="Create",
    )


async def create(backend: Backend, _scope: object, values: Values) -> SecurityGroup:
    return await backend.create_security_group(
        values["name"],
        description=values.get("description") or "",
        project_id=values.get("project_id") or "",
    )


def edit_form(group: SecurityGroup) -> Form:
    return Form(
        title=f"Edit security group {group.name}",
        description="Neutron keeps the name of a project's default group.",
        fields=(
            Field("name", "Name", required=True, default=group.name, validate=valid_name),
            Field("description", "Description", default=group.description),
        ),
        submit_label="Save",
    )


async def edit(backend: Backend, group: SecurityGroup, values: Values) -> SecurityGroup:
    """Only what changed is sent (the default group's description may change, not its name)."""
    name = values["name"] if values["name"] != group.name else None
    description = values.get("description") or ""
    return await backend.update_security_group(
        group.id, name=name, description=description if description != group.description else None
    )


# -- rules: the full form ---------------------------------------------------------------------


def _ports_check(value: Any, values: Values) -> str | None:
    try:
        protocol(str(values.get("protocol") or ""))
    except BadValue:
        return None  # the protocol's own field says what is wrong
    try:
        port_range(str(value), str(values.get("protocol") or ""))
    except BadValue as error:
        return str(error)
    return None


def _remote_cidr_check(value: Any, values: Values) -> str | None:
    version = 6 if values.get("ethertype") == "IPv6" else 4
    try:
        cidr(str(value), version)
    except BadValue as error:
        return str(error)
    return None


def _one_remote(values: Values) -> dict[str, str]:
    if values.get("remote_ip_prefix") and values.get("remote_group_id"):
        return {"remote_group_id": "a rule comes from a CIDR or from a group, not both"}
    return {}


def _group_choices(project_id: str) -> Callable[[Backend, Values], Awaitable[list[Choice]]]:
    async def load(backend: Backend, _values: Values) -> list[Choice]:
        groups = await collect(backend.security_groups(project_id=project_id or None))
        return [Choice(g.id, g.name, g.id[:8]) for g in groups]

    return load


async def _project_of(backend: Backend, target: SecurityGroup | Scope) -> str:
    if isinstance(target, SecurityGroup):
        return target.project_id
    return (await backend.security_group(group_of(target))).project_id


def rule_form(target: SecurityGroup | Scope) -> Form:
    async def remote_groups(backend: Backend, values: Values) -> list[Choice]:
        return await _group_choices(await _project_of(backend, target))(backend, values)

    return Form(
        title="Add a rule",
        fields=(
            Field(
                "direction",
                "Direction",
                kind="choice",
                required=True,
                default="ingress",
                choices=fixed(("ingress", "ingress (in)"), ("egress", "egress (out)")),
            ),
            Field(
                "ethertype",
                "Ethertype",
                kind="choice",
                required=True,
                default="IPv4",
                choices=fixed(("IPv4", "IPv4"), ("IPv6", "IPv6")),
            ),
            Field(
                "protocol",
                "Protocol",
                default="tcp",
                validate=field_check(protocol),
                help="tcp, udp, icmp, icmpv6, gre, ... or 0-255; empty or any: every protocol",
            ),
            Field(
                "ports",
                "Ports",
                validate=_ports_check,
                placeholder="22 or 8000-8080; ICMP: TYPE or TYPE/CODE",
                help="empty: every port (every ICMP type)",
            ),
            Field(
                "remote_ip_prefix",
                "From CIDR",
                validate=_remote_cidr_check,
                placeholder=ANYWHERE,
                help="empty with no group: from anywhere",
            ),
            Field(
                "remote_group_id",
                "Or from group",
                kind="choice",
                choices=remote_groups,
                help="the members of this group",
            ),
            Field("description", "Description"),
        ),
        check=_one_remote,
        submit_label="Add rule",
    )


async def add_rule(backend: Backend, target: SecurityGroup | Scope, values: Values) -> Any:
    proto = protocol(str(values.get("protocol") or ""))
    low, high = port_range(str(values.get("ports") or ""), proto)
    spec = SecurityGroupRuleSpec(
        group_of(target),
        direction=values["direction"],
        ethertype=values["ethertype"],
        protocol=proto,
        port_range_min=low,
        port_range_max=high,
        remote_ip_prefix=values.get("remote_ip_prefix") or "",
        remote_group_id=values.get("remote_group_id") or "",
        description=values.get("description") or "",
    )
    return await backend.create_security_group_rule(spec)


# -- rules: the presets -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Preset:
    """Rules a common need adds, each with what to call it when saying which went in."""

    name: str
    key: str
    description: str
    rules: tuple[tuple[str, str, int | None], ...]  # (called, protocol, port)


PRESETS = (
    Preset("allow_icmp", "i", "Allow ICMP (ping) from anywhere", (("ICMP", "icmp", None),)),
    Preset("allow_ssh", "s", "Allow SSH (22) from anywhere", (("SSH (22)", "tcp", 22),)),
    Preset(
        "allow_web",
        "w",
        "Allow HTTP, HTTPS from anywhere",
        (("HTTP (80)", "tcp", 80), ("HTTPS (443)", "tcp", 443)),
    ),
)


def _preset_run(preset: Preset) -> Callable[[Backend, Any, Values], Awaitable[None]]:
    async def run(backend: Backend, target: Any, _values: Values) -> None:
        specs = [
            (
                called,
                SecurityGroupRuleSpec(
                    group_of(target),
                    protocol=proto,
                    port_range_min=port,
                    port_range_max=port,
                    remote_ip_prefix=ANYWHERE,
                ),
            )
            for called, proto, port in preset.rules
        ]
        await add_rules(backend, specs)

    return run


async def add_rules(
    backend: Backend, specs: Sequence[tuple[str, SecurityGroupRuleSpec]]
) -> list[SecurityGroupRule]:
    """Each rule in turn; when one is refused, the error says which went in before it."""
    made: list[SecurityGroupRule] = []
    done: list[str] = []
    for called, spec in specs:
        try:
            made.append(await backend.create_security_group_rule(spec))
        except BackendError as exc:
            if done:
                exc.message = f"{', '.join(done)} added; {called} not: {exc.message}"
            raise
        done.append(called)
    return made


def open_form(_target: object) -> Form:
    return Form(
        title="Allow everything from a CIDR",
        description="Every protocol and port, inbound, from this network.",
        fields=(
            Field(
                "remote_ip_prefix",
                "From CIDR",
                required=True,
                default=ANYWHERE,
                validate=field_check(cidr),
            ),
        ),
        submit_label="Allow",
    )


async def open_to(backend: Backend, target: Any, values: Values) -> SecurityGroupRule:
    network = cidr(str(values["remote_ip_prefix"]))
    spec = SecurityGroupRuleSpec(
        group_of(target), ethertype=f"IPv{network.version}", remote_ip_prefix=str(network)
    )
    return await backend.create_security_group_rule(spec)


def rule_adding(*, on_row: bool) -> tuple[Action, ...]:
    """The full rule form and the presets: on a group's row, or in its list of rules. They
    reload the list rather than follow the row: the row is free again as soon as the call is
    answered, so the next preset (ping, then SSH) is not refused as still in progress."""
    full_key = "N" if on_row else "n"
    return (
        Action(
            "add_rule",
            full_key,
            "Add a rule",
            add_rule,
            form=rule_form,
            on_row=on_row,
            follow="list",
            progress="adding a rule",
        ),
        *(
            Action(
                p.name,
                p.key,
                p.description,
                _preset_run(p),
                on_row=on_row,
                follow="list",
                progress="adding rules",
            )
            for p in PRESETS
        ),
        Action(
            "allow_cidr",
            "A",
            "Allow everything from a CIDR",
            open_to,
            form=open_form,
            on_row=on_row,
            follow="list",
            progress="adding a rule",
        ),
    )


def _rule_text(rule: SecurityGroupRule) -> str:
    remote = rule.remote_ip_prefix or (
        f"group {rule.remote_group_id}" if rule.remote_group_id else "anywhere"
    )
    what = rule.protocol or "any protocol"
    ports = "" if rule.port_text == "any" else f" {rule.port_text}"
    way = "from" if rule.direction == "ingress" else "to"
    return f"{rule.direction} {rule.ethertype} {what}{ports} {way} {remote}"


GROUP_ACTIONS = (
    Action(
        "create",
        "n",
        "Create security group",
        create,
        form=create_form,
        on_row=False,
        follow="list",
    ),
    Action("edit", "e", "Rename / describe", edit, form=edit_form, progress="saving"),
    *rule_adding(on_row=True),
    Action(
        "delete",
        "ctrl+d",
        "Delete security group",
        row_call(lambda b, g: b.delete_security_group(g.id)),
        confirm="name",
        progress="deleting",
        follow="gone",
        message=lambda g: f"Delete security group {g.name} ({g.id}) and its rules.",
    ),
)

RULE_ACTIONS = (
    *rule_adding(on_row=False),
    Action(
        "delete",
        "ctrl+d",
        "Delete rule",
        row_call(lambda b, r: b.delete_security_group_rule(r.id)),
        confirm="yes",
        progress="deleting",
        follow="list",
        message=lambda r: f"Delete the rule {_rule_text(r)}.",
    ),
)
