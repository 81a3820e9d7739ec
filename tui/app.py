"""The app shell: header state, `:` navigation, help, the palette, error notifications."""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.reactive import reactive
from textual.screen import Screen

from tui.backend.base import Backend
from tui.backend.errors import BackendError
from tui.backend.models import CloudInfo
from tui.config import Settings, Thresholds
from tui.resource import Names, Resource, Scope
from tui.widgets.header import CloudHeader

if TYPE_CHECKING:
    from textual.command import Provider

# The cyclic GC stays off this long after start-up (tui/cli.py turns it off): past the first
# frame, the first page and the registry of every resource loaded right after it.
GC_OFF_AFTER_START = 1.0
QUIT_COMMANDS = {"q", "quit", "q!", "exit"}


def stylesheets() -> list[str | Path]:
    from tui.styles import APP_STYLES, STYLES

    return [STYLES / name for name in APP_STYLES]


def resource_commands() -> type[Provider]:
    from tui.palette import ResourceCommands

    return ResourceCommands


def screen_commands() -> type[Provider]:
    from tui.palette import ScreenCommands

    return ScreenCommands


class StackdeckApp(App[None]):
    TITLE = "stackdeck"
    CSS_PATH = stylesheets()
    COMMANDS = App.COMMANDS | {resource_commands, screen_commands}
    BINDINGS = [
        Binding("colon", "command_line", "Command", key_display=":"),
        Binding("question_mark", "help", "Help", key_display="?"),
        Binding("ctrl+c", "quit", "Quit", show=False, priority=True),
    ]

    cloud_info: reactive[CloudInfo] = reactive(CloudInfo(cloud=""), init=False)
    cloud_state: reactive[str] = reactive("connecting", init=False)

    def __init__(self, backend: Backend, settings: Settings | None = None) -> None:
        super().__init__()
        self.backend = backend
        self.settings = settings or Settings()
        self.theme = self.settings.theme
        self.cloud_info = backend.info
        self._connecting: asyncio.Task[CloudInfo] | None = None
        self._named = False

    # -- connection ----------------------------------------------------------------------

    async def ensure_connected(self) -> CloudInfo:
        """Connect once; every screen awaits the same attempt. A failed attempt is retried."""
        if self._connecting is None or (
            self._connecting.done()
            and (self._connecting.cancelled() or self._connecting.exception() is not None)
        ):
            self.cloud_state = "connecting"
            self._connecting = asyncio.create_task(self.backend.connect())
        try:
            info = await asyncio.shield(self._connecting)
        except BackendError:
            self.cloud_state = "error"
            raise
        if not self._named:
            self._named = True
            self.cloud_info = info
            await self._learn_names()
        self.cloud_state = "connected"
        return info

    async def _learn_names(self) -> None:
        try:
            Names.projects = await self.backend.project_name_map()
        except BackendError:
            Names.projects = {}

    def watch_cloud_info(self) -> None:
        self._sync_headers()

    def watch_cloud_state(self) -> None:
        self._sync_headers()

    def _sync_headers(self) -> None:
        for screen in self.screen_stack:
            for header in screen.query(CloudHeader):
                self.sync_header(header)

    def sync_header(self, header: CloudHeader) -> None:
        header.info = self.cloud_info
        header.state = self.cloud_state

    def notify(self, message: str, *, title: str = "", **kwargs: Any) -> None:
        """Every notification, whoever sends it, with this session's secrets masked."""
        redact = self.backend.secrets.redact
        if isinstance(message, str):
            message = redact(message)
        super().notify(message, title=redact(title), **kwargs)

    def notify_error(self, exc: BackendError) -> None:
        title = f"{exc.operation} failed" if exc.operation else "Error"
        body = exc.message
        if exc.status:
            body = f"HTTP {exc.status}: {body}"
        if exc.request_id:
            body += f"\nrequest id: {exc.request_id}"
        self.notify(body, title=title, severity="error", timeout=12)

    # -- navigation ----------------------------------------------------------------------

    def on_mount(self) -> None:
        self.set_timer(GC_OFF_AFTER_START, _collect_after_start)
        Thresholds.stuck_minutes = max(1, self.settings.stuck_minutes)
        start = self.settings.start_resource
        if start == "":
            self.run_worker(self._open_home(), exclusive=True, group="home")
        elif start == "servers":
            # the usual first list: only its own module before the first frame, the
            # registry of every resource right after it
            from tui.screens.servers import SERVERS

            self._show(SERVERS, None, push=False)
            self.call_after_refresh(_load_registry)
        else:
            self.open_resource(start)

    async def _open_home(self) -> None:
        """The first screen by default: the health overview for admins, servers otherwise."""
        if not self.backend.info.is_admin:  # not known before the cloud says who we are
            from tui.screens.home import ConnectingScreen

            self.push_screen(ConnectingScreen())
        try:
            info = await self.ensure_connected()
        except BackendError:
            info = None  # the servers screen shows the failure and retries
        self.open_resource("overview" if info is not None and info.is_admin else "servers")

    def open_resource(self, name: str, scope: Scope | None = None, *, push: bool = False) -> bool:
        """Show a resource list; `push` stacks it (drill-down), else it replaces the stack."""
        from tui.screens.registry import lookup

        resource = lookup(name)
        if resource is None:
            self.notify(
                f"Unknown resource “{name}”. Try :servers, :hv or :projects.", severity="warning"
            )
            return False
        self._show(resource, scope, push=push)
        return True

    def _show(self, resource: Resource, scope: Scope | None, *, push: bool) -> None:
        from tui.screens.resource import ResourceScreen

        screen = ResourceScreen(resource, scope)
        if push:
            self.push_screen(screen)
            return
        while len(self.screen_stack) > 2:
            self.pop_screen()
        if len(self.screen_stack) == 2:
            self.switch_screen(screen)
        else:
            self.push_screen(screen)

    def action_command_line(self) -> None:
        from tui.screens.command import CommandScreen
        from tui.screens.registry import completions

        self.push_screen(CommandScreen(completions()), self.run_command)

    def run_command(self, command: str | None) -> None:
        command = (command or "").strip()
        if not command:
            return
        if command.lower() in QUIT_COMMANDS:
            self.exit()
            return
        self.open_resource(command)

    def action_help(self) -> None:
        from tui.screens.help import HelpScreen

        screen = self.screen
        title = getattr(getattr(screen, "resource", None), "title", None) or type(screen).__name__
        self.push_screen(HelpScreen(screen, title))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # ctrl+c belongs to the remote program while a terminal has focus
        return not (action == "quit" and getattr(self.focused, "captures_ctrl_c", False))

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        yield SystemCommand("Help: keys of this screen", "Show every key", self.action_help)


def _collect_after_start() -> None:
    """Turn the cyclic GC back on if `stackdeck` turned it off for start-up (tui/cli.py).

    What start-up made lives as long as the app: frozen, the collector never scans it again.
    """
    if not gc.isenabled():
        gc.freeze()
        gc.enable()


def _load_registry() -> None:
    import tui.screens.registry  # noqa: F401
