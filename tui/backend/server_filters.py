"""Nova's server list filters: what `servers()` asks Nova to filter by, the query it sends,
and the one matcher that applies Nova's semantics to a server record.

The matcher is what the memory backend filters with, and what a list refreshed by changes
keeps or drops a changed row by; the rules are Nova 34's, checked against devcloud:

- ``status``: Nova maps it to vm_state (and task_state) with its status table, so
  ``status=ACTIVE`` also lists an active server rebooting (shown REBOOT);
- ``host``, ``project_id``, ``user_id``, ``image``, ``locked``: exact (``host`` as MariaDB
  compares it: case-insensitively);
- ``name``, ``availability_zone``: a regular expression searched anywhere, ignoring case
  (MariaDB's REGEXP);
- ``ip``, ``ip6``: Nova asks Neutron for the ports whose fixed IP contains the text (its
  ``ip-substring-filtering``: SQL LIKE, so ``%`` and ``_`` are wildcards); floating IPs do not
  count, and ``ip`` and ``ip6`` together list the servers either matches;
- ``flavor``: a flavor id (Nova's flavorid);
- ``tags``: every one of the comma-separated tags.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields, replace
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tui.backend.models import Server

# Nova's status for each vm_state and task_state ("" stands for any task): its _STATE_MAP.
_REBUILD = {"rebuilding": "REBUILD", "rebuild_block_device_mapping": "REBUILD"}
_REBUILD["rebuild_spawning"] = "REBUILD"
_RESIZE = {s: "RESIZE" for s in ("resize_prep", "resize_migrating", "resize_migrated")}
_RESIZE["resize_finish"] = "RESIZE"
STATUS_OF_STATE: dict[str, dict[str, str]] = {
    "active": {
        "": "ACTIVE",
        **{s: "REBOOT" for s in ("rebooting", "reboot_pending", "reboot_started")},
        **{s: "HARD_REBOOT" for s in ("rebooting_hard", "reboot_pending_hard")},
        "reboot_started_hard": "HARD_REBOOT",
        "updating_password": "PASSWORD",
        **_REBUILD,
        "migrating": "MIGRATING",
        **_RESIZE,
    },
    "building": {"": "BUILD"},
    "stopped": {"": "SHUTOFF", **_RESIZE, **_REBUILD},
    "resized": {"": "VERIFY_RESIZE", "resize_reverting": "REVERT_RESIZE"},
    "paused": {"": "PAUSED", "migrating": "MIGRATING"},
    "suspended": {"": "SUSPENDED"},
    "rescued": {"": "RESCUE"},
    "error": {"": "ERROR", **_REBUILD},
    "deleted": {"": "DELETED"},
    "soft-delete": {"": "SOFT_DELETED"},
    "shelved": {"": "SHELVED"},
    "shelved_offloaded": {"": "SHELVED_OFFLOADED"},
}
# What `status=` accepts (Nova answers anything else with 400 "Invalid status value").
STATUSES = tuple(sorted({s for tasks in STATUS_OF_STATE.values() for s in tasks.values()}))


@dataclass(frozen=True, slots=True)
class ServerFilters:
    """What a server list asks Nova to filter by; None or "" asks nothing."""

    status: str | None = None
    host: str | None = None
    project_id: str | None = None
    user_id: str | None = None
    name: str | None = None  # regex
    ip: str | None = None  # a part of a fixed IP
    ip6: str | None = None
    flavor: str | None = None  # a flavor id
    image: str | None = None  # an image id
    availability_zone: str | None = None  # regex
    tags: str | None = None  # comma-separated, all of them
    locked: bool | None = None

    def __bool__(self) -> bool:
        return any(getattr(self, f.name) not in (None, "") for f in fields(self))

    def needs_all_tenants(self) -> bool:
        """Nova applies ``host`` and ``project_id`` only across projects (all_tenants)."""
        return bool(self.host or self.project_id)

    def checkable(self) -> bool:
        """Whether a list row says all these filters look at: a slim row names its flavor,
        not its id, and carries no tags."""
        return not (self.flavor or self.tags)


NO_FILTERS = ServerFilters()


def nova_query(filters: ServerFilters) -> dict[str, Any]:
    """The servers/detail query parameters for `filters` (microversion 2.83+ for user_id,
    availability_zone; 2.73+ for locked)."""
    query: dict[str, Any] = {}
    for f in fields(filters):
        value = getattr(filters, f.name)
        if value is None or value == "":
            continue
        query[f.name] = ("true" if value else "false") if isinstance(value, bool) else value
    return query


def _state_matches(server: Server, status: str) -> bool:
    """Nova's `task_and_vm_state_from_status` applied to one server."""
    wanted = status.upper()
    vm_states = set()
    task_states = set()
    for vm_state, tasks in STATUS_OF_STATE.items():
        for task, shown in tasks.items():
            if shown == wanted:
                vm_states.add(vm_state)
                task_states.add(task)
    if server.vm_state not in vm_states:
        return False
    return "" in task_states or server.task_state in task_states


def _search(pattern: str, text: str) -> bool:
    return re.search(pattern, text, re.IGNORECASE) is not None


def like_pattern(part: str) -> re.Pattern[str]:
    """SQL's LIKE '%part%' (backslash escapes, ``%`` any text, ``_`` one character)."""
    out = []
    chars = iter(part)
    for c in chars:
        if c == "\\":
            out.append(re.escape(next(chars, "\\")))
        elif c == "%":
            out.append(".*")
        elif c == "_":
            out.append(".")
        else:
            out.append(re.escape(c))
    return re.compile("".join(out), re.IGNORECASE | re.DOTALL)


def _ip_matches(server: Server, filters: ServerFilters) -> bool:
    parts = [like_pattern(p) for p in (filters.ip, filters.ip6) if p]
    fixed = [a.addr for a in server.addresses if a.kind == "fixed"]
    return any(p.search(addr) for p in parts for addr in fixed)


def server_matches(
    server: Server, filters: ServerFilters, *, flavor_name: str | None = None
) -> bool:
    """Whether Nova lists `server` under `filters`. The row names its flavor, not its id:
    `flavor_name` is the name of the flavor `filters.flavor` names."""
    f = filters
    if f.status and not _state_matches(server, f.status):
        return False
    if f.host and server.host.casefold() != f.host.casefold():
        return False
    exact = ((f.project_id, server.project_id), (f.user_id, server.user_id))
    if any(want and want != have for want, have in (*exact, (f.image, server.image))):
        return False
    if f.locked is not None and server.locked != f.locked:
        return False
    if f.name and not _search(f.name, server.name):
        return False
    if f.availability_zone and not _search(f.availability_zone, server.availability_zone):
        return False
    if (f.ip or f.ip6) and not _ip_matches(server, f):
        return False
    if f.flavor and server.flavor != flavor_name:
        return False
    if f.tags:
        have = set(server.raw.get("tags") or ())
        if not {t for t in f.tags.split(",") if t} <= have:
            return False
    return True


def with_scope(
    filters: ServerFilters, *, host: str | None, project_id: str | None
) -> ServerFilters:
    """`filters` with the `host` and `project_id` short forms of `servers()` folded in."""
    return replace(filters, host=host or filters.host, project_id=project_id or filters.project_id)
