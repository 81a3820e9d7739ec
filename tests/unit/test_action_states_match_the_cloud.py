"""Every server and volume action is offered exactly where Nova or Cinder accept it.

One table-driven test walks the declarations (every resource whose rows are servers or
volumes, every action on a row) and, for every Nova vm_state x task_state (and every Cinder
status, attached or not, multiattach or not), compares the action's `when` with what the
state table (`tui/backend/states.py`) allows. An action with no rule there must be listed
below as state-free, with the reason; a new action with neither fails with a message
saying what to do.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from tests.app_forms import rows_by_resource
from tui.backend.memory import MemoryBackend
from tui.backend.models import Server, Volume
from tui.backend.states import (
    SERVER_RULES,
    VM_STATE_OF_STATUS,
    VOLUME_RULES,
    refusal,
    volume_refusal,
)
from tui.context import Context
from tui.resource import Action, Resource, bind
from tui.screens.resources.registry import RESOURCES

# An action whose rule in states.py has another name than the action.
RULE_OF = {
    # metadata and tags: Nova checks the same states for both (update_tags shares them)
    "servers": {"backup": "create_backup", "metadata": "update_metadata"},
    # the forms send force=True for an in-use volume (snapshot: 3.42 needs it; upload:
    # Cinder takes it where cinder.conf enables force uploads)
    "volumes": {"snapshot": "snapshot_force", "upload": "upload_force"},
}

# Actions on a row that no state rule governs, and why.
STATE_FREE = {
    "servers": {
        "lock": "Nova's lock has no @check_instance_state; offered by the server's locked flag",
        "unlock": "Nova's unlock has no @check_instance_state; offered by the locked flag",
        "add_security_group": "Neutron port update through Nova: no vm_state check",
        "remove_security_group": "Neutron port update through Nova: no vm_state check",
    },
    "volumes": {
        "reset_state": "os-reset_status has no status precondition: Cinder judges the target "
        "state (states.reset_refusal); offered to admins in every status",
    },
}

# nova/compute/task_states.py: every task state ("" is None, no task)
TASK_STATES = (
    "",
    *[
        "scheduling",
        "block_device_mapping",
        "networking",
        "spawning",
        "image_snapshot",
        "image_snapshot_pending",
        "image_pending_upload",
        "image_uploading",
        "image_backup",
        "updating_password",
        "resize_prep",
        "resize_migrating",
        "resize_migrated",
        "resize_finish",
        "resize_reverting",
        "resize_confirming",
        "rebooting",
        "reboot_pending",
        "reboot_started",
        "rebooting_hard",
        "reboot_pending_hard",
        "reboot_started_hard",
        "pausing",
        "unpausing",
        "suspending",
        "resuming",
        "powering_off",
        "powering_on",
        "rescuing",
        "unrescuing",
        "rebuilding",
        "rebuild_spawning",
        "migrating",
        "deleting",
        "soft_deleting",
        "restoring",
        "shelving",
        "shelving_image_uploading",
        "shelving_offloading",
        "unshelving",
    ],
)

# cinder/objects/fields.py VolumeStatus
VOLUME_STATUSES = [
    "creating",
    "available",
    "deleting",
    "error",
    "error_deleting",
    "error_managing",
    "managing",
    "attaching",
    "in-use",
    "detaching",
    "maintenance",
    "restoring-backup",
    "error_restoring",
    "reserved",
    "awaiting-transfer",
    "backing-up",
    "error_backing-up",
    "error_extending",
    "downloading",
    "uploading",
    "retyping",
    "extending",
]


async def _declared() -> dict[str, tuple[Resource, Any]]:
    """Each resource listing servers or volumes, with one of its rows (bound declarations)."""
    found: dict[str, tuple[Resource, Any]] = {}
    backend = MemoryBackend(servers=12)
    context = Context(backend)
    for name, listed in (await rows_by_resource(backend)).items():
        rows = [row for _scope, page in listed for row in page]
        if rows and isinstance(rows[0], Server | Volume):
            found[name] = (bind(RESOURCES[name], context), rows[0])
    return found


def _kind(row: Any) -> str:
    return "servers" if isinstance(row, Server) else "volumes"


def _rule(kind: str, action: Action) -> str | None:
    table = SERVER_RULES if kind == "servers" else VOLUME_RULES
    name = RULE_OF[kind].get(action.name, action.name)
    return name if name in table else None


def _server_rows(base: Server, *, host: str) -> list[Server]:
    raw = {**base.raw, "OS-EXT-SRV-ATTR:host": host}
    return [
        replace(
            base,
            status=status,
            vm_state=vm_state,
            task_state=task_state,
            host=host,
            locked=False,
            raw=raw,
        )
        for status, vm_state in VM_STATE_OF_STATUS.items()
        for task_state in TASK_STATES
    ]


def _volume_rows(base: Volume) -> list[Volume]:
    attachment = base.attachments[:1] or ()
    rows = []
    for status in VOLUME_STATUSES:
        for attached in (False, True):
            if attached and not attachment:
                continue
            for multiattach in (False, True):
                rows.append(
                    replace(
                        base,
                        status=status,
                        attachments=attachment if attached else (),
                        multiattach=multiattach,
                        host=base.host or "cinder@lvm#lvm",
                        raw={**base.raw, "os-vol-host-attr:host": base.host or "cinder@lvm"},
                    )
                )
    return rows


def _expected(kind: str, rule: str, row: Any) -> bool:
    if kind == "servers":
        return refusal(rule, row) is None
    return volume_refusal(rule, row) is None


def _state(row: Any) -> str:
    if isinstance(row, Server):
        return f"{row.status}/vm_state {row.vm_state}/task_state {row.task_state or 'None'}"
    return f"{row.status}{' attached' if row.attachments else ''}" + (
        " multiattach" if row.multiattach else ""
    )


def _problems(declared: dict[str, tuple[Resource, Any]]) -> tuple[list[str], int]:
    """What does not match, and how many (action, state) pairs were compared."""
    problems: list[str] = []
    checked = 0
    for name, (resource, base) in declared.items():
        kind = _kind(base)
        if kind == "servers":
            rows = _server_rows(base, host="compute1")
            hostless = _server_rows(base, host="")
        else:
            rows, hostless = _volume_rows(base), []
        if kind == "volumes" and not any(r.attachments for r in rows):
            pytest.fail("the demo cloud's first volume has no attachment to vary")
        for action in resource.actions:
            if not action.on_row:
                continue  # a list action (create, boot): no row, no state
            free = STATE_FREE[kind].get(action.name)
            rule = None if free is not None else _rule(kind, action)
            if rule is None and free is None:
                problems.append(
                    f"{name}: action {action.name!r} ({action.key}) has no state rule in "
                    f"tui/backend/states.py ({'SERVER' if kind == 'servers' else 'VOLUME'}"
                    "_RULES) and is not listed as state-free: transcribe Nova's/Cinder's check "
                    "into the table and declare when=allows(...), or add it to STATE_FREE in "
                    f"{__name__} with the reason"
                )
                continue
            if rule is None:
                offered = {action.when(row) for row in rows}
                if len(offered) != 1:
                    problems.append(
                        f"{name}: {action.name!r} is listed as state-free ({free}) but its "
                        "`when` depends on the state"
                    )
                continue
            for row in rows:
                checked += 1
                want = _expected(kind, rule, row)
                if action.when(row) != want:
                    problems.append(
                        f"{name}: {action.name!r} in {_state(row)}: offered={not want}, but "
                        f"the table (rule {rule!r}) {'allows' if want else 'refuses'} it"
                    )
            # without a host: never offered where Nova refuses (a host-bound action may
            # ask more than the table, e.g. evacuate needs the host whose service is down)
            for row in hostless:
                if action.when(row) and not _expected(kind, rule, row):
                    problems.append(
                        f"{name}: {action.name!r} offered on a server with no host in "
                        f"{_state(row)}, which Nova refuses"
                    )
    return problems, checked


async def test_every_server_and_volume_action_is_offered_where_the_cloud_allows_it() -> None:
    declared = await _declared()
    assert {"servers", "volumes"} <= declared.keys(), declared.keys()
    problems, checked = _problems(declared)
    assert not problems, "\n".join(problems[:40]) + (
        f"\n… and {len(problems) - 40} more" if len(problems) > 40 else ""
    )
    assert checked > 1000


async def test_an_action_with_neither_rule_nor_reason_is_named() -> None:
    resource, row = (await _declared())["servers"]

    async def run(*_: object) -> None:
        return None

    new = Action("frobnicate", "ctrl+o", "Frobnicate", run)
    problems, _ = _problems({"servers": (replace(resource, actions=(new,)), row)})
    assert len(problems) == 1
    assert "'frobnicate' (ctrl+o) has no state rule in tui/backend/states.py" in problems[0]
    assert "STATE_FREE" in problems[0]


def test_backup_is_not_offered_where_nova_refuses_it() -> None:
    """Nova's backup: vm_state active, stopped, paused or suspended; no task running."""
    from tui.screens.resources.servers import SERVERS

    backup = SERVERS.action("backup")
    assert backup is not None

    def server(status: str) -> Server:
        return Server.from_api(
            {
                "id": "s1",
                "name": "s1",
                "status": status,
                "OS-EXT-STS:vm_state": VM_STATE_OF_STATUS[status],
                "OS-EXT-STS:task_state": None,
            }
        )

    for status in ("ERROR", "RESCUE", "SHELVED", "SHELVED_OFFLOADED", "BUILD", "VERIFY_RESIZE"):
        assert not backup.when(server(status)), status
    for status in ("ACTIVE", "SHUTOFF", "PAUSED", "SUSPENDED"):
        assert backup.when(server(status)), status


def test_sampled_rules_read_as_in_nova_and_cinder_source() -> None:
    """A sample of the table checked against Nova's nova/compute/api.py, vm_states.py and
    task_states.py, and Cinder's cinder/volume/api.py (master, 2026)."""
    vm = {name: rule.vm_states for name, rule in SERVER_RULES.items()}
    assert vm["create_backup"] == {"active", "stopped", "paused", "suspended"}
    assert vm["rescue"] == vm["rebuild"] == {"active", "stopped", "error"}
    assert vm["shelve"] == {"active", "stopped", "paused", "suspended"}
    assert vm["stop"] == {"active", "error"} and SERVER_RULES["stop"].needs_host
    # vm_states.ALLOW_HARD_REBOOT; task_states.ALLOW_REBOOT (None is "")
    assert vm["hard_reboot"] == {"active", "stopped", "paused", "suspended", "error"}
    assert SERVER_RULES["hard_reboot"].task_states == {
        "",
        "rebooting",
        "reboot_pending",
        "reboot_started",
        "resuming",
        "rebooting_hard",
        "unpausing",
        "pausing",
        "suspending",
    }
    assert SERVER_RULES["evacuate"].task_states is None  # task_state=None: any
    assert VOLUME_RULES["delete"].statuses == {
        "available",
        "error",
        "error_restoring",
        "error_extending",
        "error_managing",
    }
    assert VOLUME_RULES["detach"].statuses == {"in-use"}
    assert VOLUME_RULES["attach"].statuses == {"available", "downloading"}
    assert VOLUME_RULES["attach"].multiattach == {"in-use"}
