"""The in-memory cloud's plumbing: who we are, paging, admin checks, audited writes."""

from __future__ import annotations

import asyncio
import copy
import dataclasses
import inspect
import itertools
from collections.abc import AsyncIterator, Callable, Iterable
from typing import Any, Protocol, Self, TypeVar

from tui.backend.audit import AuditLog, AuditRecord
from tui.backend.audit import now as audit_now
from tui.backend.errors import BackendError, NotFound, ReadOnlyError, error_for_status
from tui.backend.memory.catalog import MEMORY_SERVICES, REGION
from tui.backend.memory.clock import LIVE, DemoClock
from tui.backend.memory.cloud import Cloud
from tui.backend.memory.data import fixed_id, hypervisor_json, project_json
from tui.backend.memory.seed import Seed
from tui.backend.memory.store import Identified, Store
from tui.backend.models import CloudInfo, Hypervisor, Project
from tui.secrets import Secrets

T = TypeVar("T")
R = TypeVar("R", bound=Identified)


def default_roles(is_admin: bool) -> tuple[str, ...]:
    """The roles Keystone's default model gives an admin or a member (implied roles in)."""
    return ("admin", "member", "reader") if is_admin else ("member", "reader")


class Owned(Protocol):
    @property
    def project_id(self) -> str: ...


class MemoryCore:
    """State and helpers shared by the in-memory services."""

    def __init__(
        self,
        *,
        projects: int = 3,
        hypervisors: int = 4,
        servers: int = 40,
        cloud: str = "demo",
        is_admin: bool = True,
        read_only: bool = False,
        latency: float = 0.0,
        audit: AuditLog | None = None,
        instance_quota: int = 10,
        no_valid_host: bool = False,
        services: tuple[str, ...] = MEMORY_SERVICES,
        roles: tuple[str, ...] | None = None,
        system_scope: bool = False,
        clock: DemoClock = LIVE,
    ) -> None:
        """`clock`: the wall clock (the demo), or ``clock.FIXED`` (snapshots);
        `is_admin`: what the cloud's policy lets this token do (admin-only calls answer or
        give 403); `roles`: the role names its token carries (by default Keystone's
        ``admin``/``member``/``reader`` as `is_admin` says)."""
        self._latency = latency
        self._instance_quota = instance_quota
        self._no_valid_host = no_valid_host
        self._is_admin = is_admin
        self._read_only = read_only
        self._audit = audit
        self.secrets = Secrets()
        self._requests = itertools.count(1)  # one count for every session on the cloud
        self._projects = [Project.from_api(project_json(i)) for i in range(projects)]
        home = self._projects[0]
        self._info = CloudInfo(
            cloud=cloud,
            region=REGION,
            project=home.name,
            project_id=home.id,
            user="admin" if is_admin else "demo",
            user_id=fixed_id("user", 0),
            auth_url="memory://",
            read_only=read_only,
            services=services,
            roles=roles if roles is not None else default_roles(is_admin),
            system_scope=system_scope,
        )
        self.writes: list[tuple[str, str]] = []
        self._writing = ""
        hosts = [Hypervisor.from_api(hypervisor_json(i)) for i in range(hypervisors)]
        seed = Seed(self._projects, [h.host for h in hosts], servers)
        self._cloud = Cloud(seed, hosts, clock)

    @property
    def info(self) -> CloudInfo:
        return self._info

    async def connect(self) -> CloudInfo:
        return self._info

    async def close(self) -> None:
        return None

    def member(self) -> Self:
        """Another session on the same cloud: the second project's seeded user, a member
        without admin rights. What one session does, the other sees (the contract suite's
        second user)."""
        project = self._projects[1 % len(self._projects)]  # the seeded user of that project
        other = copy.copy(self)
        other._is_admin = False
        other._info = dataclasses.replace(
            self._info,
            project=project.name,
            project_id=project.id,
            user=f"{project.name}-user",
            user_id=fixed_id("user", 1),
            roles=default_roles(False),
        )
        return other

    def fault(self, method: str, *, error: BaseException | None = None, hang: bool = False) -> None:
        """Tests only: `method` raises `error` or never answers (until cancelled); with
        neither, it works again. Lists fail on their first page."""
        self.__dict__.pop(method, None)
        if error is None and not hang:
            return
        failure = error or RuntimeError("no answer")

        async def stall() -> None:
            if hang:
                await asyncio.Event().wait()

        async def pages(*args: object, **kwargs: object) -> AsyncIterator[list[Any]]:
            await stall()
            raise failure
            yield []  # pragma: no cover - makes this an async generator

        async def call(*args: object, **kwargs: object) -> Any:
            await stall()
            raise failure

        def plain(*args: object, **kwargs: object) -> Any:
            raise failure

        original = getattr(type(self), method)
        if inspect.isasyncgenfunction(original):
            setattr(self, method, pages)
        elif inspect.iscoroutinefunction(original):
            setattr(self, method, call)
        else:
            setattr(self, method, plain)

    def project_names(self) -> dict[str, str]:
        return {p.id: p.name for p in self._projects}

    def request_id(self) -> str:
        return "req-" + fixed_id("request", next(self._requests))

    async def _pages(self, items: Iterable[T], page_size: int) -> AsyncIterator[list[T]]:
        page: list[T] = []
        for item in items:
            page.append(item)
            if len(page) >= page_size:
                await asyncio.sleep(self._latency)
                yield page
                page = []
        await asyncio.sleep(self._latency)
        if page:
            yield page

    async def _select(
        self, items: Iterable[T], page_size: int, *checks: Callable[[T], bool], **equal: object
    ) -> AsyncIterator[list[T]]:
        """A list with the API's filters: attributes equal to the values not None, checks."""
        wanted = [(name, value) for name, value in equal.items() if value is not None]
        matching = (
            item
            for item in items
            if all(getattr(item, name) == value for name, value in wanted)
            and all(check(item) for check in checks)
        )
        async for page in self._pages(matching, page_size):
            yield page

    def _mine(self, project_id: str) -> bool:
        """Whether a project-owned record is shown to us without asking for all projects."""
        return project_id == self._info.project_id

    def _owned(self, record: Owned) -> bool:
        """Whether we may see a record at all: an admin sees every project's."""
        return self._is_admin or self._mine(record.project_id)

    def _require_admin(self, operation: str, policy: str) -> None:
        if not self._is_admin:
            raise self.refused(403, f"Policy doesn't allow {policy} to be performed.", operation)

    def not_found(self, kind: str, ident: str, operation: str = "") -> NotFound:
        return NotFound(
            f"{kind.capitalize()} {ident} could not be found.",
            status=404,
            request_id=self.request_id(),
            operation=operation or f"show {kind}",
        )

    def refused(self, status: int, message: str, operation: str = "") -> BackendError:
        """The error a real service answers with (400 bad request, 409 conflict, 403...)."""
        return error_for_status(status, message, request_id=self.request_id(), operation=operation)

    def _lookup(
        self,
        store: Store[R],
        ident: str,
        kind: str,
        visible: Callable[[R], bool] | None = None,
        missing: str = "",
    ) -> R:
        """A record by id; a 404 when missing or hidden from us (like the services do), in
        the service's words when given (``missing``: a template for the id)."""
        found = store.get(ident)
        if found is None or (visible is not None and not visible(found)):
            raise self._missing(kind, ident, missing)
        return found

    def _present(self, found: T | None, message: str, operation: str = "", status: int = 404) -> T:
        """``found``, or the service's 404 (or ``status``) in its own words when None."""
        if found is None:
            raise self.refused(status, message, operation)
        return found

    def _missing(self, kind: str, ident: str, words: str = "", status: int = 404) -> BackendError:
        if not words:
            return self.not_found(kind, ident)
        return self.refused(status, words.format(ident), f"show {kind}")

    async def _write(self, action: str, target: str, change: Callable[[], T]) -> T:
        """A mutating call: refused when read-only, audited whatever happens."""
        if self._read_only:
            raise ReadOnlyError(
                f"stackdeck runs read-only: {action} on {target} was not sent.", operation=action
            )
        await asyncio.sleep(self._latency)
        request_id = self.request_id()
        self._writing = request_id  # the request id Nova's instance actions record
        try:
            result = change()
        except BackendError as exc:
            exc.request_id = request_id
            exc.operation = action
            self.secrets.redact_error(exc)
            self._audited(action, target, f"error: {exc.status or ''} {exc.message}", request_id)
            raise
        self.writes.append((action, target))
        self._audited(action, target, "ok", request_id)
        return result

    def _audited(self, action: str, target: str, result: str, request_id: str) -> None:
        if self._audit is None:
            return
        self._audit.record(
            AuditRecord(
                time=audit_now(),
                cloud=self._info.cloud,
                project=self._info.project,
                user=self._info.user,
                action=action,
                target=target,
                result=result,
                request_id=request_id,
            ),
            self.secrets,
        )

    def _find(
        self, items: Iterable[R], ident: str, kind: str, missing: str = "", status: int = 404
    ) -> R:
        for item in items:
            if item.id == ident:
                return item
        raise self._missing(kind, ident, missing, status)
