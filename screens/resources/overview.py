"""The health overview: one line per check, each a count and a state; enter lists the rows.

A declaration on the generic resource screen: the rows are checks, each drills (per row)
into the resource it summarises, narrowed by the same filtered call that counted it. The
checks run concurrently; the list shows them all at once (as last seen, or "checking…")
and replaces each line as its check answers, so a 403 or a slow service spoils one line.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass, replace
from functools import partial
from typing import Any, ClassVar, Literal, cast

from tui.backend.base import Backend
from tui.backend.errors import BackendError, Forbidden
from tui.backend.models import ComputeService, Hypervisor, NetworkAgent, Server, Volume
from tui.context import Context
from tui.crash import summary as summary_of
from tui.resource import Col, Drill, Lister, Resource, Row, Scope, attr, bind, in_context

State = Literal["ok", "warning", "problem", "checking", "error", "n/a"]

# Nova's task states (nova/compute/task_states.py) in the order the overview lists them.
TASK_STATES = (
    "scheduling", "block_device_mapping", "networking", "spawning",
    "image_snapshot", "image_snapshot_pending", "image_pending_upload", "image_uploading",
    "image_backup", "updating_password",
    "resize_prep", "resize_migrating", "resize_migrated", "resize_finish",
    "resize_reverting", "resize_confirming",
    "rebooting", "reboot_pending", "reboot_started",
    "rebooting_hard", "reboot_pending_hard", "reboot_started_hard",
    "pausing", "unpausing", "suspending", "resuming", "powering-off", "powering-on",
    "rescuing", "unrescuing", "rebuilding", "rebuild_block_device_mapping", "rebuild_spawning",
    "migrating", "deleting", "soft-deleting", "restoring",
    "shelving", "shelving_image_pending_upload", "shelving_image_uploading",
    "shelving_offloading", "unshelving",
)  # fmt: skip
_TASK_ORDER = {state: n for n, state in enumerate(TASK_STATES)}
VOLUME_ERRORS = (
    "error", "error_deleting", "error_extending", "error_restoring",
    "error_backing-up", "error_managing",
)  # fmt: skip
VOLUME_TRANSITIONS = (
    "creating", "attaching", "detaching", "deleting", "extending", "retyping",
    "downloading", "uploading", "backing-up", "restoring-backup", "maintenance",
)  # fmt: skip


class SharedLists:
    """The backend as one overview run sees it: a list several checks read (the compute
    services: down and disabled; the network agents likewise) is sent once, its pages handed
    to each; everything else is the backend's own."""

    SHARED = frozenset({"compute_services", "network_agents"})

    def __init__(self, backend: Backend) -> None:
        self._backend = backend
        self._lists: dict[str, asyncio.Task[list[list[Any]]]] = {}

    def __getattr__(self, name: str) -> Any:
        value = getattr(self._backend, name)
        return partial(self._shared, name, value) if name in self.SHARED else value

    async def _shared(
        self, name: str, listing: Callable[..., AsyncIterator[list[Any]]], **kwargs: Any
    ) -> AsyncIterator[list[Any]]:
        if kwargs:  # narrowed otherwise: its own list
            async for page in listing(**kwargs):
                yield page
            return
        task = self._lists.get(name)
        if task is None:
            task = self._lists[name] = asyncio.create_task(_pages(listing()))
        for page in await asyncio.shield(task):
            yield page

    def close(self) -> None:
        for task in self._lists.values():
            task.cancel()


async def _pages(pages: AsyncIterator[list[Any]]) -> list[list[Any]]:
    return [page async for page in pages]


async def only(
    pages: AsyncIterator[list[Row]], keep: Callable[[Row], bool]
) -> AsyncIterator[list[Row]]:
    async for page in pages:
        if kept := [row for row in page if keep(row)]:
            yield kept


# -- the checks: each is the filtered list its line counts and its drill shows -------------


def services_down(backend: Backend, scope: Scope) -> AsyncIterator[list[ComputeService]]:
    return only(backend.compute_services(), lambda s: s.state != "up" or s.forced_down)


def services_disabled(backend: Backend, scope: Scope) -> AsyncIterator[list[ComputeService]]:
    return only(backend.compute_services(), lambda s: s.status == "disabled")


def agents_down(backend: Backend, scope: Scope) -> AsyncIterator[list[NetworkAgent]]:
    return only(backend.network_agents(), lambda a: not a.alive)


def agents_disabled(backend: Backend, scope: Scope) -> AsyncIterator[list[NetworkAgent]]:
    return only(backend.network_agents(), lambda a: not a.admin_state_up)


def hypervisors_out(backend: Backend, scope: Scope) -> AsyncIterator[list[Hypervisor]]:
    return only(backend.hypervisors(), lambda h: h.state != "up" or h.status != "enabled")


def servers_in_error(backend: Backend, scope: Scope) -> AsyncIterator[list[Server]]:
    return backend.servers_in_status("ERROR")


async def servers_stuck(
    context: Context, backend: Backend, scope: Scope
) -> AsyncIterator[list[Server]]:
    """Busy servers (a few requests, not one per task state), in the task states' order."""
    busy = backend.servers_in_a_task(before=context.thresholds.before())
    rows = [server async for page in busy for server in page]
    if rows:
        yield sorted(rows, key=lambda s: _TASK_ORDER.get(s.task_state, len(_TASK_ORDER)))


def volumes_in_error(backend: Backend, scope: Scope) -> AsyncIterator[list[Volume]]:
    return backend.volumes_in_states(VOLUME_ERRORS)


def volumes_stuck(context: Context, backend: Backend, scope: Scope) -> AsyncIterator[list[Volume]]:
    return backend.volumes_in_states(VOLUME_TRANSITIONS, before=context.thresholds.before())


def _hosts(rows: Sequence[Any], what: Callable[[Any], str]) -> str:
    return ", ".join(what(row) for row in rows)


def _service_down(s: ComputeService) -> str:
    return f"{s.binary}@{s.host}" + (" (forced)" if s.forced_down else "")


def _service_disabled(s: ComputeService) -> str:
    return f"{s.binary}@{s.host}" + (f": {s.disabled_reason}" if s.disabled_reason else "")


def _hypervisor(h: Hypervisor) -> str:
    why = "down" if h.state != "up" else "disabled"
    return f"{h.name} {why}" + (f": {h.disabled_reason}" if h.disabled_reason else "")


def _server(s: Server) -> str:
    return f"{s.name} ({s.task_state})" if s.task_state else s.name


def _volume(v: Volume) -> str:
    return f"{v.name or v.id} ({v.status})"


def _down_is_worse(rows: Sequence[Hypervisor]) -> State:
    return "problem" if any(h.state != "up" for h in rows) else "warning"


@dataclass(frozen=True, slots=True)
class Check:
    """One line of the overview: its name ("{minutes}": the context's stuck threshold),
    the list it counts and how to read it."""

    __bindable__: ClassVar[bool] = True  # its lister may need the context

    id: str
    name: str
    target: str
    rows: Lister
    describe: Callable[[Any], str]
    severity: State | Callable[[Sequence[Any]], State] = "problem"
    service: tuple[str, ...] = ()  # catalog types the check needs (any of them)
    # the service answers a member with an empty list instead of a 403 (Neutron agents)
    hidden_from_members: bool = False

    def state(self, rows: Sequence[Any]) -> State:
        if not rows:
            return "ok"
        return self.severity if isinstance(self.severity, str) else self.severity(rows)


CHECKS: tuple[Check, ...] = (
    Check("services-down", "Compute services down", "compute-services", services_down,
          _service_down, service=("compute",)),
    Check("services-disabled", "Compute services disabled", "compute-services",
          services_disabled, _service_disabled, "warning", ("compute",)),
    Check("agents-down", "Network agents down", "network-agents", agents_down,
          lambda a: a.name, service=("network",), hidden_from_members=True),
    Check("agents-disabled", "Network agents disabled", "network-agents", agents_disabled,
          lambda a: a.name, "warning", ("network",), hidden_from_members=True),
    Check("hypervisors", "Hypervisors down or disabled", "hypervisors", hypervisors_out,
          _hypervisor, _down_is_worse, ("compute",)),
    Check("servers-error", "Servers in ERROR", "servers", servers_in_error, _server,
          service=("compute",)),
    Check("servers-stuck", "Servers in a task > {minutes} min", "servers",
          in_context(servers_stuck), _server, "warning", ("compute",)),
    Check("volumes-error", "Volumes in an error state", "volumes", volumes_in_error, _volume,
          service=("block-storage", "volumev3", "volume")),
    Check("volumes-stuck", "Volumes in transition > {minutes} min", "volumes",
          in_context(volumes_stuck), _volume, "warning", ("block-storage", "volumev3", "volume")),
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class CheckResult:
    """One line of the overview."""

    check: Check
    state: State
    count: int | None = None
    detail: str = ""

    @property
    def id(self) -> str:
        return self.check.id

    @property
    def name(self) -> str:
        return self.check.name

    @property
    def raw(self) -> dict[str, Any]:
        """What describe shows."""
        return {
            "check": self.name,
            "state": self.state,
            "count": self.count,
            "detail": self.detail,
            "lists": self.check.target,
        }


def _detail(check: Check, rows: Sequence[Any], width: int = 6) -> str:
    if not rows:
        return ""
    shown = "; ".join(check.describe(row) for row in rows[:width])
    return shown + (f" and {len(rows) - width} more" if len(rows) > width else "")


def _failure(exc: BackendError) -> str:
    request = f" (request id {exc.request_id})" if exc.request_id else ""
    if isinstance(exc, Forbidden):
        return f"needs admin rights (HTTP 403){request}"
    status = f"HTTP {exc.status}: " if exc.status else ""
    return f"{status}{exc.message}{request}"


async def run_check(backend: Backend, check: Check, *, admin: bool = False) -> CheckResult:
    """Run one (bound) check; `admin`: a member's empty answer is not taken for none."""
    services = backend.info.services
    if check.service and services and not any(t in services for t in check.service):
        return CheckResult(check, "n/a", detail=f"no {check.service[0]} service in the catalog")
    try:
        rows = [row async for page in check.rows(backend, Scope()) for row in page]
    except BackendError as exc:
        return CheckResult(check, "error", detail=_failure(exc))
    if not rows and check.hidden_from_members and not admin:
        return CheckResult(check, "error", detail="needs admin rights (members see none)")
    return CheckResult(check, check.state(rows), len(rows), _detail(check, rows))


def checks_of(context: Context) -> tuple[Check, ...]:
    """The checks as `context` runs them: bound to it, named with its threshold."""
    minutes = context.thresholds.stuck_minutes
    return tuple(
        replace(bind(check, context), name=check.name.format(minutes=minutes)) for check in CHECKS
    )


async def list_checks(
    context: Context, backend: Backend, scope: Scope
) -> AsyncIterator[list[CheckResult]]:
    # the last results of this context: a refresh shows them until each check answers again
    last: dict[str, CheckResult] = context.remembered.setdefault("overview", {})
    checks = checks_of(context)
    yield [last.get(c.id) or CheckResult(c, "checking") for c in checks]
    bugs: list[Exception] = []
    admin = context.capabilities.admin
    shared = SharedLists(backend)

    async def checked(check: Check) -> CheckResult:
        try:
            return await run_check(cast(Backend, shared), check, admin=admin)
        except Exception as exc:  # a bug in one check spoils its line, not the others
            bugs.append(exc)
            return CheckResult(check, "error", detail=f"stackdeck failed here: {summary_of(exc)}")

    tasks = [asyncio.create_task(checked(check)) for check in checks]
    try:
        for done in asyncio.as_completed(tasks):
            result = await done
            last[result.id] = result
            yield [result]
    finally:
        for task in tasks:
            task.cancel()
        shared.close()
    if bugs:
        raise bugs[0]  # once every line is in: the app's error panel and crash file


def drill_scope(result: CheckResult) -> Scope:
    """The check's own filtered list, with the target's columns and actions."""
    return Scope(
        all_projects=True,
        label=result.name.lower(),
        filters=(("check", result.check.id),),
        lister=result.check.rows,
    )


_STATE_TEXT: dict[str, str] = {
    "ok": "OK",
    "warning": "WARN",
    "problem": "PROBLEM",
    "checking": "checking…",
    "error": "ERROR",
    "n/a": "n/a",
}
_STATE_STYLE: dict[str, str] = {
    "ok": "green",
    "warning": "bold yellow",
    "problem": "bold red",
    "checking": "italic",
    "error": "magenta",
    "n/a": "bright_black",
}
_ORDER = {"problem": 0, "error": 1, "warning": 2, "checking": 3, "ok": 4, "n/a": 5}


def _count(result: CheckResult) -> str:
    return "…" if result.count is None and result.state == "checking" else str(result.count or 0)


def summary(rows: Sequence[CheckResult]) -> str:
    problems = sum(1 for r in rows if r.state == "problem")
    warnings = sum(1 for r in rows if r.state == "warning")
    failed = sum(1 for r in rows if r.state == "error")
    parts = [
        f"{n} {one if n == 1 else many}"
        for n, one, many in (
            (problems, "problem", "problems"),
            (warnings, "warning", "warnings"),
            (failed, "check failed", "checks failed"),
        )
        if n
    ]
    return " · ".join(parts) if parts else "all clear"


OVERVIEW = Resource(
    name="overview",
    title="Health overview",
    aliases=("health", "home", "dash"),
    columns=(
        Col("Check", attr("name"), min_width=12, max_width=30),
        Col(
            "Count",
            _count,
            min_width=5,
            max_width=6,
            align="right",
            sort_key=lambda r: r.count or 0,
            style=lambda r: _STATE_STYLE[r.state] if r.count else "",
        ),
        Col(
            "State",
            lambda r: _STATE_TEXT[r.state],
            min_width=5,
            max_width=9,
            style=lambda r: _STATE_STYLE[r.state],
            sort_key=lambda r: _ORDER[r.state],
        ),
        Col("Details", attr("detail"), min_width=10, max_width=120),
    ),
    list=in_context(list_checks),
    label=lambda r: r.name,
    drills=(Drill("enter", lambda r: r.check.target, drill_scope, "List what this line counts"),),
    summary=summary,
)
