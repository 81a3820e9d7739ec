"""`s` on a real devcloud server: stackdeck → OpenSSH sshd ("netnode1" on 127.0.0.1) →
`ip netns exec qdhcp-<network_id> ssh cirros@<fixed ip>` → OpenSSH sshd in the VM namespace,
which took the server's fixed IP from Neutron's dnsmasq. No part is mocked."""

from __future__ import annotations

import time

import asyncssh
import pytest

from tests.e2e.conftest import CLOUD, Lab, NodeLab, as_operator
from tui.app import StackdeckApp
from tui.backend.openstack import OpenStackBackend
from tui.config import Settings, parse_settings
from tui.screens.form import FormScreen
from tui.screens.resource import ResourceScreen
from tui.screens.terminal_screen import HostKeyScreen, TerminalScreen
from tui.widgets.terminal import Terminal

PROMPT_BUDGET = 5.0  # seconds, s -> prompt; ~0.9 s measured here, the goal is < 2 s


def user_is(screen: object, user: str) -> bool:
    """The connect form shows `user` (False while the form is still being composed)."""
    boxes = screen.query("#input-user")  # type: ignore[attr-defined]
    return bool(boxes) and boxes.first().value == user


async def wait_for(pilot, check, timeout: float = 20.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        await pilot.pause(0.02)
    raise AssertionError("condition not reached; screen:\n" + describe(pilot.app))


def describe(app: StackdeckApp) -> str:
    screen = app.screen
    lines = [repr(screen)]
    if isinstance(screen, TerminalScreen):
        lines.append(str(screen.query_one("#ssh-status").render()))
        lines.extend(screen.query_one(Terminal).screen_lines())
    return "\n".join(lines)


def lines(app: StackdeckApp) -> list[str]:
    return app.screen.query_one(Terminal).screen_lines()


def at_prompt(app: StackdeckApp) -> bool:
    screen = app.screen
    if not isinstance(screen, TerminalScreen) or screen.state != "connected":
        return False
    return any(line.rstrip().endswith("$") for line in lines(app))


def make_app(lab: NodeLab, start: str = "servers") -> StackdeckApp:
    ssh = parse_settings(lab.settings_document()).ssh
    settings = Settings(refresh_seconds=0, start_resource=start, ssh=ssh)
    return StackdeckApp(OpenStackBackend(CLOUD), settings)


@pytest.fixture
def operator_env(lab: Lab, monkeypatch: pytest.MonkeyPatch) -> Lab:
    as_operator(lab, monkeypatch)
    return lab


async def open_connect_form(pilot, lab: Lab) -> tuple[FormScreen, float]:  # type: ignore[no-untyped-def]
    """Select the lab's server, press `s`; the form, and when `s` was pressed."""
    app = pilot.app
    await wait_for(pilot, lambda: isinstance(app.screen, ResourceScreen) and app.screen.loaded)
    screen = app.screen
    await wait_for(pilot, lambda: screen.table.select_key(lab.vm.server.id))
    pressed = time.monotonic()
    await pilot.press("s")
    await wait_for(pilot, lambda: isinstance(app.screen, FormScreen))
    form = app.screen
    await wait_for(pilot, lambda: user_is(form, "cirros"))
    return form, pressed


async def test_s_reaches_the_vm_shell_through_the_dhcp_namespace(operator_env: Lab) -> None:
    lab = operator_env
    lab.seed_known_hosts()
    app = make_app(lab)
    async with app.run_test(size=(120, 36)) as pilot:
        form, started = await open_connect_form(pilot, lab)
        description = str(form.query_one("#form-description").render())
        assert f"qdhcp-{lab.vm.network_id}" in description
        assert "netnode1 (root@127.0.0.1:" in description
        submitted = time.monotonic()
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: at_prompt(app))
        to_prompt = time.monotonic() - submitted
        total = time.monotonic() - started
        print(
            f"\ns -> connect form {submitted - started:.2f} s; connect -> VM prompt "
            f"{to_prompt:.2f} s; s -> prompt (form accepted at once) {total:.2f} s"
        )
        assert total < PROMPT_BUDGET
        screen = app.screen
        assert isinstance(screen, TerminalScreen)
        status = str(screen.query_one("#ssh-status").render())
        assert f"cirros@{lab.vm.ip} via netnode1" in status
        assert f"namespace qdhcp-{lab.vm.network_id}" in status

        await pilot.press(*"hostname; echo marker-$((6*7))", "enter")
        await wait_for(pilot, lambda: any(ln.strip() == "marker-42" for ln in lines(app)))
        assert any(ln.strip() == lab.vm.hostname for ln in lines(app))

        await pilot.resize_terminal(100, 30)
        await wait_for(pilot, lambda: screen.query_one(Terminal).terminal_size.width == 100)
        size = screen.query_one(Terminal).terminal_size
        await pilot.press(*"stty size", "enter")
        expected = f"{size.height} {size.width}"
        await wait_for(pilot, lambda: any(ln.strip() == expected for ln in lines(app)))

        await pilot.press(*"exit", "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ResourceScreen))


async def test_unknown_network_node_key_is_put_to_the_operator(operator_env: Lab) -> None:
    lab = operator_env
    known_hosts = lab.forget_known_hosts()
    app = make_app(lab)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_connect_form(pilot, lab)
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, HostKeyScreen))
        question = app.screen.question
        assert question.port == lab.node.port and not question.changed
        expected = asyncssh.import_public_key(lab.node.host_key_line).get_fingerprint("sha256")
        assert question.fingerprint == expected
        assert expected in str(app.screen.query_one("#hostkey-body").render())
        await pilot.click("#hostkey-remember")
        await wait_for(pilot, lambda: at_prompt(app))
        assert known_hosts.read_text().split()[:3] == [
            f"[127.0.0.1]:{lab.node.port}",
            *lab.node.host_key_line.split(),
        ]
        await pilot.press("ctrl+right_square_bracket")
        await wait_for(pilot, lambda: isinstance(app.screen, ResourceScreen))


async def test_changed_network_node_key_refused_is_an_error_not_a_traceback(
    operator_env: Lab,
) -> None:
    lab = operator_env
    other = asyncssh.generate_private_key("ssh-ed25519").export_public_key().decode().split()
    (lab.home / ".ssh" / "known_hosts").write_text(
        f"[127.0.0.1]:{lab.node.port} {other[0]} {other[1]}\n"
    )
    app = make_app(lab)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_connect_form(pilot, lab)
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, HostKeyScreen))
        assert app.screen.question.changed
        await pilot.press("escape")  # refuse
        await wait_for(
            pilot, lambda: isinstance(app.screen, TerminalScreen) and app.screen.state == "failed"
        )
        assert "was not accepted" in str(app.screen.query_one("#ssh-status").render())
