"""A shell inside a network namespace on a network node: `ip netns exec <namespace> bash`.

The namespaces are the agents' own: a network's `qdhcp-<id>` on the hosts of its DHCP
agents, a router's `qrouter-<id>` on the hosts of its L3 agents. A plan says which
namespaces and which network nodes are possible (from a network, a router or an agent row);
the operator picks, and the target is a validated, shlex-quoted command for the same SSH
connection the server's namespace hop uses (`tui.backend.ssh.SshSession`).

Nothing here imports asyncssh: the screens plan with it before anything connects.
"""

from __future__ import annotations

import getpass
import shlex
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, TypeVar

from tui.backend.errors import Forbidden
from tui.backend.models import Network, NetworkAgent, Router, agent_hosts
from tui.backend.ssh_config import CloudSsh, Destination
from tui.backend.ssh_values import (
    InvalidValue,
    SshError,
    namespace_of,
    router_namespace_of,
    valid_namespace,
)
from tui.text import safe

if TYPE_CHECKING:
    from tui.backend.base import Backend

T = TypeVar("T")
R = TypeVar("R")

DHCP_AGENT = "neutron-dhcp-agent"
L3_AGENT = "neutron-l3-agent"
SHELL = ("bash", "--norc", "-i")  # --norc: a profile's PS1 would hide the namespace
PLAN = "plan namespace shell"


def needs_sudo(node_user: str | None) -> bool:
    """Whether the network-node login needs `sudo -n` for `ip netns exec` (not root)."""
    return (node_user or getpass.getuser()) != "root"


def in_namespace(namespace: str, argv: Sequence[str], node_user: str | None) -> str:
    """`argv` run inside `namespace` on the network node, as one quoted command line."""
    line = ["ip", "netns", "exec", valid_namespace(namespace), *argv]
    return shlex.join(["sudo", "-n", *line] if needs_sudo(node_user) else line)


def prompt_of(namespace: str) -> str:
    """The shell's prompt: the namespace (its kind and the id's first 8 characters) first."""
    kind, _, ident = valid_namespace(namespace).partition("-")
    return f"[{kind}-{ident[:8]}] \\u@\\h:\\w\\$ "


def shell_command(namespace: str, node_user: str | None) -> str:
    """The exact remote command that opens an interactive shell inside `namespace`."""
    return in_namespace(namespace, ["env", f"PS1={prompt_of(namespace)}", *SHELL], node_user)


@dataclass(frozen=True, slots=True)
class NamespaceChoice:
    """A namespace the shell may open in, and what it belongs to (made safe to show)."""

    namespace: str
    label: str


@dataclass(frozen=True, slots=True)
class ShellTarget:
    """Exactly what the connection will do: where it logs in and the command it runs."""

    namespace: str
    destination: Destination
    command: str

    @property
    def forward_agent(self) -> bool:
        return False  # a root shell on a network node needs no agent: it does not get it

    @property
    def summary(self) -> str:
        return f"{self.namespace} on {self.destination.label}"

    @property
    def title(self) -> str:
        return f"{self.namespace}@{self.destination.name}"


@dataclass(frozen=True, slots=True)
class ShellPlan:
    """Where a shell for one row can open, before the operator picks and confirms."""

    subject: str  # "network demo-net", shown in titles (already made safe)
    namespaces: tuple[NamespaceChoice, ...]
    destinations: tuple[Destination, ...]
    down: frozenset[str] = frozenset()  # hosts whose agents are all down or disabled
    notes: tuple[str, ...] = ()

    def target(self, namespace: str = "", via: str = "") -> ShellTarget:
        """Validate the operator's choices and build the target (raises InvalidValue)."""
        namespace = valid_namespace(namespace or self.namespaces[0].namespace)
        if namespace not in {c.namespace for c in self.namespaces}:
            raise InvalidValue(f"{namespace} is not a namespace of {self.subject}", operation=PLAN)
        destination = next((d for d in self.destinations if d.name == via), self.destinations[0])
        if via and destination.name != via:
            raise InvalidValue(
                f"'{safe(via)}' is not a network node of {self.subject}", operation=PLAN
            )
        return ShellTarget(namespace, destination, shell_command(namespace, destination.user))

    def host_label(self, destination: Destination) -> str:
        down = " (agent down)" if destination.name in self.down else ""
        return destination.label + down


# -- planning ---------------------------------------------------------------------------


def _usable(items: Iterable[T], check: Callable[[T], R]) -> tuple[list[R], list[str]]:
    """The items that pass `check`, and why the others were refused."""
    kept: list[R] = []
    why: list[str] = []
    for item in items:
        try:
            kept.append(check(item))
        except InvalidValue as exc:
            why.append(exc.message)
    return kept, why


def _plan(
    subject: str,
    kind: str,
    namespaces: Iterable[NamespaceChoice],
    hosts: Sequence[str],
    cloud_ssh: CloudSsh,
    *,
    down: Iterable[str] = (),
    notes: Iterable[str] = (),
) -> ShellPlan:
    """The plan, once every namespace and host has passed its grammar."""
    choices, why = _usable(namespaces, lambda c: replace(c, namespace=valid_namespace(c.namespace)))
    destinations, why_hosts = _usable(
        hosts, lambda host: cloud_ssh.destination(host, f"{kind} agent host")
    )
    why += why_hosts
    if not choices:
        raise InvalidValue(f"No usable namespace for {subject}: {'; '.join(why)}", operation=PLAN)
    if not destinations:
        raise InvalidValue(
            f"No usable network node for {subject}: {'; '.join(why)}", operation=PLAN
        )
    return ShellPlan(subject, tuple(choices), tuple(destinations), frozenset(down), (*notes, *why))


def _down_hosts(agents: Sequence[NetworkAgent]) -> set[str]:
    """Hosts where no agent of the list is alive and enabled."""
    up = {a.host for a in agents if a.alive and a.admin_state_up}
    return {a.host for a in agents if a.host not in up}


async def _hosting(
    listing: Callable[[], Awaitable[list[NetworkAgent]]],
    kind: str,
    subject: str,
    cloud_ssh: CloudSsh,
) -> tuple[list[str], set[str], list[str]]:
    """The hosts of the agents hosting a namespace (live first), the hosts that are down,
    and notes; the configured network nodes when listing agents is not allowed."""
    try:
        agents = await listing()
    except Forbidden:
        if not cloud_ssh.network_nodes:
            raise SshError(
                f"Listing the {kind} agents of {subject} needs admin, and no network_nodes "
                "are configured for this cloud",
                operation=PLAN,
            ) from None
        note = f"Listing {kind} agents needs admin: using the configured network nodes"
        return list(cloud_ssh.network_nodes), set(), [note]
    if not agents:
        raise SshError(f"No {kind} agent hosts {subject}: it has no namespace", operation=PLAN)
    down = _down_hosts(agents)
    notes = [f"The {kind} agent on {safe(h)} is down or disabled" for h in sorted(down)]
    return agent_hosts(agents), down, notes


async def plan_network_shell(backend: Backend, network: Network, cloud_ssh: CloudSsh) -> ShellPlan:
    """The network's DHCP namespace, on the hosts of its DHCP agents."""
    subject = f"network {safe(network.name or network.id)}"
    namespace = NamespaceChoice(_namespace(namespace_of, network.id, subject), subject)
    hosts, down, notes = await _hosting(
        lambda: backend.dhcp_agents_of_network(network.id), "DHCP", subject, cloud_ssh
    )
    return _plan(subject, "DHCP", [namespace], hosts, cloud_ssh, down=down, notes=notes)


async def plan_router_shell(backend: Backend, router: Router, cloud_ssh: CloudSsh) -> ShellPlan:
    """The router's namespace, on the hosts of its L3 agents."""
    subject = f"router {safe(router.name or router.id)}"
    namespace = NamespaceChoice(_namespace(router_namespace_of, router.id, subject), subject)
    hosts, down, notes = await _hosting(
        lambda: backend.l3_agents_of_router(router.id), "L3", subject, cloud_ssh
    )
    if router.ha and len(hosts) > 1:
        notes.append("HA router: only the active agent's namespace holds its addresses")
    return _plan(subject, "L3", [namespace], hosts, cloud_ssh, down=down, notes=notes)


async def plan_agent_shell(backend: Backend, agent: NetworkAgent, cloud_ssh: CloudSsh) -> ShellPlan:
    """One of the namespaces a DHCP agent (its networks) or an L3 agent (its routers) hosts,
    on the agent's own host."""
    subject = f"agent {safe(agent.name)}"
    choices: list[NamespaceChoice] = []
    if agent.binary == DHCP_AGENT:
        networks = await backend.networks_of_dhcp_agent(agent.id)
        choices = [_choice("qdhcp", n.id, f"network {safe(n.name or n.id)}") for n in networks]
        kind, what = "DHCP", "network"
    elif agent.binary == L3_AGENT:
        routers = await backend.routers_of_l3_agent(agent.id)
        choices = [_choice("qrouter", r.id, f"router {safe(r.name or r.id)}") for r in routers]
        kind, what = "L3", "router"
    else:
        raise SshError(
            f"{subject} is neither a DHCP nor an L3 agent: it has no namespaces", operation=PLAN
        )
    if not choices:
        raise SshError(f"{subject} hosts no {what}: it has no namespace", operation=PLAN)
    alive = agent.alive and agent.admin_state_up
    notes = [] if alive else ["The agent is down or disabled: its namespaces may be stale"]
    down = () if alive else (agent.host,)
    return _plan(subject, kind, choices, [agent.host], cloud_ssh, down=down, notes=notes)


def _choice(kind: str, ident: str, label: str) -> NamespaceChoice:
    # validated by _plan: a hostile id is refused there, with the others kept
    return NamespaceChoice(f"{kind}-{ident}", f"{label} ({ident})")


def _namespace(make: Callable[[str], str], ident: str, subject: str) -> str:
    try:
        return make(ident)
    except InvalidValue as exc:
        raise InvalidValue(f"{subject}: {exc.message}", operation=PLAN) from None
