"""`s`, `S` and `v` on the in-memory cloud. The SSH connection is replaced through the
screen's seam (`app.ssh_connector`) by a real local shell in a PTY (`LocalPtySession`)."""

from __future__ import annotations

import asyncio
from typing import Any

from tests.app_helpers import demo_app, select, settle, wait_for
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
