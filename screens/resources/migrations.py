"""Migrations (cloud-wide, of a server, of a host), a server's history (instance actions and
their events), and where a server is: declarations over the generic screens."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import AsyncIterator, Callable, Sequence

from rich.text import Text

from tui.backend.base import Backend
from tui.backend.errors import BackendError, NotFound
from tui.backend.models import (
    LIVE_MIGRATION,
    InstanceAction,
    InstanceActionEvent,
    Migration,
    Server,
    Whereabouts,
)
from tui.backend.moving import where_is
from tui.context import Context
from tui.resource import Action, Col, Drill, Resource, Row, Scope, attr, in_context
from tui.screens.resources.columns import name_col, project_col

# -- helpers ------------------------------------------------------------------------------


def when(stamp: str) -> str:
    """Nova's 2026-12-02T10:00:00.000000 as 2026-12-02 10:00:00."""
    return stamp.replace("T", " ").split(".")[0].removesuffix("Z") if stamp else ""


def time_col(title: str, name: str) -> Col:
    """A time in a list: 12-02 10:00:00 (the year is in describe), sorted by the real one."""
    return Col(
        title,
        lambda row: when(getattr(row, name))[5:],
        min_width=8,
        max_width=14,
        sort_key=lambda row: getattr(row, name),
    )


KIND = {"live-migration": "live", "migration": "cold", "resize": "resize"}


_GOOD = {"completed", "confirmed", "done", "finished", "reverted", "success"}
_BAD = {"error", "failed"}
_QUIET = {"cancelled", "aborted"}


def outcome_style(get: Callable[[Row], str]) -> Callable[[Row], str]:
    def style(row: Row) -> str:
        value = get(row).lower()
        if value in _GOOD:
            return "green"
        if value in _BAD:
            return "bold red"
        if value in _QUIET:
            return "bright_black"
        return "yellow" if value else ""

    return style


def _status_col(title: str, name: str, max_width: int = 14) -> Col:
    get = attr(name)
    return Col(title, get, min_width=6, max_width=max_width, style=outcome_style(get))


# -- migrations ---------------------------------------------------------------------------


async def with_progress(backend: Backend, migration: Migration) -> Migration:
    """A live migration in progress with its memory/disk progress (server-migrations)."""
    if migration.type != LIVE_MIGRATION or not migration.in_progress:
        return migration
    try:
        running = await backend.server_migrations(migration.server_id)
    except BackendError:
        return migration  # the list still shows it, without progress
    found = next((m for m in running if m.id == migration.id), None)
    if found is None:
        return migration
    progress = {
        f.name: getattr(found, f.name)
        for f in dataclasses.fields(Migration)
        if f.name.startswith(("memory_", "disk_"))
    }
    return dataclasses.replace(migration, **progress)


async def list_migrations(
    context: Context, backend: Backend, scope: Scope
) -> AsyncIterator[list[Migration]]:
    pages = backend.migrations(host=scope.get("host"), server_id=scope.get("server_id"))
    async for page in pages:  # the servers' names: their column's one listing (tui.names)
        yield list(await asyncio.gather(*(with_progress(backend, m) for m in page)))


def migration_key(m: Migration) -> str:
    # server-migrations address a migration by its server and its id
    return f"{m.server_id}/{m.id}"


async def get_migration(backend: Backend, key: str) -> Migration:
    server_id, _, ident = key.partition("/")
    async for page in backend.migrations(server_id=server_id):
        for m in page:
            if m.id == ident:
                return await with_progress(backend, m)
    raise NotFound(f"Migration {ident} of server {server_id} not found", operation="migration")


def kind(m: Migration) -> str:
    return KIND.get(m.type, m.type)


def progress(m: Migration) -> str:
    if not m.in_progress or m.type != LIVE_MIGRATION:
        return ""
    parts = []
    if (memory := m.memory_percent) is not None:
        parts.append(f"mem {memory}%")
    if (disk := m.disk_percent) is not None:
        parts.append(f"disk {disk}%")
    return " ".join(parts) or "…"


def move_text(m: Migration) -> str:
    return f"{m.source_compute or '?'} → {m.dest_compute or '?'}"


def migration_facts(context: Context, m: Migration) -> list[tuple[str, str]]:
    lines = [
        ("Server", f"{context.names.server(m.server_id)} ({m.server_id})"),
        ("Type", m.type),
        ("Status", m.status),
        ("From", f"{m.source_compute} ({m.source_node})" if m.source_node else m.source_compute),
        ("To", f"{m.dest_compute} ({m.dest_node})" if m.dest_node else m.dest_compute),
        ("Project / user", f"{context.names.project(m.project_id)} / {m.user_id}"),
        ("Created / updated", f"{when(m.created)} / {when(m.updated) or '-'}"),
    ]
    if m.memory_total_bytes:
        lines.append(
            (
                "Memory",
                f"{m.memory_processed_bytes // 2**20} of {m.memory_total_bytes // 2**20} MiB"
                f" ({m.memory_remaining_bytes // 2**20} MiB to go)",
            )
        )
    if m.disk_total_bytes:
        lines.append(
            (
                "Disk",
                f"{m.disk_processed_bytes // 2**20} of {m.disk_total_bytes // 2**20} MiB"
                f" ({m.disk_remaining_bytes // 2**20} MiB to go)",
            )
        )
    return lines


async def force_complete(backend: Backend, m: Migration, values: object) -> None:
    await backend.force_complete_migration(m.server_id, m.id)


async def abort(backend: Backend, m: Migration, values: object) -> None:
    await backend.abort_migration(m.server_id, m.id)


def _live_running(m: Migration) -> bool:
    return m.type == LIVE_MIGRATION and m.status == "running"


def _live_in_progress(m: Migration) -> bool:
    return m.type == LIVE_MIGRATION and m.in_progress


def _server_of(context: Context, m: Migration) -> Scope:
    return Scope(
        all_projects=True,
        filters=(("id", m.server_id),),
        label=f"server {context.names.server(m.server_id)}",
    )


def _history_of_migrated(context: Context, m: Migration) -> Scope:
    return Scope(
        all_projects=True,
        filters=(("server_id", m.server_id),),
        label=f"server {context.names.server(m.server_id)}",
    )


MIGRATIONS = Resource(
    name="migrations",
    title="Migrations",
    aliases=("migration", "mig", "migs"),
    columns=(
        name_col("Server", "server", "server_id", min_width=8, max_width=24),
        Col("Type", kind, min_width=4, max_width=10),
        _status_col("Status", "status"),
        Col("Source → dest", move_text, min_width=10, max_width=40),
        Col("Progress", progress, min_width=4, max_width=18),
        time_col("Created", "created"),
        time_col("Updated", "updated"),
        project_col(),
        Col("User", attr("user_id"), min_width=4, max_width=10),
    ),
    list=in_context(list_migrations),
    key=migration_key,
    label=in_context(
        lambda context, m: f"{kind(m)} migration of {context.names.server(m.server_id)}"
    ),
    get=get_migration,
    drills=(
        Drill("enter", "servers", in_context(_server_of), "The migrated server"),
        Drill("H", "instance-actions", in_context(_history_of_migrated), "The server's history"),
    ),
    actions=(
        Action(
            "force_complete",
            "F",
            "Force-complete live migration",
            force_complete,
            _live_running,
            confirm="yes",
            progress="forcing",
            message=in_context(
                lambda context, m: (
                    f"Force-complete the live migration of {context.names.server(m.server_id)} "
                    f"({move_text(m)}): Nova pauses the VM to copy the rest of its memory."
                )
            ),
        ),
        Action(
            "abort",
            "A",
            "Abort live migration",
            abort,
            _live_in_progress,
            confirm="yes",
            progress="aborting",
            message=in_context(
                lambda context, m: (
                    f"Abort the live migration of {context.names.server(m.server_id)} "
                    f"({move_text(m)}): it stays on {m.source_compute}."
                )
            ),
        ),
    ),
    needs_admin=True,
    settled=lambda m: not m.in_progress,
    facts=in_context(migration_facts),
    extra={"follow_unsettled": True},
)


# -- a server's history: instance actions and their events ---------------------------------


def list_actions(backend: Backend, scope: Scope) -> AsyncIterator[list[InstanceAction]]:
    return backend.instance_actions(scope.get("server_id") or "")


def _events_of(a: InstanceAction) -> Scope:
    return Scope(
        all_projects=True,
        filters=(("server_id", a.server_id), ("request_id", a.request_id)),
        label=f"{a.action} {a.request_id}",
    )


def action_facts(context: Context, a: InstanceAction) -> list[tuple[str, str]]:
    return [
        ("Action", a.action),
        ("Server", f"{context.names.server(a.server_id)} ({a.server_id})"),
        ("Request id", a.request_id),
        ("User / project", f"{a.user_id} / {context.names.project(a.project_id)}"),
        ("Started / updated", f"{when(a.start_time)} / {when(a.updated) or '-'}"),
        ("Message", a.message or "-"),
    ]


INSTANCE_ACTIONS = Resource(
    name="instance-actions",
    title="History",
    aliases=("history", "server-actions", "instance-action"),
    columns=(
        Col("Action", attr("action"), min_width=6, max_width=28),
        time_col("Start", "start_time"),
        Col(
            "Message",
            attr("message"),
            min_width=7,
            max_width=30,
            style=lambda a: "bold red" if a.message else "",
        ),
        project_col(),
        Col("User", attr("user_id"), min_width=4, max_width=10),
        Col("Request ID", attr("request_id"), min_width=10, max_width=40),
        time_col("Updated", "updated"),
    ),
    list=list_actions,
    key=lambda a: a.request_id,
    label=lambda a: f"{a.action} {a.request_id}",
    drills=(Drill("enter", "action-events", _events_of, "Its events"),),
    facts=in_context(action_facts),
    scope_key="server_id",
    reached_from="a server (H)",
)


async def list_events(backend: Backend, scope: Scope) -> AsyncIterator[list[InstanceActionEvent]]:
    action = await backend.instance_action(
        scope.get("server_id") or "", scope.get("request_id") or ""
    )
    yield list(action.events)


def last_line(text: str) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[-1].strip() if lines else ""


def event_facts(e: InstanceActionEvent) -> list[tuple[str, str]]:
    lines = [
        ("Event", e.event),
        ("Result", e.result or "running"),
        ("Start / finish", f"{when(e.start_time)} / {when(e.finish_time) or '-'}"),
        ("Host", e.host or (f"(hashed) {e.host_id}" if e.host_id else "not shown")),
    ]
    if e.details:
        lines.append(("Details", e.details))
    if e.traceback:
        lines.append(("Traceback", e.traceback))
    return lines


ACTION_EVENTS = Resource(
    name="action-events",
    title="Events",
    aliases=("events", "instance-action-events"),
    columns=(
        Col("Event", attr("event"), min_width=8, max_width=44),
        _status_col("Result", "result", max_width=9),
        time_col("Start", "start_time"),
        time_col("Finish", "finish_time"),
        Col("Host", attr("host"), min_width=4, max_width=20),
        Col("Details", attr("details"), min_width=7, max_width=30),
        Col("Traceback", lambda e: last_line(e.traceback), min_width=9, max_width=50),
    ),
    list=list_events,
    key=lambda e: f"{e.event}@{e.start_time}",
    label=attr("event"),
    facts=event_facts,
    scope_key="request_id",
    reached_from="a server's history (H, then enter)",
)


# -- where is this server ----------------------------------------------------------------


def where_facts(w: Whereabouts) -> Sequence[tuple[str, str | Text]]:
    lines: list[tuple[str, str | Text]] = list(w.lines)
    lines += [("Not known", Text(f"✖ {p}", style="bold red")) for p in w.problems]
    return lines


WHERE_IS = Resource(
    name="where-is",
    title="Where is",
    aliases=(),
    columns=(),
    list=lambda backend, scope: _nothing(),
    key=lambda w: w.server_id,
    label=lambda w: w.name or w.server_id,
    get=where_is,
    facts=where_facts,
)


async def _nothing() -> AsyncIterator[list[Whereabouts]]:
    return
    yield  # pragma: no cover


def where_screen(server: Server) -> object:
    from tui.screens.describe import DescribeScreen

    placeholder = Whereabouts(
        server_id=server.id,
        name=server.name,
        lines=(("Server", f"{server.name} ({server.id})"), ("Compute host", server.host or "-")),
    )
    return DescribeScreen(WHERE_IS, placeholder, verb="Where is")
