"""What shows while the first connection is made, before the first list is chosen.

The default first list depends on who the user is (the health overview for admins, servers
for the others), which only the cloud can say; meanwhile the header says it is connecting.
When the cloud cannot be reached or is not configured, this screen says why and what to
check; `r` tries again (clouds.yaml and the keyring are read afresh), `q` quits.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Static

from tui.backend.errors import BackendError, ConfigError, ConnectionLost, Unauthorized
from tui.guard import GuardedHandlers
from tui.screens.contextual import Contextual
from tui.text import safe
from tui.widgets.header import CloudHeader
from tui.widgets.keybar import KeyBar

if TYPE_CHECKING:
    from tui.app import StackdeckApp
    from tui.context import Context

HINTS: tuple[tuple[type[BackendError], str], ...] = (
    (
        ConnectionLost,
        "Check the auth_url in clouds.yaml (or OS_AUTH_URL), the network, VPN or proxy, "
        "and that Keystone is running.",
    ),
    (
        ConfigError,
        "Fix clouds.yaml / secure.yaml (or the OS_* variables of your openrc), or choose "
        "another cloud with --os-cloud.",
    ),
    (
        Unauthorized,
        "Check the user name, project and password (stackdeck login CLOUD keeps the "
        "password in the OS keyring).",
    ),
)


def problem_text(cloud: str, exc: BackendError) -> Text:
    """Why the cloud cannot be used, what to check, and the keys that go on."""
    text = Text()
    text.append(f"Cannot connect to cloud “{safe(cloud)}”\n\n", style="bold")
    head = f"{exc.operation} failed" if exc.operation else "Connection failed"
    if exc.status:
        head += f" (HTTP {exc.status})"
    text.append(safe(head) + "\n", style="bold red")
    text.append(safe(exc.message, multiline=True) + "\n")
    if exc.request_id:
        text.append(f"request id: {safe(exc.request_id)}\n")
    hint = next((words for kind, words in HINTS if isinstance(exc, kind)), "")
    if hint:
        text.append(f"\n{hint}\n", style="italic")
    text.append("\nr", style="bold")
    text.append(" try again    ")
    text.append("q", style="bold")
    text.append(" quit")
    return text


class ConnectingScreen(GuardedHandlers, Contextual, Screen[None]):
    """Connects its context; on success hands it to ``on_connected``, else says why."""

    app: StackdeckApp

    BINDINGS = [
        Binding("r", "retry", "Retry"),
        Binding("q", "quit_app", "Quit"),
    ]

    def __init__(
        self, on_connected: Callable[[Context], None], *, context: Context | None = None
    ) -> None:
        super().__init__(context=context)
        self._on_connected = on_connected
        self.error: BackendError | None = None
        self.connecting = False

    def compose(self) -> ComposeResult:
        yield CloudHeader()
        yield Static(id="crumbs")
        yield Static(id="problem")
        yield KeyBar()

    def on_mount(self) -> None:
        self.show_context(self.query_one(CloudHeader))
        self.connect()

    @work(exclusive=True, group="connect")
    async def connect(self) -> None:
        self.connecting = True
        self.error = None
        cloud = self.context.backend.info.cloud
        self.query_one("#crumbs", Static).update(Text(f" Connecting to {safe(cloud)}…"))
        self.query_one("#problem", Static).update("")
        try:
            await self.context.connect()
            await self.context.settled_capabilities()
        except BackendError as exc:
            self.error = exc
            self.query_one("#crumbs", Static).update(
                Text(f" Not connected to {safe(cloud)}", style="bold red")
            )
            self.query_one("#problem", Static).update(problem_text(cloud, exc))
            return
        finally:
            self.connecting = False
        self._on_connected(self.context)

    def action_retry(self) -> None:
        if not self.connecting:
            self.connect()

    def action_quit_app(self) -> None:
        self.app.exit(return_code=1 if self.error else 0)
