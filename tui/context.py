"""One open cloud: its backend and everything that belongs to that one connection.

A `Context` holds the backend, the names the lists show instead of ids, what the token may
do (`Capabilities`), the read-only flag, the thresholds and host defaults the screens start
from, the refresh period, the audit log and the runbooks. The app holds a list
of them and a current one; every screen is given its context and asks it, never the app or a
module global, so several clouds can be open in one app. No Textual here.

Capabilities come from the token: its roles (the admin and reader role names are settings,
Keystone's ``reader`` ⊂ ``member`` ⊂ ``admin`` model by default) and its scope (project or
system). When the role names cannot tell (a role stackdeck does not know), one cheap admin-only
read — the compute services list, a 403 or not — answers, started as soon as the token is
known and awaited only by what needs the answer (`Context.settled_capabilities`).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from tui.backend.errors import BackendError, Forbidden
from tui.backend.models import CloudInfo
from tui.config import Settings
from tui.names import NameLookups, Names

if TYPE_CHECKING:
    from tui.backend.audit import AuditLog
    from tui.backend.base import Backend
    from tui.runbook import Runbooks

# Keystone's roles below admin that may write: a project's members and its manager.
MEMBER_ROLES = frozenset({"member", "_member_", "manager"})


@dataclass(slots=True)
class Thresholds:
    """How long a task or a transitional volume state may last before the health overview
    calls it stuck."""

    stuck_minutes: int = 15

    def before(self) -> datetime:
        return datetime.now(UTC) - timedelta(minutes=self.stuck_minutes)


@dataclass(slots=True)
class HostDefaults:
    """What the drain and evacuate forms start with: from the settings and whom the context
    connected as."""

    drain_concurrency: int = 2
    user: str = ""


@dataclass(frozen=True, slots=True)
class Capabilities:
    """What this connection's token may do, and why stackdeck thinks so.

    `admin`: the cloud-wide rights (every project's servers, hypervisors, the overview).
    `reader_only`: every role the token has is a reader role: it may look, never change.
    `system_scope`: a system-scoped token (Keystone's system reader/admin personas).
    """

    admin: bool = False
    reader_only: bool = False
    system_scope: bool = False
    services: tuple[str, ...] = ()
    basis: str = "not connected"

    @property
    def all_projects(self) -> bool:
        """May list every project's resources: an admin, or a system-scoped reader."""
        return self.admin or (self.system_scope and self.reader_only)

    def has_service(self, *types: str) -> bool:
        """Whether the catalog lists any of `types` (no catalog known: assume it does)."""
        return not self.services or any(t in self.services for t in types)


def _lowered(names: tuple[str, ...] | frozenset[str]) -> frozenset[str]:
    return frozenset(n.lower() for n in names)


def needs_probe(
    info: CloudInfo, admin_roles: tuple[str, ...], reader_roles: tuple[str, ...]
) -> bool:
    """The role names cannot tell: no admin role, and a role that is neither a reader's nor a
    plain member's (a cloud's own "operator", an admin role named otherwise)."""
    roles = _lowered(info.roles)
    if not roles or roles & _lowered(admin_roles):
        return False
    return bool(roles - _lowered(reader_roles) - MEMBER_ROLES)


def decide(
    info: CloudInfo,
    admin_roles: tuple[str, ...] = ("admin",),
    reader_roles: tuple[str, ...] = ("reader",),
    probe: bool | None = None,
) -> Capabilities:
    """The capabilities of a token: its roles first, then the probe's answer (`probe`: the
    admin-only read was allowed; None: not asked, or no answer)."""
    roles = _lowered(info.roles)
    admin_names = _lowered(admin_roles)
    reader_only = bool(roles) and roles <= _lowered(reader_roles)
    if held := sorted(roles & admin_names):
        admin, basis = True, f"role {held[0]}"
    elif probe is not None:
        admin, basis = probe, "an admin-only read " + ("was allowed" if probe else "was refused")
    else:
        admin, basis = False, "roles " + (", ".join(sorted(roles)) or "none")
    scope = "system" if info.system_scope else "project"
    return Capabilities(
        admin=admin,
        reader_only=reader_only,
        system_scope=info.system_scope,
        services=info.services,
        basis=f"{basis}, {scope} scope",
    )


async def probe_admin(backend: Backend) -> bool | None:
    """One admin-only read (the compute services list): allowed, refused (403), or no answer."""
    pages = backend.compute_services()
    try:
        await anext(pages, None)
    except Forbidden:
        return False
    except BackendError:  # no answer (a lost connection, a 5xx): nothing learned
        return None
    finally:
        if (close := getattr(pages, "aclose", None)) is not None:
            await close()
    return True


RunbooksFactory = Callable[["Context"], "Runbooks"]
Listener = Callable[["Context"], None]


class Context:
    """Everything that belongs to one open connection (see the module's docstring).

    `connect()` connects once (every screen awaits the same attempt; a failed one is retried),
    learns the project names and starts the capability probe if one is needed. `subscribe`
    hears every change of `info`, `state` or `capabilities` (the app redraws headers).
    """

    def __init__(
        self,
        backend: Backend,
        settings: Settings | None = None,
        *,
        audit: AuditLog | None = None,
        runbooks: RunbooksFactory | None = None,
        label: str = "",
    ) -> None:
        settings = settings or Settings()
        self.settings = settings  # what it was opened with (ssh users, ...)
        self.backend = backend
        self.label = label or backend.info.cloud
        self.names = Names()
        self.lookups = NameLookups(self.names, backend, lambda: self.capabilities)
        self.thresholds = Thresholds(stuck_minutes=max(1, settings.stuck_minutes))
        self.hosts = HostDefaults(drain_concurrency=max(1, settings.drain_concurrency))
        self.refresh_seconds = settings.refresh_seconds
        self.refresh_by_resource = dict(settings.refresh)
        # lists are cached across starts (tui.list_cache); the demo's cloud is made up
        self.cache_lists = settings.cache and not settings.demo
        self.admin_roles = tuple(settings.admin_roles)
        self.reader_roles = tuple(settings.reader_roles)
        self.audit = audit
        # what a screen keeps of this cloud across its visits (the overview's last results)
        self.remembered: dict[str, Any] = {}
        self._read_only = settings.read_only
        self._make_runbooks = runbooks
        self._runbooks: Runbooks | None = None
        self._connecting: asyncio.Task[CloudInfo] | None = None
        self._probe: asyncio.Task[None] | None = None
        self._learned = False
        self._listeners: list[Listener] = []
        self.info: CloudInfo = backend.info
        self.state = "connecting"
        self.capabilities = self._decide(None)

    # -- what it may do ------------------------------------------------------------------

    @property
    def read_only(self) -> bool:
        """No mutating action is offered: asked for (settings, the backend), or a token
        that holds reader roles only."""
        return self._read_only or self.info.read_only or self.capabilities.reader_only

    def set_read_only(self, value: bool) -> None:
        self._read_only = value
        self._changed()

    def _decide(self, probe: bool | None) -> Capabilities:
        return decide(self.info, self.admin_roles, self.reader_roles, probe)

    async def settled_capabilities(self) -> Capabilities:
        """The capabilities once the probe (if one was needed) has answered."""
        if self._probe is not None:
            await asyncio.shield(self._probe)
        return self.capabilities

    async def _run_probe(self) -> None:
        answer = await probe_admin(self.backend)
        self.capabilities = self._decide(answer)
        self._changed()

    # -- connection ----------------------------------------------------------------------

    async def connect(self) -> CloudInfo:
        """Connect once; every caller awaits the same attempt. A failed attempt is retried."""
        task = self._connecting
        if task is None or (task.done() and (task.cancelled() or task.exception() is not None)):
            self.set_state("connecting")
            task = self._connecting = asyncio.create_task(self.backend.connect())
        try:
            info = await asyncio.shield(task)
        except BackendError:
            self.set_state("error")
            raise
        if not self._learned:
            self._learned = True
            self.info = info
            self.hosts.user = info.user
            self.capabilities = self._decide(None)
            if needs_probe(info, self.admin_roles, self.reader_roles):
                self._probe = asyncio.create_task(self._run_probe())
            await self._learn_names()
        self.set_state("connected")
        return info

    async def _learn_names(self) -> None:
        with contextlib.suppress(BackendError):
            self.names.learn("project", await self.backend.project_name_map())
        if self.info.project_id and self.info.project:  # a member's own, listable or not
            self.names.projects.setdefault(self.info.project_id, self.info.project)

    def set_state(self, state: str) -> None:
        """ "connecting", "connected", "error" or "lost": what the header says."""
        if state != self.state:
            self.state = state
            self._changed()

    # -- listeners -----------------------------------------------------------------------

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener) if listener in self._listeners else None

    def _changed(self) -> None:
        for listener in list(self._listeners):
            listener(self)

    # -- runbooks ------------------------------------------------------------------------

    @property
    def runbooks(self) -> Runbooks:
        """This connection's runbooks (made on first use)."""
        if self._runbooks is None:
            if self._make_runbooks is None:
                from tui.runbook import RecipeRegistry, Runbooks

                self._runbooks = Runbooks(self.backend, RecipeRegistry(), None)
            else:
                self._runbooks = self._make_runbooks(self)
        return self._runbooks

    async def close(self) -> None:
        self.lookups.close()
        for task in (self._probe, self._connecting):
            if task is not None and not task.done():
                task.cancel()
        await self.backend.close()
