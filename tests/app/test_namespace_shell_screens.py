"""`s` on a network, a router and a network agent in the in-memory cloud: a shell inside
their namespace on the network node. The SSH connection is replaced through the screen's
seam (`app.ssh_connector`) by a real local shell in a PTY that records the planned target."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from tests.app_helpers import demo_app, screen_text, select, settle, wait_for
from tui.app import StackdeckApp
from tui.backend.models import NetworkAgent
from tui.backend.namespace_shell import ShellTarget, shell_command
from tui.backend.sessions import LocalPtySession
from tui.screens.form import FormScreen
from tui.screens.namespace_shell import network_shell
from tui.screens.resource import ResourceScreen
from tui.screens.terminal_screen import TerminalScreen
from tui.widgets.picker import Picker
from tui.widgets.terminal import Terminal

NET = "3bb9f1ed-9d5f-59ce-a0f1-bd804e2da6d6"  # private-admin
OTHER_NET = "81b6dbf6-5b5c-5d8e-b123-07707813b3eb"  # private-ops
ROUTER = "d20427cf-f902-57eb-bd23-3364b3e2c0a8"  # router-admin


class LocalShell:
    """A connector that records the target and runs `sh` locally instead of SSH."""

    def __init__(self) -> None:
        self.targets: list[ShellTarget] = []

    async def __call__(self, target: ShellTarget, cols: int, rows: int, prompt: Any) -> Any:
        self.targets.append(target)
        return await LocalPtySession.start(["sh"], cols, rows, env={"PS1": "netns$ "})


def terminal_text(app: StackdeckApp) -> str:
    return "\n".join(app.screen.query_one(Terminal).screen_lines())


def description(app: StackdeckApp) -> str:
    return str(app.screen.query_one("#form-description").render())


def status(app: StackdeckApp) -> str:
    return str(app.screen.query_one("#ssh-status").render())


async def open_form(pilot: Any, label: str) -> FormScreen:
    app = pilot.app
    await select(pilot, label)
    await pilot.press("s")
    await wait_for(pilot, lambda: isinstance(app.screen, FormScreen))
    await pilot.pause()
    screen = app.screen
    assert isinstance(screen, FormScreen)
    return screen


async def pick_namespace(pilot: Any, query: str) -> list[str]:
    """The namespaces the form offers; then type `query` into the filter and take the first
    match, as an operator would."""
    picker = pilot.app.screen.query_one("#input-namespace", Picker)
    await wait_for(pilot, lambda: not picker._loading)
    offered = [choice.value for choice in picker._choices]
    picker.query_one("Input").focus()
    await pilot.press(*query, "enter")
    await pilot.pause()
    return offered


async def connect_and_leave(pilot: Any, shell: LocalShell) -> ShellTarget:
    """Submit the form, reach the shell's prompt, run a command, leave with `exit`."""
    app = pilot.app
    await pilot.press("ctrl+s")
    await wait_for(pilot, lambda: "netns$" in terminal_text(app))
    screen = app.screen
    assert isinstance(screen, TerminalScreen) and screen.state == "connected"
    target = shell.targets[-1]
    assert f"{target.namespace} on netnode1" in status(app)
    await pilot.press(*"echo marker-$((6*7))", "enter")
    await wait_for(pilot, lambda: "marker-42" in terminal_text(app))
    await pilot.press(*"exit", "enter")
    await wait_for(pilot, lambda: isinstance(app.screen, ResourceScreen))
    return target


async def test_s_on_a_network_opens_a_shell_in_its_dhcp_namespace() -> None:
    app = demo_app(start="networks", read_only=True)  # a shell is no cloud write
    app.ssh_connector = shell = LocalShell()  # type: ignore[attr-defined]
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await open_form(pilot, "private-admin")
        text = description(app)
        assert f"Namespace: qdhcp-{NET} (network private-admin)" in text
        assert "Network node: netnode1" in text
        assert f"ip netns exec qdhcp-{NET} env 'PS1=[qdhcp-3bb9f1ed]" in text
        assert "bash --norc -i" in text and "ip route" in text
        target = await connect_and_leave(pilot, shell)
        assert target.namespace == f"qdhcp-{NET}"
        assert target.command == shell_command(f"qdhcp-{NET}", None)
        assert not target.forward_agent
    assert app.backend.writes == []


async def test_s_on_a_router_opens_a_shell_in_its_qrouter_namespace() -> None:
    app = demo_app(start="routers")
    app.ssh_connector = shell = LocalShell()  # type: ignore[attr-defined]
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await open_form(pilot, "router-admin")
        assert f"Namespace: qrouter-{ROUTER} (router router-admin)" in description(app)
        target = await connect_and_leave(pilot, shell)
        assert target.namespace == f"qrouter-{ROUTER}"
        assert target.command == shell_command(f"qrouter-{ROUTER}", None)


async def test_router_without_l3_agent_says_so_and_opens_nothing() -> None:
    app = demo_app(start="routers")
    app.ssh_connector = shell = LocalShell()  # type: ignore[attr-defined]

    async def no_agents(router_id: str) -> list[NetworkAgent]:
        return []

    app.backend.l3_agents_of_router = no_agents  # type: ignore[method-assign]
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await select(pilot, "router-admin")
        await pilot.press("s")
        await wait_for(
            pilot, lambda: isinstance(app.screen, TerminalScreen) and app.screen.state == "failed"
        )
        assert "No L3 agent hosts router router-admin" in status(app)
        assert any("No L3 agent hosts router" in n.message for n in app._notifications)
        assert not shell.targets
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, ResourceScreen))


async def test_s_on_a_dhcp_agent_picks_one_of_its_networks() -> None:
    app = demo_app(start="network-agents")
    app.ssh_connector = shell = LocalShell()  # type: ignore[attr-defined]
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await open_form(pilot, "neutron-dhcp-agent@netnode1")
        offered = await pick_namespace(pilot, "private-ops")
        assert f"qdhcp-{NET}" in offered and f"qdhcp-{OTHER_NET}" in offered
        assert all(namespace.startswith("qdhcp-") for namespace in offered)
        target = await connect_and_leave(pilot, shell)
        assert target.namespace == f"qdhcp-{OTHER_NET}"
        assert target.command == shell_command(f"qdhcp-{OTHER_NET}", None)


async def test_s_on_an_l3_agent_opens_one_of_its_routers_namespaces() -> None:
    app = demo_app(start="network-agents")
    app.ssh_connector = shell = LocalShell()  # type: ignore[attr-defined]
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await open_form(pilot, "neutron-l3-agent@netnode1")
        offered = await pick_namespace(pilot, "router-admin")
        assert all(namespace.startswith("qrouter-") for namespace in offered)
        target = await connect_and_leave(pilot, shell)
        assert target.namespace == f"qrouter-{ROUTER}"


async def test_s_on_an_agent_without_namespaces_does_nothing() -> None:
    app = demo_app(start="network-agents")
    app.ssh_connector = shell = LocalShell()  # type: ignore[attr-defined]
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await select(pilot, "neutron-metadata-agent@netnode1")
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(app.screen, ResourceScreen) and not shell.targets


async def test_hostile_network_name_is_shown_safely_in_the_form() -> None:
    app = demo_app(start="networks")
    app.ssh_connector = LocalShell()  # type: ignore[attr-defined]
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ResourceScreen)
        row = next(r for r in screen.table.rows_in_view() if r.name == "private-admin")
        app.push_screen(network_shell(replace(row, name="x\x1b]52;c;eA==\x07[b]")))
        await wait_for(pilot, lambda: isinstance(app.screen, FormScreen))
        await pilot.pause()
        assert "(network x␛]52;c;eA==␇[b])" in description(app)
        assert "\x1b" not in screen_text(pilot) and "\x07" not in screen_text(pilot)
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, ResourceScreen))
