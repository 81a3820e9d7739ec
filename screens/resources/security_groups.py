"""Neutron security groups and their rules."""

from __future__ import annotations

from collections.abc import AsyncIterator

from tui.backend.base import Backend
from tui.backend.models import SecurityGroup, SecurityGroupRule
from tui.resource import Col, Drill, Resource, Row, Scope, attr, where
from tui.screens.resources.columns import count_col, project_col, yes_no
from tui.screens.resources.lists import scoped
from tui.screens.resources.security_group_actions import GROUP_ACTIONS, RULE_ACTIONS


def list_security_groups(backend: Backend, scope: Scope) -> AsyncIterator[list[SecurityGroup]]:
    pages = backend.security_groups(project_id=scope.get("project_id"))
    names = scope.get("names")
    if names is None:
        return pages
    wanted = set(names.split(","))
    return where(pages, lambda g: g.name in wanted)


async def list_rules(backend: Backend, scope: Scope) -> AsyncIterator[list[SecurityGroupRule]]:
    group = await backend.security_group(scope.get("security_group_id") or "")
    yield list(group.rules)


def _remote(rule: SecurityGroupRule) -> str:
    if rule.remote_group_id:
        return f"group {rule.remote_group_id[:8]}"
    return rule.remote_ip_prefix or "any"


def _rules_of(group: SecurityGroup) -> Scope:
    return scoped("security_group_id", group.id, f"group {group.name}")


SECURITY_GROUPS = Resource(
    name="security-groups",
    title="Security groups",
    aliases=("secgroups", "secgroup", "sg", "sgs", "security-group", "firewall"),
    columns=(
        Col("Name", attr("name"), min_width=8, max_width=30),
        count_col("Rules", lambda g: len(g.rules)),
        Col("Stateful", lambda g: yes_no(g.stateful), min_width=3, max_width=8),
        Col("Description", attr("description"), min_width=8, max_width=40),
        project_col(),
        Col("ID", attr("id"), min_width=8, max_width=36),
    ),
    list=list_security_groups,
    get=lambda b, i: b.security_group(i),
    drills=(Drill("enter", "security-group-rules", _rules_of, "Rules of this group"),),
    actions=GROUP_ACTIONS,
)


def _direction_style(row: Row) -> str:
    return "cyan" if row.direction == "ingress" else "magenta"


SECURITY_GROUP_RULES = Resource(
    name="security-group-rules",
    title="Security group rules",
    aliases=("rules", "sgr"),
    columns=(
        # wide enough for the titles and a sort arrow: these columns never shrink far
        Col("Direction", attr("direction"), min_width=9, max_width=10, style=_direction_style),
        Col("Ether", attr("ethertype"), min_width=5, max_width=6),
        Col("Protocol", lambda r: r.protocol or "any", min_width=8, max_width=9),
        Col("Ports", lambda r: r.port_text, min_width=4, max_width=11),
        Col("Remote", _remote, min_width=6, max_width=43),
        Col("Description", attr("description"), min_width=6, max_width=30),
        Col("ID", attr("id"), min_width=8, max_width=36),
    ),
    list=list_rules,
    actions=RULE_ACTIONS,
    scope_key="security_group_id",
    reached_from="a security group in :security-groups (enter)",
)
