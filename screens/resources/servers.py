"""Servers (instances): the operator's main list."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import fields
from datetime import datetime

from tui.backend.base import Backend
from tui.backend.models import Server
from tui.backend.server_filters import ServerFilters, server_matches
from tui.backend.states import allows
from tui.forms import Choice, ChoiceLoader, Field, Form, Values, valid_name
from tui.resource import Action, Col, Drill, Resource, Scope, View, attr
from tui.screens.resources.boot import boot, boot_form
from tui.screens.resources.columns import project_col, state_col, task_col
from tui.screens.resources.moves import MOVING_ACTIONS
from tui.screens.resources.server_filter_words import SERVER_FILTER_WORDS
from tui.screens.resources.server_interfaces import SERVER_INTERFACE_ACTIONS
from tui.screens.resources.server_maintenance import (
    SERVER_DIAGNOSTICS_VIEW,
    SERVER_MAINTENANCE_ACTIONS,
)
from tui.screens.resources.server_security_groups import SERVER_SECURITY_GROUP_ACTIONS


def server_filters(scope: Scope) -> ServerFilters:
    """The Nova filters of a scope: the command line's words, a drill-down's host,
    project or flavor."""
    given = dict(scope.filters)
    locked = given.get("locked")
    return ServerFilters(
        **{k: v for k, v in given.items() if k in TEXT_FILTERS},
        locked=None if locked is None else locked == "true",
    )


TEXT_FILTERS = {f.name for f in fields(ServerFilters)} - {"locked"}


def list_servers(backend: Backend, scope: Scope) -> AsyncIterator[list[Server]]:
    return backend.servers(all_projects=scope.all_projects, filters=server_filters(scope))


def changed_servers(
    backend: Backend, scope: Scope, since: datetime
) -> AsyncIterator[list[Server]] | None:
    """Servers changed since `since` (Nova's changes-since), deleted ones as DELETED.

    Asked without the scope's filters but its project: a server that stopped matching
    (ERROR → ACTIVE under status=ERROR) comes back too, and the screen drops it by the
    same matcher the memory backend lists with (`in_scope`). A filter a list row cannot
    tell (a flavor id, tags) refreshes in full."""
    filters = server_filters(scope)
    if not filters.checkable():
        return None
    return backend.servers(
        all_projects=scope.all_projects or filters.needs_all_tenants(),
        project_id=filters.project_id,
        changes_since=since,
    )


def server_in_scope(scope: Scope) -> Callable[[Server], bool]:
    filters = server_filters(scope)
    return lambda server: server_matches(server, filters)


def deleted(row: Server) -> bool:
    return row.status == "DELETED"


TRANSITIONAL = {"BUILD", "REBOOT", "HARD_REBOOT", "RESIZE", "MIGRATING", "REBUILD", "DELETED"}


def settled(row: Server) -> bool:
    return not row.task_state and row.status not in TRANSITIONAL


def fault(row: Server) -> str | None:
    """Nova's reason for an ERROR (e.g. "No valid host was found.")."""
    if row.status != "ERROR":
        return None
    detail = row.raw.get("fault") or {}
    return f"ERROR: {detail.get('message') or 'no fault recorded'} (code {detail.get('code', '?')})"


def simple(action: str, **args: object) -> Callable[[Backend, Server, Values], Awaitable[None]]:
    async def run(backend: Backend, row: Server, values: Values) -> None:
        await backend.server_action(row.id, action, **args, **values)

    return run


def rename_form(row: Server) -> Form:
    return Form(
        title=f"Rename server {row.name}",
        fields=(Field("name", "New name", required=True, default=row.name, validate=valid_name),),
        submit_label="Rename",
    )


def reset_state_form(row: Server) -> Form:
    return Form(
        title=f"Reset state of {row.name}",
        description="Only the database record changes: Nova does not touch the VM.",
        fields=(
            Field(
                "state",
                "New state",
                kind="choice",
                required=True,
                default="active",
                choices=_fixed(("active", "ACTIVE"), ("error", "ERROR")),
            ),
        ),
        submit_label="Reset state",
    )


def backup_form(row: Server) -> Form:
    return Form(
        title=f"Back up {row.name}",
        fields=(
            Field(
                "name",
                "Backup image name",
                required=True,
                default=f"{row.name}-backup",
                validate=valid_name,
            ),
            Field(
                "backup_type",
                "Type",
                kind="choice",
                required=True,
                default="daily",
                choices=_fixed(("daily", "daily"), ("weekly", "weekly")),
            ),
            Field(
                "rotation",
                "Keep",
                kind="int",
                required=True,
                default=7,
                minimum=1,
                maximum=1000,
                help="how many backups of this type to keep",
            ),
        ),
        submit_label="Create backup",
    )


def _fixed(*pairs: tuple[str, str]) -> ChoiceLoader:
    async def load(backend: Backend, values: Values) -> list[Choice]:
        return [Choice(value, label) for value, label in pairs]

    return load


def _server_scope(field: str, server: Server) -> Scope:
    return Scope(all_projects=True, filters=((field, server.id),), label=f"server {server.name}")


def _groups_of(server: Server) -> Scope:
    names = ",".join(server.security_groups)
    return Scope(
        all_projects=True,
        filters=(("project_id", server.project_id), ("names", names)),
        label=f"server {server.name}",
    )


def _host_of(server: Server) -> Scope:
    return Scope(all_projects=True, filters=(("host", server.host),), label=f"host {server.host}")


def _of_server(server: Server) -> Scope:
    """A server's history or migrations (the lists' declarations load on first use)."""
    return Scope(
        all_projects=True, filters=(("server_id", server.id),), label=f"server {server.name}"
    )


def where_screen(server: Server) -> object:
    from tui.screens.resources.migrations import where_screen as screen

    return screen(server)


def console_log(server: Server) -> object:
    from tui.screens.console_log import ConsoleLogScreen

    return ConsoleLogScreen(server)


def ssh_namespace(server: Server) -> object:
    from tui.screens.terminal_screen import ServerSsh, TerminalScreen

    return TerminalScreen(ServerSsh(server, "namespace"))


def ssh_floating(server: Server) -> object:
    from tui.screens.terminal_screen import ServerSsh, TerminalScreen

    return TerminalScreen(ServerSsh(server, "floating"))


def gnocchi_metrics(server: Server) -> object:  # telemetry
    from tui.screens.resources.metrics import server_metrics

    return server_metrics(server)


def vnc_console(server: Server) -> object:
    from tui.screens.vnc import VncScreen

    return VncScreen(server)


def _no_host(server: Server) -> str:
    return f"server {server.name} is not on a host yet ({server.status})"


SERVER_VIEWS = (
    View(
        "l",
        "console",
        "Console log",
        console_log,
        lambda s: s.status != "BUILD" or bool(s.host),
        why_not=_no_host,
    ),
    View(
        "s",
        "ssh",
        "SSH (DHCP namespace)",
        ssh_namespace,
        lambda s: bool(s.fixed_ips),
        why_not=lambda s: (
            f"server {s.name} has no fixed IP: SSH through the DHCP namespace needs one"
        ),
    ),
    View(
        "S",
        "ssh-floating",
        "SSH (floating IP)",
        ssh_floating,
        lambda s: bool(s.floating_ips),
        why_not=lambda s: (
            f"server {s.name} has no floating IP — associate one with F (its floating IPs), "
            "then A on a free one; s connects through the DHCP namespace instead"
        ),
    ),
    View("v", "vnc", "VNC console URL", vnc_console, lambda s: bool(s.host), why_not=_no_host),
    # -- telemetry
    View("M", "metrics", "Metrics (Gnocchi)", gnocchi_metrics),
    View("w", "where", "Where is it (host, zone, aggregates, networks, DHCP)", where_screen),
    SERVER_DIAGNOSTICS_VIEW,
)

SERVER_DRILLS = (
    Drill("enter", "ports", lambda s: _server_scope("device_id", s), "Ports of this server"),
    Drill("V", "volumes", lambda s: _server_scope("server_id", s), "Volumes attached"),
    Drill("F", "floating-ips", lambda s: _server_scope("server_id", s), "Floating IPs"),
    Drill("W", "security-groups", _groups_of, "Security groups"),
    Drill("h", "hypervisors", _host_of, "The hypervisor it runs on"),
    Drill("H", "instance-actions", _of_server, "History (instance actions)"),
    Drill("O", "migrations", _of_server, "Its migrations"),
)

SERVER_ACTIONS = (
    Action("boot", "n", "Boot server", boot, form=boot_form, on_row=False, follow="list"),
    Action(
        "stop",
        "o",
        "Stop",
        simple("stop"),
        allows("stop"),
        progress="stopping",
    ),
    Action("start", "u", "Start", simple("start"), allows("start"), progress="starting"),
    Action(
        "reboot",
        "b",
        "Reboot (soft)",
        simple("reboot", hard=False),
        allows("reboot"),
        progress="rebooting",
    ),
    Action(
        "hard_reboot",
        "B",
        "Reboot (hard)",
        simple("reboot", hard=True),
        allows("hard_reboot"),
        confirm="yes",
        progress="rebooting",
    ),
    Action(
        "suspend",
        "z",
        "Suspend",
        simple("suspend"),
        allows("suspend"),
        progress="suspending",
    ),
    Action("resume", "Z", "Resume", simple("resume"), allows("resume"), progress="resuming"),
    Action("pause", "p", "Pause", simple("pause"), allows("pause"), progress="pausing"),
    Action("unpause", "P", "Unpause", simple("unpause"), allows("unpause"), progress="unpausing"),
    Action("lock", "L", "Lock", simple("lock"), lambda s: not s.locked, progress="locking"),
    Action("unlock", "U", "Unlock", simple("unlock"), lambda s: s.locked, progress="unlocking"),
    Action("rename", "R", "Rename", simple("rename"), form=rename_form, progress="renaming"),
    Action(
        "backup",
        "K",
        "Create backup",
        simple("create_backup"),
        allows("create_backup"),
        form=backup_form,
        progress="backing up",
        follow="none",
    ),
    Action(
        "reset_state",
        "E",
        "Reset state",
        simple("reset_state"),
        confirm="name",
        form=reset_state_form,
        progress="resetting",
        plan=lambda s, values: (
            f"Reset the state of {s.name} from {s.status} to {str(values['state']).upper()} "
            "in Nova's database (the VM is not touched)."
        ),
    ),
    Action(
        "delete",
        "ctrl+d",
        "Delete",
        simple("delete"),
        confirm="name",
        progress="deleting",
        follow="gone",
        message=lambda s: f"Delete server {s.name} ({s.id}) on {s.host or 'no host'}.",
    ),
    Action(
        "force_delete",
        "ctrl+k",
        "Force delete",
        simple("force_delete"),
        confirm="name",
        progress="deleting",
        follow="gone",
        message=lambda s: f"Force-delete {s.name} ({s.id}): no graceful shutdown.",
    ),
    *MOVING_ACTIONS,
    *SERVER_SECURITY_GROUP_ACTIONS,
    *SERVER_INTERFACE_ACTIONS,
    *SERVER_MAINTENANCE_ACTIONS,
)


SERVERS = Resource(
    name="servers",
    title="Servers",
    aliases=("server", "srv", "instances", "instance", "vm", "vms"),
    columns=(
        Col("Name", attr("name"), min_width=8, max_width=32),
        state_col("Status", "status"),
        task_col(),
        state_col("Power", "power_state", min_width=5),
        Col("Host", attr("host"), min_width=6, max_width=24),
        project_col(max_width=20, known="project"),
        Col("Addresses", lambda s: s.address_text, min_width=9, max_width=40),
        Col("Flavor", attr("flavor"), min_width=6, max_width=20),
    ),
    list=list_servers,
    changes=changed_servers,
    deleted=deleted,
    filter_words=SERVER_FILTER_WORDS,
    in_scope=server_in_scope,
    teaches="server",
    get=lambda b, i: b.server(i),
    all_projects_toggle=True,
    default_all_projects=True,
    actions=SERVER_ACTIONS,
    drills=SERVER_DRILLS,
    views=SERVER_VIEWS,
    settled=settled,
    failure=fault,
    badge_column="Task",
)
