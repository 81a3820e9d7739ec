"""`s` on a devcloud network and on its DHCP agent: stackdeck → OpenSSH sshd ("netnode1" on
127.0.0.1, as root) → `ip netns exec qdhcp-<network_id> … bash` in the namespace the real
neutron-dhcp-agent made, where `ip a` / `ip route` / `ping` show the agent's DHCP port.
And `s` on a router, which no L3 agent hosts in devcloud. No part is mocked."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import TypeVar

import pytest

from tests.e2e.conftest import CLOUD, NETWORK, NodeLab, as_operator
from tests.e2e.netns import wait_for_namespace
from tests.e2e.test_ssh_namespace import lines, make_app, wait_for
from tui.app import StackdeckApp
from tui.backend.models import Network, Port
from tui.backend.openstack import OpenStackBackend
from tui.config import Settings
from tui.screens.form import FormScreen
from tui.screens.resource import ResourceScreen
from tui.screens.terminal_screen import TerminalScreen

T = TypeVar("T")


@pytest.fixture
def node_env(network_node: NodeLab, monkeypatch: pytest.MonkeyPatch) -> NodeLab:
    as_operator(network_node, monkeypatch)
    network_node.seed_known_hosts()
    return network_node


async def first(pages: AsyncIterator[list[T]], keep: Callable[[T], bool]) -> T:
    return next(item for item in [i async for page in pages for i in page] if keep(item))


async def demo_net() -> tuple[Network, Port, str]:
    """devcloud's demo network, the DHCP agent's port on it and its subnet's CIDR."""
    backend = OpenStackBackend(CLOUD)
    await backend.connect()
    try:
        network = await first(backend.networks(), lambda n: n.name == NETWORK)
        port = await first(
            backend.ports(network_id=network.id), lambda p: p.device_owner == "network:dhcp"
        )
        cidr = (await first(backend.subnets(network_id=network.id), lambda s: True)).cidr
    finally:
        await backend.close()
    return network, port, cidr


def at_shell_prompt(app: StackdeckApp, namespace: str) -> bool:
    """The shell runs and its prompt names the namespace ([qdhcp-<8 characters>])."""
    screen = app.screen
    if not isinstance(screen, TerminalScreen) or screen.state != "connected":
        return False
    prompt = f"[{namespace[: len('qdhcp-') + 8]}] root@"
    return any(line.startswith(prompt) for line in lines(app))


async def troubleshoot_in_namespace(pilot, namespace: str, port: Port, cidr: str) -> None:  # type: ignore[no-untyped-def]
    """In the shell: it is inside `namespace`, sees the DHCP port's interface and address,
    the subnet's route, and can ping; `exit` returns to the list."""
    app = pilot.app
    await wait_for(pilot, lambda: at_shell_prompt(app, namespace))
    ip = port.fixed_ips[0].ip_address
    interface = f"ns-{port.id[:11]}"  # the DHCP agent's interface driver names it so
    await pilot.press(*"ip netns identify; ip -br a; ip route", "enter")
    await wait_for(pilot, lambda: any(ln.strip() == namespace for ln in lines(app)))
    shown = lines(app)
    assert any(ln.startswith(interface) and f"{ip}/" in ln for ln in shown), shown
    assert any(ln.startswith(f"{cidr} dev {interface}") for ln in shown), shown
    await pilot.press(*f"ping -c 1 -W 2 {ip} | grep -c ' 0% packet loss'", "enter")
    await wait_for(pilot, lambda: any(ln.strip() == "1" for ln in lines(app)))
    await pilot.press(*"exit", "enter")
    await wait_for(pilot, lambda: isinstance(app.screen, ResourceScreen))


async def select_row(pilot, key: str) -> None:  # type: ignore[no-untyped-def]
    app = pilot.app
    await wait_for(pilot, lambda: isinstance(app.screen, ResourceScreen) and app.screen.loaded)
    screen = app.screen
    await wait_for(pilot, lambda: screen.table.select_key(key))


async def test_s_on_a_network_opens_a_shell_in_its_real_dhcp_namespace(node_env: NodeLab) -> None:
    lab = node_env
    network, port, cidr = await demo_net()
    namespace = f"qdhcp-{network.id}"
    wait_for_namespace(namespace)
    app = make_app(lab, "networks")
    async with app.run_test(size=(120, 36)) as pilot:
        await select_row(pilot, network.id)
        await pilot.press("s")
        await wait_for(pilot, lambda: isinstance(app.screen, FormScreen))
        description = str(app.screen.query_one("#form-description").render())
        assert f"Namespace: {namespace} (network {NETWORK})" in description
        assert f"Network node: netnode1 (root@127.0.0.1:{lab.node.port})" in description
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: at_shell_prompt(app, namespace))
        status = str(app.screen.query_one("#ssh-status").render())
        assert f"Connected: {namespace} on netnode1" in status
        await troubleshoot_in_namespace(pilot, namespace, port, cidr)


async def test_s_on_the_dhcp_agent_opens_a_shell_in_a_network_it_serves(
    node_env: NodeLab,
) -> None:
    lab = node_env
    network, port, cidr = await demo_net()
    namespace = f"qdhcp-{network.id}"
    wait_for_namespace(namespace)
    backend = OpenStackBackend(CLOUD)
    await backend.connect()
    try:
        agent = await first(
            backend.network_agents(host="netnode1"), lambda a: a.binary == "neutron-dhcp-agent"
        )
    finally:
        await backend.close()
    app = make_app(lab, "network-agents")
    async with app.run_test(size=(120, 36)) as pilot:
        await select_row(pilot, agent.id)
        await pilot.press("s")
        await wait_for(pilot, lambda: isinstance(app.screen, FormScreen))
        picker = app.screen.query_one("#input-namespace")
        await wait_for(pilot, lambda: not picker._loading)  # type: ignore[attr-defined]
        picker.query_one("Input").focus()
        await pilot.press(*NETWORK, "enter")
        await pilot.press("ctrl+s")
        await troubleshoot_in_namespace(pilot, namespace, port, cidr)


async def test_s_on_a_router_without_l3_agent_says_so(dhcp_devcloud: Path) -> None:
    backend = OpenStackBackend(CLOUD)
    await backend.connect()
    try:
        router = await first(backend.routers(), lambda r: True)
        assert await backend.l3_agents_of_router(router.id) == []  # devcloud has no L3 agent
    finally:
        await backend.close()
    settings = Settings(refresh_seconds=0, start_resource="routers")
    app = StackdeckApp(OpenStackBackend(CLOUD), settings)
    async with app.run_test(size=(120, 36)) as pilot:
        await select_row(pilot, router.id)
        await pilot.press("s")
        await wait_for(
            pilot, lambda: isinstance(app.screen, TerminalScreen) and app.screen.state == "failed"
        )
        status = str(app.screen.query_one("#ssh-status").render())
        assert f"No L3 agent hosts router {router.name}" in status
