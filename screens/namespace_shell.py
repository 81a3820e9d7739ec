"""`s` on a network, a router or a network agent: a shell inside its namespace on the network
node (`ip netns exec qdhcp-<id> bash`), in the same terminal screen and over the same SSH
connection as a server's namespace hop. The plan (tui/backend/namespace_shell.py) says which
namespaces and nodes are possible; the form lets the operator pick and shows the command.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from tui.backend.namespace_shell import (
    ShellPlan,
    ShellTarget,
    plan_agent_shell,
    plan_network_shell,
    plan_router_shell,
)
from tui.backend.ssh_config import CloudSsh
from tui.backend.ssh_values import SshError
from tui.forms import Choice, Field, Form, Values
from tui.screens.terminal_screen import TerminalScreen, ssh_settings
from tui.text import safe

if TYPE_CHECKING:
    from tui.backend.base import Backend
    from tui.backend.models import Network, NetworkAgent, Router
    from tui.context import Context

Planner = Callable[["Backend", Any, CloudSsh], Awaitable[ShellPlan]]

TROUBLESHOOTING = "There: ip a, ip route, ping <address>, ss -lnp; exit (or ctrl+]) leaves."


@dataclass(frozen=True, slots=True)
class NamespaceShell:
    """A shell in one of a row's namespaces (an `SshRequest` for the terminal screen)."""

    row: Any
    planner: Planner
    subject: str
    badge: str = "netns shell"

    async def form(self, context: Context) -> Form:
        cloud_ssh = ssh_settings(context).cloud(context.backend.info.cloud)
        return shell_form(await self.planner(context.backend, self.row, cloud_ssh))


def _preview(plan: ShellPlan) -> str:
    try:
        return plan.target().command
    except SshError as exc:
        return f"(not yet: {exc.message})"


def plan_description(plan: ShellPlan) -> str:
    lines = []
    if len(plan.namespaces) == 1:
        lines.append(f"Namespace: {plan.namespaces[0].namespace} ({plan.namespaces[0].label})")
    nodes = ", ".join(plan.host_label(d) for d in plan.destinations)
    lines.append(f"Network node: {nodes}")
    several = len(plan.namespaces) > 1 or len(plan.destinations) > 1
    lines.append(f"Runs there{' (for the first choices)' if several else ''}: {_preview(plan)}")
    lines.append(TROUBLESHOOTING)
    lines.extend(plan.notes)
    return "\n".join(lines)


def shell_form(plan: ShellPlan) -> Form:
    """Namespace and network node (when there is a choice), before anything connects."""

    async def namespaces(_backend: object, _values: Values) -> list[Choice]:
        return [Choice(c.namespace, c.label) for c in plan.namespaces]

    async def nodes(_backend: object, _values: Values) -> list[Choice]:
        return [Choice(d.name, plan.host_label(d)) for d in plan.destinations]

    async def submit(_backend: object, values: Values) -> ShellTarget:  # raises InvalidValue
        return plan.target(values.get("namespace") or "", values.get("via") or "")

    fields: list[Field] = []
    if len(plan.namespaces) > 1:
        first = plan.namespaces[0].namespace
        fields.append(
            Field(
                "namespace", "Namespace", "choice", required=True, default=first, choices=namespaces
            )
        )
    if len(plan.destinations) > 1:
        first = plan.destinations[0].name
        fields.append(
            Field(
                "via",
                "Network node",
                "choice",
                required=True,
                default=first,
                choices=nodes,
                help="live agents first",
            )
        )
    return Form(
        title=f"Shell in a namespace of {plan.subject}",
        fields=tuple(fields),
        submit=submit,
        submit_label="Open shell",
        description=plan_description(plan),
    )


def _shell(row: Any, planner: Planner, subject: str) -> TerminalScreen:
    return TerminalScreen(NamespaceShell(row, planner, safe(subject)))


def network_shell(network: Network) -> TerminalScreen:
    return _shell(network, plan_network_shell, f"the DHCP namespace of {network.name}")


def router_shell(router: Router) -> TerminalScreen:
    return _shell(router, plan_router_shell, f"the namespace of router {router.name}")


def agent_shell(agent: NetworkAgent) -> TerminalScreen:
    return _shell(agent, plan_agent_shell, f"the namespaces of {agent.name}")
