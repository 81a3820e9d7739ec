"""Compute services and network agents: who is up, who is disabled and why; take them out."""

from __future__ import annotations

from collections.abc import AsyncIterator

from tui.backend.base import Backend
from tui.backend.models import ComputeService, NetworkAgent
from tui.backend.namespace_shell import DHCP_AGENT, L3_AGENT
from tui.forms import Field, Form, Values
from tui.resource import Action, Col, Drill, Resource, Scope, View, attr
from tui.screens.resources.columns import state_col, state_style, yes_no
from tui.screens.resources.host_procedures import DRAIN_ACTION, EVACUATE_ACTION
from tui.screens.resources.lists import once, scoped


def _host_servers(service: ComputeService) -> Scope:
    return Scope(all_projects=True, filters=(("host", service.host),), label=f"host {service.host}")


def _is_compute(service: ComputeService) -> bool:
    return service.binary == "nova-compute"


def list_services(backend: Backend, scope: Scope) -> AsyncIterator[list[ComputeService]]:
    return backend.compute_services(host=scope.get("host"))


def disable_form(service: ComputeService) -> Form:
    return Form(
        title=f"Disable {service.name}",
        description="The scheduler stops placing new servers here; running ones stay.",
        fields=(
            Field(
                "reason",
                "Reason",
                required=True,
                placeholder="e.g. RAID rebuild, ticket #123",
                help="shown to every operator in the service and hypervisor lists",
            ),
        ),
        submit_label="Disable",
    )


async def disable(backend: Backend, service: ComputeService, values: Values) -> None:
    await backend.set_compute_service(service, enabled=False, reason=values["reason"])


async def enable(backend: Backend, service: ComputeService, values: Values) -> None:
    await backend.set_compute_service(service, enabled=True)


async def force_down(backend: Backend, service: ComputeService, values: Values) -> None:
    await backend.set_compute_service(service, forced_down=True)


async def unforce_down(backend: Backend, service: ComputeService, values: Values) -> None:
    await backend.set_compute_service(service, forced_down=False)


def _enabled_text(agent: NetworkAgent) -> str:
    return "enabled" if agent.admin_state_up else "disabled"


def _alive_text(agent: NetworkAgent) -> str:
    return "up" if agent.alive else "down"


COMPUTE_SERVICES = Resource(
    name="compute-services",
    title="Compute services",
    aliases=("services", "service", "svc", "os-services", "nova-services"),
    columns=(
        Col("Binary", attr("binary"), min_width=8, max_width=20),
        Col("Host", attr("host"), min_width=6, max_width=30),
        Col("Zone", attr("zone"), min_width=4, max_width=12),
        state_col("Status", "status", min_width=7),
        state_col("State", "state", min_width=4),
        Col("Forced down", lambda s: yes_no(s.forced_down), min_width=3, max_width=11),
        Col("Updated", attr("updated"), min_width=10, max_width=26),
        Col("Disabled reason", attr("disabled_reason"), min_width=6, max_width=40),
    ),
    list=list_services,
    get=lambda b, i: b.compute_service(i),
    label=lambda s: s.name,
    needs_admin=True,
    drills=(
        Drill("enter", "servers", _host_servers, "Servers on this host"),
        Drill("h", "hypervisors", _host_servers, "The host's hypervisor"),
    ),
    actions=(
        Action(
            "disable",
            "D",
            "Disable (with a reason)",
            disable,
            lambda s: s.status == "enabled",
            form=disable_form,
            progress="disabling",
        ),
        Action(
            "enable",
            "E",
            "Enable",
            enable,
            lambda s: s.status == "disabled",
            confirm="yes",
            progress="enabling",
        ),
        Action(
            "force_down",
            "F",
            "Force down (fencing done)",
            force_down,
            lambda s: _is_compute(s) and not s.forced_down,
            confirm="name",
            progress="forcing down",
            message=lambda s: (
                f"Mark {s.name} down now: evacuation may start; only do this "
                "when the host is really off (fenced)."
            ),
        ),
        Action(
            "unforce_down",
            "U",
            "Unset forced down",
            unforce_down,
            lambda s: s.forced_down,
            confirm="yes",
            progress="restoring",
        ),
        DRAIN_ACTION,
        EVACUATE_ACTION,
    ),
)


def list_agents(backend: Backend, scope: Scope) -> AsyncIterator[list[NetworkAgent]]:
    if (network_id := scope.get("dhcp_network")) is not None:
        return once(backend.dhcp_agents_of_network(network_id))
    if (router_id := scope.get("l3_router")) is not None:
        return once(backend.l3_agents_of_router(router_id))
    return backend.network_agents(host=scope.get("host"))


async def set_agent(backend: Backend, agent: NetworkAgent, values: Values) -> None:
    await backend.set_network_agent(agent, enabled=not agent.admin_state_up)


def namespace_shell(agent: NetworkAgent) -> object:
    from tui.screens.namespace_shell import agent_shell

    return agent_shell(agent)


def hosts_namespaces(agent: NetworkAgent) -> bool:
    return agent.binary in (DHCP_AGENT, L3_AGENT)


NETWORK_AGENTS = Resource(
    name="network-agents",
    title="Network agents",
    aliases=("agents", "agent", "neutron-agents"),
    columns=(
        Col("Type", attr("agent_type"), min_width=6, max_width=20),
        Col("Binary", attr("binary"), min_width=8, max_width=28),
        Col("Host", attr("host"), min_width=6, max_width=30),
        Col("Alive", _alive_text, min_width=4, max_width=5, style=state_style(_alive_text)),
        Col("Admin", _enabled_text, min_width=7, max_width=8, style=state_style(_enabled_text)),
        Col("AZ", attr("availability_zone"), min_width=2, max_width=10),
        Col("Heartbeat", attr("heartbeat"), min_width=10, max_width=26),
    ),
    list=list_agents,
    get=lambda b, i: b.network_agent(i),
    label=lambda a: a.name,
    needs_admin=True,
    drills=(
        Drill(
            "enter",
            "networks",
            lambda a: scoped("dhcp_agent", a.id, f"agent {a.name}"),
            "Networks this DHCP agent serves",
        ),
        Drill(
            "o",
            "routers",
            lambda a: scoped("l3_agent", a.id, f"agent {a.name}"),
            "Routers this L3 agent hosts",
        ),
        Drill(
            "h",
            "compute-services",
            lambda a: scoped("host", a.host, f"host {a.host}"),
            "Compute services on the same host",
        ),
    ),
    actions=(
        Action(
            "disable",
            "D",
            "Disable agent",
            set_agent,
            lambda a: a.admin_state_up,
            confirm="yes",
            progress="disabling",
        ),
        Action(
            "enable",
            "E",
            "Enable agent",
            set_agent,
            lambda a: not a.admin_state_up,
            confirm="yes",
            progress="enabling",
        ),
    ),
    views=(
        View(
            "s",
            "netns-shell",
            "Shell in a namespace it hosts (its networks' or routers')",
            namespace_shell,
            hosts_namespaces,
        ),
    ),
)
