"""The in-memory cloud's plumbing: who we are, paging, admin checks, audited writes."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Iterable
from typing import Any, TypeVar

from tui.backend.audit import AuditLog, AuditRecord
from tui.backend.audit import now as audit_now
from tui.backend.errors import BackendError, Forbidden, NotFound, ReadOnlyError
from tui.backend.memory.data import fixed_id, project_json
from tui.backend.models import CloudInfo, Project

T = TypeVar("T")


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
    ) -> None:
        self._n_projects = projects
        self._n_hypervisors = hypervisors
        self._n_servers = servers
        self._latency = latency
        self._is_admin = is_admin
        self._read_only = read_only
        self._audit = audit
        self._requests = 0
        self._projects = [Project.from_api(project_json(i)) for i in range(projects)]
        home = self._projects[0]
        self._info = CloudInfo(
            cloud=cloud,
            region="RegionOne",
            project=home.name,
            project_id=home.id,
            user="admin" if is_admin else "demo",
            user_id=fixed_id("user", 0),
            auth_url="memory://",
            is_admin=is_admin,
            read_only=read_only,
        )
        self.writes: list[tuple[str, str]] = []

    @property
    def info(self) -> CloudInfo:
        return self._info

    async def connect(self) -> CloudInfo:
        return self._info

    async def close(self) -> None:
        return None

    def project_names(self) -> dict[str, str]:
        return {p.id: p.name for p in self._projects}

    def request_id(self) -> str:
        self._requests += 1
        return "req-" + fixed_id("request", self._requests)

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

    def _require_admin(self, operation: str, policy: str) -> None:
        if not self._is_admin:
            raise Forbidden(
                f"Policy doesn't allow {policy} to be performed.",
                status=403,
                request_id=self.request_id(),
                operation=operation,
            )

    def not_found(self, kind: str, ident: str, operation: str = "") -> NotFound:
        return NotFound(
            f"{kind.capitalize()} {ident} could not be found.",
            status=404,
            request_id=self.request_id(),
            operation=operation or f"show {kind}",
        )

    async def _write(self, action: str, target: str, change: Callable[[], T]) -> T:
        """A mutating call: refused when read-only, audited whatever happens."""
        if self._read_only:
            raise ReadOnlyError(
                f"stackdeck runs read-only: {action} on {target} was not sent.", operation=action
            )
        await asyncio.sleep(self._latency)
        request_id = self.request_id()
        try:
            result = change()
        except BackendError as exc:
            exc.request_id = exc.request_id or request_id
            exc.operation = exc.operation or action
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
            )
        )

    def _find(self, items: Iterable[Any], ident: str, kind: str) -> Any:
        for item in items:
            if item.id == ident:
                return item
        raise self.not_found(kind, ident)
