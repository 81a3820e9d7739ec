"""An SSH terminal: plan the connection, confirm it in a form, then a live terminal.

What is planned comes from a *request*: `s` / `S` on a server (`ServerSsh`: through the
network node that hosts the server's DHCP namespace, or straight to its floating IP), or a
shell inside a network namespace (screens/namespace_shell.py). The connection itself comes
from a *connector* (`tui.backend.ssh.open_session` by default; tests set
`app.ssh_connector` to run a local shell instead). An unknown or changed host key of the
network node is put to the operator in `HostKeyScreen`.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import Button, Static

from tui.backend.errors import BackendError
from tui.backend.ssh_config import SshSettings
from tui.backend.ssh_values import InvalidValue, SshError, valid_user
from tui.forms import Choice, Field, Form, Values
from tui.guard import GuardedHandlers, on
from tui.screens.contextual import Contextual
from tui.screens.form import FormScreen
from tui.styles import STYLES
from tui.widgets.header import CloudHeader
from tui.widgets.keybar import KeyBar
from tui.widgets.terminal import Terminal

if TYPE_CHECKING:
    from tui.app import StackdeckApp
    from tui.backend.models import Server
    from tui.backend.ssh import Answer, HostKeyQuestion, Mode, SshPlan, SshTarget, Target
    from tui.context import Context

# tui.backend.ssh (asyncssh, ~0.3 s to import) is imported when a connection is planned,
# never at startup.

INNER_HOP_NOTE = "The VM's host key is not checked on the inner hop (VM addresses are reused)."


def ssh_settings(context: Context) -> SshSettings:
    """The SSH tables of the settings file, checked when it was loaded; else the defaults."""
    return context.settings.ssh or SshSettings()


def _user_error(value: Any, _values: Values) -> str | None:
    try:
        valid_user(value)
    except InvalidValue as exc:
        return exc.message
    return None


def _command_preview(ssh_plan: SshPlan) -> str:
    try:
        return ssh_plan.target().command or ""
    except SshError as exc:
        return f"(not yet: {exc.message})"


def plan_description(ssh_plan: SshPlan) -> str:
    lines = [f"Server: {ssh_plan.server_name}"]
    if len(ssh_plan.candidates) == 1:
        lines.append(f"Address: {ssh_plan.candidates[0].label}")
    if ssh_plan.mode == "floating":
        lines.append("Direct SSH to the floating IP; its host key is checked against known_hosts.")
    else:
        first = ssh_plan.candidates[0]
        nodes = ", ".join(d.label for d in ssh_plan.destinations_for(first.ip)) or "none known"
        lines.append(f"Network node: {nodes}")
        lines.append(f"Namespace: qdhcp-{first.network_id}")
        lines.append(f"Runs there: {_command_preview(ssh_plan)}")
        lines.append(INNER_HOP_NOTE)
    lines.extend(ssh_plan.notes)
    return "\n".join(lines)


def connect_form(ssh_plan: SshPlan) -> Form:
    """Address, user and (for `s`) network node, before anything connects."""

    async def addresses(_backend: object, _values: Values) -> list[Choice]:
        return [Choice(c.ip, c.label) for c in ssh_plan.candidates]

    async def nodes(_backend: object, values: Values) -> list[Choice]:
        ip = values.get("ip") or ssh_plan.candidates[0].ip
        return [Choice(d.name, d.label) for d in ssh_plan.destinations_for(str(ip))]

    async def submit(_backend: object, values: Values) -> SshTarget:  # raises InvalidValue
        ip = values.get("ip") or ssh_plan.candidates[0].ip
        return ssh_plan.target(ip, values["user"], values.get("via") or "")

    first_ip = ssh_plan.candidates[0].ip
    fields: list[Field] = []
    if len(ssh_plan.candidates) > 1:
        fields.append(
            Field("ip", "Address", "choice", required=True, default=first_ip, choices=addresses)
        )
    fields.append(
        Field(
            "user",
            "VM user",
            required=True,
            default=ssh_plan.user,
            validate=_user_error,
            help="from the image (os_admin_user or its name); edit if needed",
        )
    )
    several_nodes = any(len(d) > 1 for d in ssh_plan.destinations.values())
    if ssh_plan.mode == "namespace" and (several_nodes or len(fields) > 1):
        first = ssh_plan.destinations_for(first_ip)
        fields.append(
            Field(
                "via",
                "Network node",
                "choice",
                default=first[0].name if first else None,
                choices=nodes,
                depends_on="ip",
            )
        )
    verb = "through the DHCP namespace" if ssh_plan.mode == "namespace" else "to the floating IP"
    return Form(
        title=f"SSH into {ssh_plan.server_name} {verb}",
        fields=tuple(fields),
        submit=submit,
        submit_label="Connect",
        description=plan_description(ssh_plan),
    )


class HostKeyScreen(GuardedHandlers, ModalScreen["Answer"]):
    """An unknown or changed host key: accept once, accept and remember, or refuse."""

    CSS_PATH = STYLES / "terminal_screen.tcss"

    BINDINGS = [Binding("escape", "refuse", "Refuse")]

    def __init__(self, question: HostKeyQuestion) -> None:
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        q = self.question
        title = "Host key CHANGED" if q.changed else "Unknown host key"
        body = Text()
        if q.changed:
            body.append(
                f"The host key of {q.where} differs from the one in {q.known_hosts}.\n"
                "Someone may be intercepting the connection.\n\n",
                style="bold red",
            )
        else:
            body.append(f"{q.where} is not in {q.known_hosts}.\n\n")
        body.append(f"{q.algorithm} key fingerprint:\n")
        body.append(q.fingerprint, style="bold")
        with Vertical(id="hostkey"):
            yield Static(Text(title, style="bold"), id="hostkey-title")
            yield Static(body, id="hostkey-body")
            with Horizontal(id="hostkey-buttons"):
                yield Button("Accept once", id="hostkey-once")
                yield Button("Accept and remember", id="hostkey-remember")
                yield Button("Refuse", variant="error", id="hostkey-refuse")

    def on_mount(self) -> None:
        self.query_one("#hostkey-refuse", Button).focus()

    @on(Button.Pressed, "#hostkey-once")
    def _once(self) -> None:
        self.dismiss("once")

    @on(Button.Pressed, "#hostkey-remember")
    def _remember(self) -> None:
        self.dismiss("remember")

    @on(Button.Pressed, "#hostkey-refuse")
    def action_refuse(self) -> None:
        self.dismiss("refuse")


class SshRequest(Protocol):
    """What a terminal screen connects for: its status badge, what it reaches, and the
    form that plans it (its submit returns the target, a `tui.backend.ssh.Target`)."""

    @property
    def badge(self) -> str: ...
    @property
    def subject(self) -> str: ...
    async def form(self, context: Context) -> Form: ...


@dataclass(frozen=True, slots=True)
class ServerSsh:
    """SSH into a server: through its DHCP namespace (`s`) or to its floating IP (`S`)."""

    server: Server
    mode: Mode

    @property
    def badge(self) -> str:
        return "SSH" if self.mode == "namespace" else "SSH (floating)"

    @property
    def subject(self) -> str:
        return self.server.name

    async def form(self, context: Context) -> Form:
        from tui.backend.ssh import plan

        cloud = context.backend.info.cloud
        ssh_plan = await plan(context.backend, self.server, self.mode, ssh_settings(context), cloud)
        return connect_form(ssh_plan)


class TerminalScreen(GuardedHandlers, Contextual, Screen[None]):
    """A remote shell over SSH: status line, the terminal, the key bar."""

    CSS_PATH = [STYLES / "terminal.tcss", STYLES / "terminal_screen.tcss"]

    app: StackdeckApp

    BINDINGS = [
        Binding("ctrl+right_square_bracket", "leave", "Leave", key_display="ctrl+]"),
        Binding("escape", "back", "Back"),
    ]

    def __init__(self, request: SshRequest) -> None:
        super().__init__()
        self.request = request
        self.target: Target | None = None
        self.state = "planning"
        self.error: BackendError | None = None
        self.connect_seconds: float | None = None

    def compose(self) -> ComposeResult:
        yield CloudHeader()
        yield Static(id="ssh-status")
        yield Terminal(id="terminal")
        yield KeyBar()

    @property
    def terminal(self) -> Terminal:
        return self.query_one(Terminal)

    def on_mount(self) -> None:
        self.show_context(self.query_one(CloudHeader))
        self._status(f"Finding out how to reach {self.request.subject}…")
        self._run()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # While connected, esc belongs to the remote shell; ctrl+] (Terminal.Released) leaves.
        return not (action == "back" and self.state == "connected" and self.terminal.has_focus)

    # -- the flow ------------------------------------------------------------------------

    @work(exclusive=True, group="ssh")
    async def _run(self) -> None:
        try:
            await self._connect()
        except BackendError as exc:
            self._fail(exc)

    async def _connect(self) -> None:
        from tui.backend.ssh import open_session

        form = await self.request.form(self.context)
        self._status("Confirm the connection…")
        target: Target | None = await self.app.push_screen_wait(FormScreen(form))
        if target is None:
            self.dismiss()
            return
        self.target = target
        self.state = "connecting"
        self._status(f"Connecting: {target.summary}…")
        started = time.monotonic()
        size = await self.terminal.wait_for_size()
        connector = getattr(self.app, "ssh_connector", None) or open_session
        session = await connector(target, size.width, size.height, self._ask_host_key)
        try:
            await self.terminal.attach(session)
        except BaseException:  # the screen went away meanwhile: never leave a session open
            await session.close()
            raise
        self.connect_seconds = time.monotonic() - started
        self.state = "connected"
        self.refresh_bindings()  # esc now belongs to the remote shell
        self.terminal.focus()
        self._status(f"Connected: {target.summary}", style="green", hint="ctrl+] leaves")

    async def _ask_host_key(self, question: HostKeyQuestion) -> Answer:
        self._status(f"Host key of {question.where} needs your decision…", style="yellow")
        answer: Answer = await self.app.push_screen_wait(HostKeyScreen(question))
        return answer

    def _fail(self, exc: BackendError) -> None:
        self.error = exc
        self.state = "failed"
        self._status(
            f"✖ {exc.operation or 'SSH'} failed: {exc.message}   (esc: back)", style="bold red"
        )
        self.app.notify_error(exc)

    def _status(self, message: str, style: str = "", hint: str = "") -> None:
        text = Text(no_wrap=True, overflow="ellipsis")
        text.append(f" {self.request.badge} ", style="bold reverse")
        if hint:
            text.append(f" {hint} │", style="bold")
        text.append(f" {message}", style=style)
        self.query_one("#ssh-status", Static).update(text)

    # -- leaving -------------------------------------------------------------------------

    @on(Terminal.Released)
    def _released(self) -> None:
        self.action_leave()

    @on(Terminal.Closed)
    def _session_closed(self, event: Terminal.Closed) -> None:
        if event.error:
            self.app.notify(event.error, title="SSH session ended", severity="error")
        elif self.state == "connected":
            status = "" if event.exit_status in (None, 0) else f" (exit status {event.exit_status})"
            self.app.notify(f"{self.target.summary if self.target else 'SSH'} closed{status}")
        self.state = "closed"
        self.action_leave()

    def action_back(self) -> None:
        self.action_leave()

    def action_leave(self) -> None:
        """Back to the list; the terminal closes its session as it unmounts."""
        if self.is_current:
            self.dismiss()


__all__ = ["HostKeyScreen", "ServerSsh", "SshRequest", "TerminalScreen", "connect_form"]
