"""`s`, `S` and `v` on the in-memory cloud. The SSH connection is replaced through the
screen's seam (`app.ssh_connector`) by a real local shell in a PTY (`LocalPtySession`)."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import asyncssh
import pytest

from tests.app_helpers import demo_app, screen_text, select, settle, wait_for
from tui.backend.errors import BackendError
from tui.backend.sessions import LocalPtySession
from tui.backend.ssh import HostKeyQuestion, HostKeyRefused, SshError, SshTarget
from tui.screens.form import FormScreen
from tui.screens.resource import ResourceScreen
from tui.screens.terminal_screen import HostKeyScreen, TerminalScreen
from tui.screens.vnc import VncScreen
from tui.widgets.terminal import Terminal


def user_is(screen: object, user: str) -> bool:
    """The connect form shows `user` (False while the form is still being composed)."""
    boxes = screen.query("#input-user")  # type: ignore[attr-defined]
    return bool(boxes) and boxes.first().value == user


class LocalShell:
    """A connector that records the target and runs `sh` locally instead of SSH."""

    def __init__(self, question: HostKeyQuestion | None = None) -> None:
        self.targets: list[SshTarget] = []
        self.question = question
        self.answers: list[str] = []

    async def __call__(self, target: SshTarget, cols: int, rows: int, prompt: Any) -> Any:
        self.targets.append(target)
        if self.question is not None:
            answer = await prompt(self.question)
            self.answers.append(answer)
            if answer == "refuse":
                raise HostKeyRefused("Host key of netnode1 was not accepted", operation="SSH")
        return await LocalPtySession.start(["sh"], cols, rows, env={"PS1": "vm$ "})


def terminal_text(pilot) -> str:  # type: ignore[no-untyped-def]
    return "\n".join(pilot.app.screen.query_one(Terminal).screen_lines())


async def test_s_plans_confirms_connects_and_exit_returns_to_the_list() -> None:
    app = demo_app()
    app.ssh_connector = shell = LocalShell()  # type: ignore[attr-defined]
    async with app.run_test(size=(110, 32)) as pilot:
        await settle(pilot)
        await select(pilot, "web-01")
        await pilot.press("s")
        await wait_for(pilot, lambda: isinstance(app.screen, FormScreen))
        form = app.screen
        description = str(form.query_one("#form-description").render())
        assert "Network node: netnode1" in description and "qdhcp-" in description
        assert "not checked on the inner hop" in description
        await wait_for(pilot, lambda: user_is(form, "cirros"))
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: "vm$" in terminal_text(pilot))
        screen = app.screen
        assert isinstance(screen, TerminalScreen) and screen.state == "connected"
        status = str(screen.query_one("#ssh-status").render())
        assert "cirros@10.0.0.2 via netnode1" in status
        assert shell.targets[0].command.endswith("cirros@10.0.0.2")  # type: ignore[union-attr]
        await pilot.press(*"echo marker-$((6*7))", "enter")
        await wait_for(pilot, lambda: "marker-42" in terminal_text(pilot))
        await pilot.press(*"exit", "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ResourceScreen))


async def test_edited_user_is_used_and_hostile_user_is_refused_in_the_form() -> None:
    app = demo_app()
    app.ssh_connector = shell = LocalShell()  # type: ignore[attr-defined]
    async with app.run_test(size=(110, 32)) as pilot:
        await settle(pilot)
        await select(pilot, "web-01")
        await pilot.press("s")
        await wait_for(pilot, lambda: isinstance(app.screen, FormScreen))
        await wait_for(pilot, lambda: user_is(app.screen, "cirros"))
        box = app.screen.query_one("#input-user")
        box.value = "$(reboot)"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, FormScreen) and not shell.targets
        assert "-invalid" in app.screen.query_one("#field-user").classes
        box.value = "root"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: bool(shell.targets))
        assert shell.targets[0].user == "root"
        await wait_for(pilot, lambda: "vm$" in terminal_text(pilot))
        await pilot.press("ctrl+right_square_bracket")
        await wait_for(pilot, lambda: isinstance(app.screen, ResourceScreen))


async def test_cancelling_the_form_returns_to_the_list() -> None:
    app = demo_app()
    app.ssh_connector = shell = LocalShell()  # type: ignore[attr-defined]
    async with app.run_test(size=(110, 32)) as pilot:
        await settle(pilot)
        await select(pilot, "web-01")
        await pilot.press("S")
        await wait_for(pilot, lambda: isinstance(app.screen, FormScreen))
        assert "floating IP" in str(app.screen.query_one("#form-title").render())
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, ResourceScreen))
        assert not shell.targets


async def test_floating_ssh_needs_a_floating_ip() -> None:
    app = demo_app()
    async with app.run_test(size=(110, 32)) as pilot:
        await settle(pilot)
        await select(pilot, "db-02")  # no floating IP: S does nothing
        await pilot.press("S")
        await pilot.pause()
        assert isinstance(app.screen, ResourceScreen)


async def test_connection_error_is_a_message_not_a_traceback() -> None:
    async def failing(target: SshTarget, cols: int, rows: int, prompt: Any) -> Any:
        raise SshError(
            "root@127.0.0.1:2222: permission denied (check your agent/keys)", operation="SSH"
        )

    app = demo_app()
    app.ssh_connector = failing  # type: ignore[attr-defined]
    async with app.run_test(size=(110, 32)) as pilot:
        await settle(pilot)
        await select(pilot, "web-01")
        await pilot.press("s")
        await wait_for(pilot, lambda: isinstance(app.screen, FormScreen))
        await wait_for(pilot, lambda: user_is(app.screen, "cirros"))
        await pilot.press("ctrl+s")
        await wait_for(
            pilot, lambda: isinstance(app.screen, TerminalScreen) and app.screen.state == "failed"
        )
        status = str(app.screen.query_one("#ssh-status").render())
        assert "SSH failed: root@127.0.0.1:2222: permission denied" in status
        assert any("permission denied" in n.message for n in app._notifications)
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, ResourceScreen))


async def test_unknown_host_key_is_asked_and_refusal_is_shown() -> None:
    question = HostKeyQuestion("127.0.0.1", 2222, "ssh-ed25519", "SHA256:abc", False, "/k")
    app = demo_app()
    app.ssh_connector = shell = LocalShell(question)  # type: ignore[attr-defined]
    async with app.run_test(size=(110, 32)) as pilot:
        await settle(pilot)
        await select(pilot, "web-01")
        await pilot.press("s")
        await wait_for(pilot, lambda: isinstance(app.screen, FormScreen))
        await wait_for(pilot, lambda: user_is(app.screen, "cirros"))
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, HostKeyScreen))
        body = str(app.screen.query_one("#hostkey-body").render())
        assert "[127.0.0.1]:2222" in body and "SHA256:abc" in body and "ssh-ed25519" in body
        await pilot.press("enter")  # the focused button is Refuse
        await wait_for(
            pilot, lambda: isinstance(app.screen, TerminalScreen) and app.screen.state == "failed"
        )
        assert shell.answers == ["refuse"]
        assert "not accepted" in str(app.screen.query_one("#ssh-status").render())


async def test_accepted_host_key_connects() -> None:
    question = HostKeyQuestion("127.0.0.1", 2222, "ssh-ed25519", "SHA256:abc", True, "/k")
    app = demo_app()
    app.ssh_connector = shell = LocalShell(question)  # type: ignore[attr-defined]
    async with app.run_test(size=(110, 32)) as pilot:
        await settle(pilot)
        await select(pilot, "web-01")
        await pilot.press("s")
        await wait_for(pilot, lambda: isinstance(app.screen, FormScreen))
        await wait_for(pilot, lambda: user_is(app.screen, "cirros"))
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, HostKeyScreen))
        assert "CHANGED" in str(app.screen.query_one("#hostkey-title").render())
        await pilot.click("#hostkey-once")
        await wait_for(pilot, lambda: "vm$" in terminal_text(pilot))
        assert shell.answers == ["once"]
        await pilot.press("ctrl+right_square_bracket")
        await wait_for(pilot, lambda: isinstance(app.screen, ResourceScreen))


async def test_vnc_modal_shows_and_copies_the_url() -> None:
    app = demo_app()
    async with app.run_test(size=(110, 32)) as pilot:
        await settle(pilot)
        await select(pilot, "web-01")
        await pilot.press("v")
        await wait_for(pilot, lambda: isinstance(app.screen, VncScreen) and bool(app.screen.url))
        assert app.clipboard == app.screen.url
        assert "novnc" in str(app.screen.query_one("#vnc-body").render())
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, ResourceScreen))


async def test_vnc_error_is_shown_in_the_modal() -> None:
    app = demo_app()

    async def disabled(server_id: str) -> str:
        await asyncio.sleep(0)
        raise BackendError(
            "Nova: Unavailable console type novnc.", status=400, operation="open VNC console"
        )

    app.backend.vnc_console_url = disabled  # type: ignore[method-assign]
    async with app.run_test(size=(110, 32)) as pilot:
        await settle(pilot)
        await select(pilot, "web-01")
        await pilot.press("v")
        await wait_for(
            pilot, lambda: isinstance(app.screen, VncScreen) and app.screen.error is not None
        )
        body = str(app.screen.query_one("#vnc-body").render())
        assert "HTTP 400" in body and "Unavailable console type" in body
        assert app.clipboard == ""


# -- hostile input ------------------------------------------------------------------------

HOSTILE_TEXT = "x\x1b[2J\x1b]0;title\x07\x1b]52;c;cm0gLXJmIH4K\x1b\\\x9b31m\u202e [/] [b]"
RAW = ("\x1b", "\x07", "\x9b", "\u202e")


def no_raw_control(text: str) -> bool:
    return not any(char in text for char in RAW)


async def test_hostile_agent_host_is_refused_in_the_form_and_nothing_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Neutron names a DHCP agent host built to inject a command through ~/.ssh/config's
    ProxyCommand; with the real connector, `s` refuses it by name and nothing runs."""
    home, canary = tmp_path / "home", tmp_path / "canary"
    (home / ".ssh").mkdir(parents=True)
    (home / ".ssh" / "config").write_text(
        'Host *\n    ProxyCommand /bin/sh -c "echo %h:%p >/dev/null"\n'
    )
    monkeypatch.setenv("HOME", str(home))
    app = demo_app()  # no ssh_connector: the real one (asyncssh, ~/.ssh/config)
    hostile_host = f"[/]\x1b]52;c;eA==\x07;touch${{IFS}}{canary}"

    async def agent_hosts(network_id: str) -> list[str]:
        return [hostile_host]

    app.backend.dhcp_agent_hosts = agent_hosts  # type: ignore[method-assign]
    async with app.run_test(size=(110, 32)) as pilot:
        await settle(pilot)
        await select(pilot, "web-01")
        await pilot.press("s")
        await wait_for(pilot, lambda: isinstance(app.screen, FormScreen))
        form = app.screen
        await wait_for(pilot, lambda: user_is(form, "cirros"))
        description = str(form.query_one("#form-description").render())
        assert "DHCP agent host '[/]␛]52;c;eA==␇;touch${IFS}" in description
        assert "refused: it contains control characters" in description
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: "No usable network node" in form_error(form))
        assert app.screen is form and user_is(form, "cirros")  # what was typed stays
        assert "for 10.0.0.2: DHCP agent host '[/]␛]52" in form_error(form)
        assert no_raw_control(screen_text(pilot))
    assert not canary.exists()


def form_error(form: object) -> str:
    return str(form.query_one("#form-error").render())  # type: ignore[attr-defined]


async def test_hostile_text_from_the_ssh_server_is_shown_safely() -> None:
    """A connection that fails with a message full of escapes and markup: status line and
    notification show it visibly, nothing raw reaches the terminal, nothing crashes."""

    async def failing(target: SshTarget, cols: int, rows: int, prompt: Any) -> Any:
        from tui.backend.ssh import _connect_error

        raise _connect_error(target.destination, asyncssh.DisconnectError(11, HOSTILE_TEXT))

    app = demo_app()
    app.ssh_connector = failing  # type: ignore[attr-defined]
    async with app.run_test(size=(110, 32)) as pilot:
        await settle(pilot)
        await select(pilot, "web-01")
        await pilot.press("s")
        await wait_for(pilot, lambda: isinstance(app.screen, FormScreen))
        await wait_for(pilot, lambda: user_is(app.screen, "cirros"))
        await pilot.press("ctrl+s")
        await wait_for(
            pilot, lambda: isinstance(app.screen, TerminalScreen) and app.screen.state == "failed"
        )
        await pilot.pause()
        status = str(app.screen.query_one("#ssh-status").render())
        assert "x␛[2J␛]0;title␇␛]52;c;" in status
        assert no_raw_control(status) and no_raw_control(screen_text(pilot))
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, ResourceScreen))


async def test_remote_output_cannot_reach_the_terminal_raw() -> None:
    """The remote program prints escapes, C1 controls, bidi overrides and an OSC 52 write:
    the emulator interprets or shows them; the title and the screen carry none raw."""
    app = demo_app()
    app.ssh_connector = LocalShell()  # type: ignore[attr-defined]
    script = (
        r"printf 'A\302\205B\342\200\256C\302\220D [/] \033]52;c;eA==\007E"
        r"\033]0;t\342\200\256\302\233itle\007\n'"
    )
    async with app.run_test(size=(110, 32)) as pilot:
        await settle(pilot)
        await select(pilot, "web-01")
        await pilot.press("s")
        await wait_for(pilot, lambda: isinstance(app.screen, FormScreen))
        await wait_for(pilot, lambda: user_is(app.screen, "cirros"))
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: "vm$" in terminal_text(pilot))
        await pilot.press(*script, "enter")
        await wait_for(pilot, lambda: "\\u202eC" in terminal_text(pilot))
        terminal = app.screen.query_one(Terminal)
        assert "A\\x85B\\u202eC\\x90D [/] E" in terminal_text(pilot)
        assert terminal.title == "t\\u202e\\x9bitle"
        await pilot.pause(0.1)
        assert no_raw_control(screen_text(pilot))
        await pilot.press("ctrl+right_square_bracket")
        await wait_for(pilot, lambda: isinstance(app.screen, ResourceScreen))


async def test_a_session_ending_with_hostile_text_is_a_safe_notification() -> None:
    class Broken:
        title = "cirros@10.0.0.2"
        exit_status = None

        async def read(self) -> bytes:
            raise OSError(f"lost: {HOSTILE_TEXT}")

        def write(self, data: bytes) -> None: ...

        def resize(self, cols: int, rows: int) -> None: ...

        async def close(self) -> None: ...

    async def connector(target: SshTarget, cols: int, rows: int, prompt: Any) -> Any:
        return Broken()

    app = demo_app()
    app.ssh_connector = connector  # type: ignore[attr-defined]
    async with app.run_test(size=(110, 32)) as pilot:
        await settle(pilot)
        await select(pilot, "web-01")
        await pilot.press("s")
        await wait_for(pilot, lambda: isinstance(app.screen, FormScreen))
        await wait_for(pilot, lambda: user_is(app.screen, "cirros"))
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, ResourceScreen))
        await pilot.pause()
        ended = [n for n in app._notifications if n.title == "SSH session ended"]
        assert ended and "lost: x␛[2J" in ended[0].message and "[/] [b]" in ended[0].message
        assert no_raw_control(screen_text(pilot))
