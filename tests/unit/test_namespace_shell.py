"""A shell in a network namespace, planned on the in-memory cloud: the exact command, its
quoting, which hosts and namespaces are offered, and what is refused."""

from __future__ import annotations

import shlex
from dataclasses import replace
from typing import Any

import pytest

from tui.backend.errors import Forbidden
from tui.backend.memory import MemoryBackend
from tui.backend.models import Network, NetworkAgent, Router
from tui.backend.namespace_shell import (
    plan_agent_shell,
    plan_network_shell,
    plan_router_shell,
    shell_command,
)
from tui.backend.ssh_config import CloudSsh, Destination
from tui.backend.ssh_values import InvalidValue, SshError, valid_namespace

NET = "3bb9f1ed-9d5f-59ce-a0f1-bd804e2da6d6"
ROUTER = "d20427cf-f902-57eb-bd23-3364b3e2c0a8"
NODE = Destination("netnode1", "127.0.0.1", 2222, "root")
CLOUD_SSH = CloudSsh(agent_hosts={"netnode1": NODE})
HOSTILE_HOST = "net1\x1b]52;c;eA==\x07;touch${IFS}/tmp/x"


async def rows(backend: MemoryBackend, pages: Any) -> dict[str, Any]:
    return {row.name: row async for page in pages for row in page}


async def network(backend: MemoryBackend, name: str = "private-admin") -> Network:
    await backend.connect()
    found: Network = (await rows(backend, backend.networks()))[name]
    return found


async def router(backend: MemoryBackend, name: str = "router-admin") -> Router:
    await backend.connect()
    found: Router = (await rows(backend, backend.routers()))[name]
    return found


async def agent(backend: MemoryBackend, binary: str) -> NetworkAgent:
    await backend.connect()
    agents = [a async for page in backend.network_agents() for a in page]
    return next(a for a in agents if a.binary == binary)


def agent_row(binary: str, host: str, alive: bool = True) -> NetworkAgent:
    return NetworkAgent.from_api(
        {"id": f"{host}-{binary}", "agent_type": "x", "binary": binary, "host": host,
         "alive": alive, "admin_state_up": True}
    )  # fmt: skip


# -- the command -----------------------------------------------------------------------


def test_shell_command_is_exact_and_quoted() -> None:
    command = shell_command(f"qdhcp-{NET}", "root")
    assert command == (
        f"ip netns exec qdhcp-{NET} env 'PS1=[qdhcp-3bb9f1ed] \\u@\\h:\\w\\$ ' bash --norc -i"
    )
    argv = shlex.split(command)
    assert argv[3] == f"qdhcp-{NET}" and argv[-3:] == ["bash", "--norc", "-i"]
    assert argv[5] == "PS1=[qdhcp-3bb9f1ed] \\u@\\h:\\w\\$ "


def test_shell_command_uses_sudo_for_a_non_root_node_user() -> None:
    argv = shlex.split(shell_command(f"qrouter-{ROUTER}", "stack"))
    assert argv[:6] == ["sudo", "-n", "ip", "netns", "exec", f"qrouter-{ROUTER}"]
    assert "PS1=[qrouter-d20427cf] " in argv[7]


@pytest.mark.parametrize(
    "value",
    [
        f"qdhcp-{NET}; reboot",
        f"qdhcp-{NET} ",
        f"qdhcp-{NET.upper()}",
        f"snat-{NET}",
        f"fip-{NET}",
        f"qdhcp-{NET}\n",
        "qdhcp-$(reboot)",
        f"-n qdhcp-{NET}",
        "qdhcp-../../etc",
        NET,
        "",
        None,
    ],
)
def test_hostile_namespace_names_are_refused(value: Any) -> None:
    with pytest.raises(InvalidValue, match="namespace"):
        valid_namespace(value)
    with pytest.raises(InvalidValue):
        shell_command(value, "root")


# -- a network ---------------------------------------------------------------------------


async def test_network_shell_opens_in_its_dhcp_namespace_on_the_agent_host() -> None:
    backend = MemoryBackend()
    plan = await plan_network_shell(backend, await network(backend), CLOUD_SSH)
    target = plan.target()
    assert target.namespace == f"qdhcp-{NET}"
    assert target.destination == NODE
    assert target.command == shell_command(f"qdhcp-{NET}", "root")
    assert target.summary == f"qdhcp-{NET} on netnode1 (root@127.0.0.1:2222)"
    assert not target.forward_agent


async def test_several_dhcp_agents_offer_live_hosts_first_and_mark_the_dead() -> None:
    backend = MemoryBackend()

    async def agents(network_id: str) -> list[NetworkAgent]:
        return [
            agent_row("neutron-dhcp-agent", "net-dead", alive=False),
            agent_row("neutron-dhcp-agent", "net-live"),
        ]

    backend.dhcp_agents_of_network = agents  # type: ignore[method-assign]
    plan = await plan_network_shell(backend, await network(backend), CloudSsh())
    assert [d.name for d in plan.destinations] == ["net-live", "net-dead"]
    assert plan.host_label(plan.destinations[1]) == "net-dead (agent down)"
    assert plan.target(via="net-dead").destination.host == "net-dead"
    with pytest.raises(InvalidValue, match="not a network node"):
        plan.target(via="elsewhere")


async def test_hostile_agent_host_is_refused_and_the_others_kept() -> None:
    backend = MemoryBackend()

    async def agents(network_id: str) -> list[NetworkAgent]:
        return [agent_row("neutron-dhcp-agent", HOSTILE_HOST), agent_row("x", "net2")]

    backend.dhcp_agents_of_network = agents  # type: ignore[method-assign]
    plan = await plan_network_shell(backend, await network(backend), CloudSsh())
    assert [d.host for d in plan.destinations] == ["net2"]
    assert any("DHCP agent host 'net1␛]52;c;eA==␇;touch${IFS}" in n for n in plan.notes)

    async def only_hostile(network_id: str) -> list[NetworkAgent]:
        return [agent_row("neutron-dhcp-agent", HOSTILE_HOST)]

    backend.dhcp_agents_of_network = only_hostile  # type: ignore[method-assign]
    with pytest.raises(InvalidValue, match="No usable network node") as caught:
        await plan_network_shell(backend, await network(backend), CloudSsh())
    assert "\x1b" not in caught.value.message and "\x07" not in caught.value.message


async def test_hostile_network_id_is_refused() -> None:
    backend = MemoryBackend()
    hostile = replace(await network(backend), id=f"{NET}; reboot")
    with pytest.raises(InvalidValue, match=r"network id '3bb9f1ed-.*; reboot' refused"):
        await plan_network_shell(backend, hostile, CLOUD_SSH)


async def test_network_without_dhcp_agent_has_no_namespace() -> None:
    backend = MemoryBackend()

    async def none(network_id: str) -> list[NetworkAgent]:
        return []

    backend.dhcp_agents_of_network = none  # type: ignore[method-assign]
    with pytest.raises(SshError, match="No DHCP agent hosts network private-admin"):
        await plan_network_shell(backend, await network(backend), CLOUD_SSH)


async def test_forbidden_agent_listing_uses_the_configured_nodes_else_says_so() -> None:
    backend = MemoryBackend()

    async def forbidden(network_id: str) -> list[NetworkAgent]:
        raise Forbidden("policy", status=403)

    backend.dhcp_agents_of_network = forbidden  # type: ignore[method-assign]
    configured = CloudSsh(network_nodes=("net9",))
    plan = await plan_network_shell(backend, await network(backend), configured)
    assert plan.target().destination == Destination("net9", "net9")
    assert any("needs admin" in note for note in plan.notes)
    with pytest.raises(SshError, match="needs admin, and no network_nodes"):
        await plan_network_shell(backend, await network(backend), CloudSsh())


# -- a router ----------------------------------------------------------------------------


async def test_router_shell_opens_in_its_qrouter_namespace() -> None:
    backend = MemoryBackend()
    target = (await plan_router_shell(backend, await router(backend), CLOUD_SSH)).target()
    assert target.namespace == f"qrouter-{ROUTER}"
    assert shlex.split(target.command)[3] == f"qrouter-{ROUTER}"


async def test_router_without_l3_agent_says_so() -> None:
    backend = MemoryBackend()

    async def none(router_id: str) -> list[NetworkAgent]:
        return []

    backend.l3_agents_of_router = none  # type: ignore[method-assign]
    with pytest.raises(SshError, match="No L3 agent hosts router router-admin"):
        await plan_router_shell(backend, await router(backend), CLOUD_SSH)


# -- an agent ----------------------------------------------------------------------------


async def test_dhcp_agent_offers_the_namespaces_of_its_networks_on_its_host() -> None:
    backend = MemoryBackend()
    plan = await plan_agent_shell(backend, await agent(backend, "neutron-dhcp-agent"), CLOUD_SSH)
    namespaces = [c.namespace for c in plan.namespaces]
    assert f"qdhcp-{NET}" in namespaces and all(n.startswith("qdhcp-") for n in namespaces)
    assert [d.name for d in plan.destinations] == ["netnode1"]
    chosen = plan.target(namespace=namespaces[-1])
    assert chosen.namespace == namespaces[-1] and chosen.destination == NODE
    label = next(c.label for c in plan.namespaces if c.namespace == f"qdhcp-{NET}")
    assert label == f"network private-admin ({NET})"
    with pytest.raises(InvalidValue, match="not a namespace of"):
        plan.target(namespace=f"qrouter-{ROUTER}")  # valid, but not this agent's


async def test_l3_agent_offers_the_namespaces_of_its_routers() -> None:
    backend = MemoryBackend()
    plan = await plan_agent_shell(backend, await agent(backend, "neutron-l3-agent"), CLOUD_SSH)
    assert f"qrouter-{ROUTER}" in [c.namespace for c in plan.namespaces]


async def test_other_agents_have_no_namespace() -> None:
    backend = MemoryBackend()
    metadata = await agent(backend, "neutron-metadata-agent")
    with pytest.raises(SshError, match="neither a DHCP nor an L3 agent"):
        await plan_agent_shell(backend, metadata, CLOUD_SSH)
