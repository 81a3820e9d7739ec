"""The app shell: header state, `:` navigation, help, the palette, errors and failures.

A failed request is a notification (``notify_error``). Anything else that raises — a worker,
a timer, a handler, an action, a render — is a bug: the guard (``tui.guard``, and
``run_action`` here for actions) hands it to ``report_failure``, which writes its traceback
to a crash file (``tui.crash``) and shows the error panel, and the session goes on.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Iterable
from functools import cached_property
from pathlib import Path, PurePath
from typing import TYPE_CHECKING, Any

from textual import events
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen
from textual.worker import WorkerFailed

from tui import collector
from tui.app_runbooks import RUNBOOK_COMMANDS, RunbookApp
from tui.backend.base import Backend
from tui.backend.errors import BackendError
from tui.config import Settings
from tui.context import Context
from tui.guard import GuardedHandlers, title_of
from tui.resource import Resource, Scope
from tui.text import one_line, safe
from tui.widgets.header import CloudHeader
from tui.widgets.small_terminal import fit_to_terminal

if TYPE_CHECKING:
    from textual.command import Provider
    from textual.notifications import SeverityLevel

    from tui.backend.audit import AuditLog
    from tui.backend.models import CloudInfo
    from tui.crash import Crash, CrashLog
    from tui.list_filters import FilterWord

# The cyclic GC stays off this long after start-up (tui/cli.py turns it off): past the first
# frame, the first page and the registry of every resource loaded right after it.
GC_OFF_AFTER_START = 1.0
QUIT_COMMANDS = {"q", "quit", "q!", "exit"}
CACHE_CLEAR_COMMANDS = {"cache clear", "clear-cache"}  # the cached lists (docs/cache.md)
# A failure that repeats with no panel open is recalled at most this often.
REPEAT_NOTICE_SECONDS = 10.0


def stylesheets() -> list[str | PurePath]:
    from tui.styles import APP_STYLES, STYLES

    return [STYLES / name for name in APP_STYLES]


def resource_commands() -> type[Provider]:
    from tui.palette import ResourceCommands

    return ResourceCommands


def action_commands() -> type[Provider]:
    from tui.palette import ActionCommands

    return ActionCommands


def screen_commands() -> type[Provider]:
    from tui.palette import ScreenCommands

    return ScreenCommands


class StackdeckApp(GuardedHandlers, RunbookApp, App[None]):
    TITLE = "stackdeck"
    CSS_PATH = stylesheets()
    COMMANDS = App.COMMANDS | {resource_commands, action_commands, screen_commands}
    BINDINGS = [
        Binding("colon", "command_line", "Command", key_display=":"),
        Binding("question_mark", "help", "Help", key_display="?"),
        Binding("ctrl+c", "quit", "Quit", show=False, priority=True),
    ]

    def __init__(
        self, backend: Backend, settings: Settings | None = None, *, audit: AuditLog | None = None
    ) -> None:
        super().__init__()
        self.settings = settings or Settings()
        self.theme = self.settings.theme
        # every open cloud, and the one new screens and `:` commands go to
        self.contexts: list[Context] = []
        self.context = self.open_context(backend, audit=audit)
        self.crash: Crash | None = None  # the failure the session ended on, if any
        self._repeats_shown: dict[Path | None, float] = {}

    @cached_property
    def crashes(self) -> CrashLog:
        """The crash files of this session; `tui.crash` loads on the first failure."""
        from tui.crash import CrashLog

        return CrashLog(redact=self.redact)

    # -- contexts ------------------------------------------------------------------------

    def open_context(
        self,
        backend: Backend,
        settings: Settings | None = None,
        *,
        audit: AuditLog | None = None,
        current: bool = False,
    ) -> Context:
        """Open another cloud in this app (its own names, capabilities, runbooks...);
        `current` makes it the one new screens go to."""
        context = Context(
            backend, settings or self.settings, audit=audit, runbooks=self.runbooks_for
        )
        context.subscribe(self._context_changed)
        self.contexts.append(context)
        if current:
            self.context = context
        return context

    @property
    def backend(self) -> Backend:
        """The current context's backend (the app's own use; screens ask their context)."""
        return self.context.backend

    async def ensure_connected(self) -> CloudInfo:
        """Connect the current context (once; every screen awaits the same attempt)."""
        return await self.context.connect()

    def redact(self, text: str) -> str:
        """`text` with every open context's secrets masked."""
        for context in self.contexts:
            text = context.backend.secrets.redact(text)
        return text

    def _context_changed(self, context: Context) -> None:
        for screen in self.screen_stack:
            if getattr(screen, "context", None) is context:
                for header in screen.query(CloudHeader):
                    header.show(context)

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = False,
    ) -> None:
        """Every notification, whoever sends it: plain text (names and API messages hold
        ``[/]`` and worse), with this session's secrets masked."""
        redact = self.redact
        super().notify(
            redact(safe(message, multiline=True)),
            title=redact(one_line(title)),
            severity=severity,
            timeout=timeout,
            markup=False,
        )

    def notify_error(self, exc: BackendError) -> None:
        title = safe(f"{exc.operation} failed" if exc.operation else "Error")
        body = safe(exc.message, multiline=True)
        if exc.status:
            body = f"HTTP {exc.status}: {body}"
        if exc.request_id:
            body += f"\nrequest id: {safe(exc.request_id)}"
        self.notify(body, title=title, severity="error", timeout=12, markup=False)

    # -- failures --------------------------------------------------------------------------

    def report_failure(self, error: BaseException, what: str = "") -> None:
        """A bug somewhere: a crash file and the error panel; the session goes on.

        Safe to call from anywhere (a render, a `check_action`): the panel comes after.
        A failed request (`BackendError`) is a notification, not a bug.
        """
        if isinstance(error, WorkerFailed):
            error = error.error
        if isinstance(error, BackendError):
            self.notify_error(error)
            return
        if not self.is_running or self.return_code is not None:  # starting or stopping
            self._end_on(error, what)
            return
        crash = self.crashes.record(error, what)
        self.call_later(self._show_failure, crash)

    def _show_failure(self, crash: Crash) -> None:
        try:
            self._panel_or_notice(crash)
        except Exception as exc:  # the panel itself fails: nothing left to show it with
            self._end_on(exc, "showing the error panel")

    def _panel_or_notice(self, crash: Crash) -> None:
        from tui.screens.error_panel import ErrorPanel

        screen = self.screen
        if isinstance(screen, ErrorPanel):
            screen.add(crash)
        elif not crash.repeated:
            self.push_screen(ErrorPanel(crash))
        elif time.monotonic() - self._repeats_shown.get(crash.path, 0.0) > REPEAT_NOTICE_SECONDS:
            # a failure that keeps coming back (a render, a timer): a reminder, not a panel
            self._repeats_shown[crash.path] = time.monotonic()
            self.notify(
                f"{crash.summary}\n{safe(str(crash.path)) if crash.path else crash.error}",
                title="The same failure again",
                severity="error",
                markup=False,
            )

    def _end_on(self, error: BaseException, what: str) -> None:
        """A failure while starting or stopping: the session ends, with status 1."""
        if self.crash is None:
            self.crash = self.crashes.record(error, what)
        self.exit(return_code=1)

    async def run_action(
        self,
        action: str | Any,
        default_namespace: Any = None,
        namespaces: Any = None,
    ) -> bool:
        """Every action (a key, the palette, a link) under the guard: a bug in it, in its
        `check_action` or in what it calls is reported, and the key counts as handled."""
        try:
            return await super().run_action(action, default_namespace, namespaces)
        except Exception as exc:
            name = action if isinstance(action, str) else action[1]
            self.report_failure(exc, f"{title_of(self.screen)} · {name}")
            return True

    def on_resize(self, event: events.Resize) -> None:
        fit_to_terminal(self.screen, event.size)

    def _fit_to_terminal(self, screen: Screen[object]) -> None:
        fit_to_terminal(screen, self.size)

    # -- navigation ----------------------------------------------------------------------

    def on_mount(self) -> None:
        self.set_timer(GC_OFF_AFTER_START, _collect_after_start)
        self.screen_change_signal.subscribe(self, self._fit_to_terminal)
        self.call_after_refresh(self.offer_unfinished_runbooks)
        start = self.settings.start_resource
        if start == "servers":
            # the usual first list: only its own module before the first frame, the
            # registry of every resource right after it
            from tui.screens.resources.servers import SERVERS

            self._show(SERVERS, None, push=False)
            self.call_after_refresh(_load_registry)
        elif start == "" or not self.open_resource(start):  # unknown: said, then the default
            self.run_worker(self._open_home(), exclusive=True, group="home")

    async def _open_home(self) -> None:
        """The first screen by default: the health overview for admins, servers otherwise."""
        context = self.context
        if not context.capabilities.admin:  # not known before the cloud says who we are
            from tui.screens.home import ConnectingScreen

            # it says why a connection fails and retries; then opens the first list
            self.push_screen(ConnectingScreen(self._open_first, context=context))
            return
        try:
            await context.connect()
            await context.settled_capabilities()
        except BackendError:
            self._open_first(context, connected=False)  # the servers screen says why, retries
            return
        self._open_first(context)

    def _open_first(self, context: Context, *, connected: bool = True) -> None:
        first = "overview" if connected and context.capabilities.admin else "servers"
        self.open_resource(first, context=context)

    def open_resource(
        self,
        name: str,
        scope: Scope | None = None,
        *,
        push: bool = False,
        context: Context | None = None,
    ) -> bool:
        """Show a resource list of `context` (default: the screen on top's, else the current
        one); `push` stacks it (drill-down), else it replaces the stack."""
        from tui.screens.resources.registry import lookup

        resource = lookup(name)
        if resource is None:
            self.notify(
                f"Unknown resource “{safe(name)}”. Try :servers, :hv or :projects.",
                severity="warning",
                markup=False,
            )
            return False
        self._show(resource, scope, push=push, context=context)
        return True

    def run_resource_action(self, name: str, action: str) -> None:
        """Open a resource's list and run one of its list actions there (the palette's
        “New network setup”)."""
        from tui.screens.resources.registry import lookup

        resource = lookup(name)
        if resource is not None and resource.action(action) is not None:
            self._show(resource, None, push=False, then=action)

    def _show(
        self,
        resource: Resource,
        scope: Scope | None,
        *,
        push: bool,
        context: Context | None = None,
        then: str = "",
        auto_projects: bool = False,
    ) -> None:
        from tui.screens.resource import ResourceScreen

        screen = ResourceScreen(
            resource, scope, context=context, then=then, auto_projects=auto_projects
        )
        if push:
            self.push_screen(screen)
            return
        while len(self.screen_stack) > 2:
            self.pop_screen()
        if len(self.screen_stack) == 2:
            self.switch_screen(screen)
        else:
            self.push_screen(screen)

    def action_command_line(self, value: str = "") -> None:
        from tui.screens.command import CommandScreen
        from tui.screens.resources.registry import completions, filter_words

        names = [*completions(), *RUNBOOK_COMMANDS]
        self.push_screen(CommandScreen(names, value, filter_words()), self.run_command)

    def run_command(self, command: str | None) -> None:
        command = (command or "").strip()
        if not command:
            return
        if command.lower() in QUIT_COMMANDS:
            self.exit()
            return
        if command.lower() in RUNBOOK_COMMANDS:
            self.action_runbooks()
            return
        if command.lower() in CACHE_CLEAR_COMMANDS:
            self.run_worker(self._clear_list_cache(), group="list-cache")
            return
        self._open_filtered(command)

    def _open_filtered(self, command: str) -> None:
        """`:servers status=ERROR host=compute1`: the list with the cloud's filters. A word
        or value that cannot be used is said, and the command line comes back as typed."""
        from tui.list_filters import FilterError, check_filters, split_command
        from tui.screens.resources.registry import lookup

        try:
            name, pairs = split_command(command)
            resource = lookup(name)
            if resource is None or not pairs:
                self.open_resource(command if not pairs else name)
                return
            checked = check_filters(resource.name, resource.filter_words, pairs)
        except FilterError as exc:
            self._command_refused(str(exc), command)
            return
        from tui.screens.contextual import opening_context

        context = opening_context(self)
        self.run_worker(
            self._resolve_and_show(resource, checked, command, context),
            group="filtered-list",
            exclusive=True,
        )

    async def _resolve_and_show(
        self,
        resource: Resource,
        checked: list[tuple[FilterWord, str]],
        command: str,
        context: Context,
    ) -> None:
        from tui.list_filters import FilterError, label, resolve_filters

        try:
            if any(word.resolve is not None for word, _ in checked):
                await context.connect()
            filters = await resolve_filters(context.backend, checked)
        except FilterError as exc:
            self._command_refused(str(exc), command)
            return
        except BackendError as exc:
            self.notify_error(exc)
            return
        typed = label([(word.word, value) for word, value in checked])
        scope = Scope(filters=filters, label=typed)
        self._show(resource, scope, push=False, context=context, auto_projects=True)

    def _command_refused(self, why: str, command: str) -> None:
        """Say why a command cannot run and give the command line back with it."""
        self.notify(why, severity="warning", markup=False)
        self.action_command_line(command)

    async def _clear_list_cache(self) -> None:
        """`:cache clear`: remove the cached lists (tui/list_cache.py); say how many."""
        import asyncio

        from tui.list_cache import ListCache

        removed = await asyncio.to_thread(ListCache().clear)
        self.notify(f"Removed {removed} cached file(s); lists show again as the cloud answers.")

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
    if not collector.enabled():
        gc.freeze()
        collector.enable()


def _load_registry() -> None:
    import tui.screens.resources.registry  # noqa: F401
