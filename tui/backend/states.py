"""Nova's state rules for server actions: the one table stackdeck reads.

Transcribed from Nova's ``nova/compute/api.py`` (the ``@check_instance_state`` decorators of
each method, Nova 34): which ``vm_state`` and ``task_state`` allow an action. The memory
backend refuses with it (HTTP 409, Nova's message), and the screens' ``when`` predicates
ask it whether to offer an action (``allows("live_migrate")``). Nothing here imports
Textual or a backend: it is plain data over the ``Server`` model.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from fnmatch import fnmatchcase
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tui.backend.models import Server, Volume, VolumeSnapshot

ANY = None  # a rule part that accepts every state

# vm_state for each status Nova derives from it, for records that lack OS-EXT-STS fields.
VM_STATE_OF_STATUS = {
    "ACTIVE": "active",
    "BUILD": "building",
    "SHUTOFF": "stopped",
    "PAUSED": "paused",
    "SUSPENDED": "suspended",
    "RESCUE": "rescued",
    "VERIFY_RESIZE": "resized",
    "REVERT_RESIZE": "resized",
    "ERROR": "error",
    "SHELVED": "shelved",
    "SHELVED_OFFLOADED": "shelved_offloaded",
    "SOFT_DELETED": "soft_deleted",
    "DELETED": "deleted",
}

# task_states.ALLOW_REBOOT: a hard reboot may interrupt these (not a hard reboot already
# pending or started, nor a power-off/on under way).
_ALLOW_REBOOT = frozenset(
    {
        "",
        "rebooting",
        "reboot_pending",
        "reboot_started",
        "resuming",
        "rebooting_hard",
        "pausing",
        "unpausing",
        "suspending",
    }
)
_IDLE = frozenset({""})  # Nova's default task_state=(None,): no task running


@dataclass(frozen=True, slots=True)
class Rule:
    """What Nova checks before an action: vm_states and task_states ("" is None)."""

    api_name: str  # the action's name in Nova's 409 message ("os-migrateLive", "migrate")
    vm_states: frozenset[str] | None
    task_states: frozenset[str] | None = _IDLE
    needs_host: bool = False  # @check_instance_host: refused while the server has no host

    def refusal(self, vm_state: str, task_state: str) -> str | None:
        """Nova's 409 reason when the states do not allow the action, else None."""
        if self.vm_states is not None and vm_state not in self.vm_states:
            return f"vm_state {vm_state or 'None'}"
        if self.task_states is not None and task_state not in self.task_states:
            return f"task_state {task_state or 'None'}"
        return None


def _vm(*states: str) -> frozenset[str]:
    return frozenset(states)


# attach_volume and detach_volume: a server with a disk somewhere, not building or in error
_VOLUME_STATES = _vm(
    "active", "paused", "stopped", "resized", "soft_deleted", "shelved", "shelved_offloaded"
)

# metadata and tags: a server that exists somewhere, not building, shelved or in error
_METADATA_STATES = _vm("active", "paused", "suspended", "stopped")

# action (the backend's name) -> Nova's rule
SERVER_RULES: dict[str, Rule] = {
    "start": Rule("start", _vm("stopped"), needs_host=True),
    "stop": Rule("stop", _vm("active", "error"), needs_host=True),
    "reboot": Rule("reboot", _vm("active")),
    "hard_reboot": Rule(
        "reboot", _vm("active", "stopped", "paused", "suspended", "error"), _ALLOW_REBOOT
    ),
    "pause": Rule("pause", _vm("active")),
    "unpause": Rule("unpause", _vm("paused")),
    "suspend": Rule("suspend", _vm("active")),
    "resume": Rule("resume", _vm("suspended")),
    "rescue": Rule("rescue", _vm("active", "stopped", "error")),
    "unrescue": Rule("unrescue", _vm("rescued")),
    "create_backup": Rule("createBackup", _vm("active", "stopped", "paused", "suspended")),
    "rebuild": Rule("rebuild", _vm("active", "stopped", "error")),
    "delete": Rule("delete", ANY, ANY),
    "force_delete": Rule("forceDelete", ANY, ANY),
    "lock": Rule("lock", ANY, ANY),
    "unlock": Rule("unlock", ANY, ANY),
    "rename": Rule("update", ANY, ANY),
    "reset_state": Rule("os-resetState", ANY, ANY),
    # moving a server
    "live_migrate": Rule("os-migrateLive", _vm("active", "paused")),
    "migrate": Rule("migrate", _vm("active", "stopped"), needs_host=True),
    "resize": Rule("resize", _vm("active", "stopped"), needs_host=True),
    "confirm_resize": Rule("confirmResize", _vm("resized")),
    "revert_resize": Rule("revertResize", _vm("resized")),
    "evacuate": Rule("evacuate", _vm("active", "stopped", "error"), ANY),
    "shelve": Rule("shelve", _vm("active", "stopped", "paused", "suspended")),
    "shelve_offload": Rule("shelveOffload", _vm("shelved")),
    "unshelve": Rule("unshelve", _vm("shelved", "shelved_offloaded")),
    "force_complete_migration": Rule("force_complete", _vm("active"), frozenset({"migrating"})),
    "abort_migration": Rule("abort live migration", ANY, frozenset({"migrating"})),
    # volumes on a server (POST/DELETE /servers/{id}/os-volume_attachments)
    "attach_volume": Rule("attach_volume", _VOLUME_STATES),
    "detach_volume": Rule("detach_volume", _VOLUME_STATES),
    # network interfaces (POST/DELETE /servers/{id}/os-interface)
    "attach_interface": Rule("attach_interface", _vm("active", "paused", "stopped")),
    "detach_interface": Rule("detach_interface", _vm("active", "paused", "stopped")),
    # a server's maintenance (rebuild, rescue and unrescue are above, as Nova has them):
    # createImage is snapshot() or snapshot_volume_backed(), both with these states
    "create_image": Rule("createImage", _vm("active", "stopped", "paused", "suspended")),
    # update_instance_metadata / delete_instance_metadata: task_state=None is "any task"
    "update_metadata": Rule("update metadata", _METADATA_STATES, ANY),
    "delete_metadata": Rule("delete metadata", _METADATA_STATES, ANY),
    # the tags API's own check (server_tags.py), not a decorator: any task
    "update_tags": Rule("update tags", _METADATA_STATES, ANY),
    # get_instance_diagnostics: @check_instance_host only ("Instance <id> is not ready")
    "diagnostics": Rule("get_diagnostics", ANY, ANY, needs_host=True),
}


# What Nova shows of a server in a cell it cannot reach (2.69+): status UNKNOWN and a
# partial record. Nothing can be done to it until the cell is back: no rule above applies.
CELL_DOWN_STATUS = "UNKNOWN"
CELL_DOWN = (
    "this server's cell is down: Nova returns only id, status, project and creation time; "
    "actions are unavailable until the cell is back"
)


def unavailable(row: object) -> str | None:
    """Why no action at all may run on a row (a server whose cell is down), or None. Every
    declared action's and view's `when` asks this first (tui/resource.py)."""
    if getattr(row, "status", None) != CELL_DOWN_STATUS:  # asked of every row of a list
        return None
    from tui.backend.models import Server

    return CELL_DOWN if isinstance(row, Server) else None


def vm_state_of(server: Server) -> str:
    return server.vm_state or VM_STATE_OF_STATUS.get(server.status, "")


def refusal(action: str, server: Server) -> str | None:
    """Why Nova would refuse ``action`` on ``server`` ("vm_state stopped"), or None."""
    if server.status == CELL_DOWN_STATUS:
        return f"status {CELL_DOWN_STATUS}"
    rule = SERVER_RULES[action]
    reason = rule.refusal(vm_state_of(server), server.task_state)
    # only admins see OS-EXT-SRV-ATTR:host: without the key, the host check cannot be judged
    if reason is None and rule.needs_host and not server.host and server.host_known:
        return "host None"
    return reason


def allows(action: str) -> Callable[[Server], bool]:
    """A `when` predicate: whether Nova's state rules let ``action`` run on a server."""
    SERVER_RULES[action]  # an unknown action fails here, when the declaration loads

    def check(server: Server) -> bool:
        return refusal(action, server) is None

    return check


def conflict_message(action: str, server: Server) -> str | None:
    """Nova's 409 message for a refused action (None when allowed)."""
    reason = refusal(action, server)
    if reason is None:
        return None
    if reason == "host None":
        return f"Instance {server.id} is not ready"
    api_name = SERVER_RULES[action].api_name
    if reason.endswith(" None"):  # Nova names no state it has not got (task_state None)
        return f"Instance {server.id} is in an invalid state for '{api_name}'"
    return f"Cannot '{api_name}' instance {server.id} while it is in {reason}"


# == Cinder: volume and snapshot statuses ====================================================
#
# Transcribed from Cinder 29's ``cinder/volume/api.py`` (``delete``, ``_extend``,
# ``create_snapshot_in_db`` and its ``_create_snapshot_in_db_validate``, ``delete_snapshot``,
# ``attachment_create`` / ``_attachment_reserve``, ``begin_detaching``) and
# ``cinder/volume/flows/api/create_volume.py`` (what a new volume may be made from), at the
# block-storage microversion stackdeck speaks (3.42: an in-use volume extends in place; a
# snapshot of an in-use volume needs ``force``, which 3.66 would lift). Cinder answers a
# refusal with HTTP 400 and the reason below; attaching and detaching go through Nova, which
# checks the server's vm_state first (the two ``SERVER_RULES`` entries at the end).


@dataclass(frozen=True, slots=True)
class CinderRule:
    """Which statuses of a volume (or snapshot) let Cinder act, and Cinder's 400 reason.

    ``message`` is formatted with the record's ``id`` and ``status``; ``early`` are checks
    Cinder makes before the status list, as (fnmatch pattern of a status, its reason).
    """

    statuses: frozenset[str] | None  # None: any status (what force-delete skips)
    message: str
    early: tuple[tuple[str, str], ...] = ()
    multiattach: frozenset[str] = frozenset()  # further statuses for a multiattach volume
    attached: bool | None = None  # True: needs an attachment; False: refused with one
    unscheduled_any: bool = False  # a volume no backend took (host known, empty): any status
    # refused while a migration runs (migration_status not in AVAILABLE_MIGRATION_STATUS)
    not_migrating: bool = False

    def allowed(self, multiattach: bool = False) -> frozenset[str] | None:
        if self.statuses is None:
            return None
        return self.statuses | self.multiattach if multiattach else self.statuses

    def refusal(
        self,
        ident: str,
        status: str,
        *,
        attached: bool = False,
        multiattach: bool = False,
        migrating: bool = False,
    ) -> str | None:
        for pattern, reason in self.early:
            if fnmatchcase(status, pattern):
                return reason.format(id=ident, status=status)
        allowed = self.allowed(multiattach)
        if (
            (allowed is not None and status not in allowed)
            or (self.attached is not None and attached != self.attached)
            or (self.not_migrating and migrating)
        ):
            return self.message.format(id=ident, status=status)
        return None


def _st(*statuses: str) -> frozenset[str]:
    return frozenset(statuses)


_VOLUME_DELETE_REASON = (
    "Invalid volume: Volume status must be available or error or error_restoring or "
    "error_extending or error_managing and must not be migrating, attached, belong to a "
    "group, have snapshots, awaiting a transfer, or be disassociated from snapshots after "
    "volume transfer."
)

# _create_snapshot_in_db_validate(), before the status list
_SNAPSHOT_EARLY = (
    (
        "maintenance",
        "Invalid volume: The snapshot cannot be created when the volume is in maintenance mode.",
    ),
    ("error", "Invalid volume: The snapshot cannot be created when the volume is in error status."),
)

# -- the operator's toolbox: retype, upload-to-image, force-delete, transfer-create ------------
# ``retype`` and ``copy_volume_to_image`` and ``delete(force=True)`` of volume/api.py, and
# ``create`` of cinder/transfer/api.py (Cinder 29). Each answers HTTP 400 with the reason below
# (checked against devcloud's Cinder by tests/contract/test_volume_operations_contract.py).

_RETYPE_REASON = (
    "Invalid volume: Retype needs volume to be in available or in-use state, not be part of "
    "an active migration or a consistency group, requested type has to be different that the "
    "one from the volume, and for in-use volumes front-end qos specs cannot change."
)
# delete(force=True): no status list, so build_or_str(None) leaves "Volume  must..." (two
# spaces, as Cinder says it); attached, migrating or with snapshots is still refused
_FORCE_DELETE_REASON = (
    "Invalid volume: Volume  must not be migrating, attached, belong to a group, have "
    "snapshots, awaiting a transfer, or be disassociated from snapshots after volume transfer."
)

# action (the backend's name) -> Cinder's rule for the volume
VOLUME_RULES: dict[str, CinderRule] = {
    # delete(): the status list, attach_status != attached, no snapshots (checked by the
    # caller, which knows them); a volume never scheduled to a host is destroyed at once
    "delete": CinderRule(
        _st("available", "error", "error_restoring", "error_extending", "error_managing"),
        _VOLUME_DELETE_REASON,
        attached=False,
        unscheduled_any=True,
    ),
    # _extend(): 'available', or 'in-use' through extend_attached_volume (3.42+); Cinder
    # quotes its whole `expected` dict in the reason
    "extend": CinderRule(
        _st("available", "in-use"),
        "Invalid volume: Volume {id} status must be '{{'status': 'available'}}' to extend, "
        "currently {status}.",
    ),
    "snapshot": CinderRule(
        _st("available"),
        "Invalid volume: Volume {id} status must be available, but current status is: {status}.",
        early=_SNAPSHOT_EARLY,
    ),
    "snapshot_force": CinderRule(
        _st("available", "in-use"),
        "Invalid volume: Volume {id} status must be available, in-use, but current status "
        "is: {status}.",
        early=_SNAPSHOT_EARLY,
    ),
    # attachment_create(): any status holding "error" first, then _attachment_reserve()
    "attach": CinderRule(
        _st("available", "downloading"),
        "Invalid volume: Volume {id} status must be available or downloading to reserve, but "
        "the current status is {status}.",
        early=(
            (
                "*error*",
                "Invalid volume: Volume attachments can not be created if the volume "
                "is in an error state. The Volume {id} currently has a status of: {status} ",
            ),
        ),
        multiattach=_st("in-use"),
    ),
    # begin_detaching(): 'in-use' and attach_status 'attached'
    "detach": CinderRule(
        _st("in-use"),
        "Invalid volume: Unable to detach volume. Volume status must be 'in-use' and "
        "attach_status must be 'attached' to detach.",
        attached=True,
    ),
    # a new volume cloned from this one (create_volume's _extract_source_volume)
    "clone": CinderRule(
        _st("available", "in-use"),
        "Invalid volume: Originating source volume status must be one of 'available, in-use' "
        "values",
    ),
    # -- the operator's toolbox (see above)
    # retype(): available or in-use, no migration running, another type than its own
    # (the caller checks the type: Cinder gives this same reason)
    "retype": CinderRule(_st("available", "in-use"), _RETYPE_REASON, not_migrating=True),
    # copy_volume_to_image(): 'available'; with force, 'in-use' too, but only where
    # cinder.conf sets enable_force_upload (default False: force is ignored)
    "upload": CinderRule(_st("available"), "Invalid volume: Volume {id} status must be available"),
    "upload_force": CinderRule(
        _st("available", "in-use"),
        "Invalid volume: Volume {id} status must be available or in-use",
    ),
    # the admin's os-force_delete: any status, but not attached, migrating, with snapshots
    "force_delete": CinderRule(None, _FORCE_DELETE_REASON, attached=False, not_migrating=True),
    # transfer API create(): 'available' only (its snapshots must be available too,
    # checked by the caller: "Invalid snapshot: snapshot: <id> status must be available")
    "transfer": CinderRule(_st("available"), "Invalid volume: status must be available"),
}

# Cinder's migration statuses that let a volume be retyped or deleted (AVAILABLE_MIGRATION_STATUS)
_NOT_MIGRATING = frozenset({"", "none", "deleting", "error", "success"})

# -- reset-state (os-reset_status, admin): what Cinder takes and what it refuses ---------------
# cinder/objects/fields.py VolumeStatus.ALL, VolumeAttachStatus, VolumeMigrationStatus.ALL
VOLUME_STATUSES = (
    "creating", "available", "deleting", "error", "error_deleting", "error_managing",
    "managing", "attaching", "in-use", "detaching", "maintenance", "restoring-backup",
    "error_restoring", "reserved", "awaiting-transfer", "backing-up", "error_backing-up",
    "error_extending", "downloading", "uploading", "retyping", "extending",
)  # fmt: skip
ATTACH_STATUSES = ("attached", "detached")
MIGRATION_STATUSES = ("migrating", "error", "success", "completing", "none", "starting")
# _reset_status() refuses these targets; ('deleting', 'error_deleting' 'detaching') in Cinder's
# source concatenates the last two, so error_deleting and detaching are in fact accepted
RESET_REFUSED = {"deleting": "Cannot reset-state to deleting"}
RESET_IN_USE_REASON = "Cannot reset-state to in-use because volume does not have any attachments."


def reset_refusal(volume: Volume, status: str) -> str | None:
    """Cinder's 400 reason for resetting ``volume`` to ``status``, or None."""
    if status in RESET_REFUSED:
        return RESET_REFUSED[status]
    if status == "in-use" and not volume.attachments:
        return RESET_IN_USE_REASON
    return None


def migrating(volume: Volume) -> bool:
    """Whether a migration of the volume runs (an admin sees its migration_status)."""
    raw = volume.raw
    status = raw.get("migration_status") or raw.get("os-vol-mig-status-attr:migstat") or ""
    return str(status).lower() not in _NOT_MIGRATING


# action -> Cinder's rule for a volume snapshot
SNAPSHOT_RULES: dict[str, CinderRule] = {
    "delete": CinderRule(
        _st("available", "error"),
        "Invalid snapshot: Snapshot status must be available or error and must not be part "
        "of a group.",
    ),
    # a new volume from the snapshot (create_volume's _extract_snapshot)
    "restore": CinderRule(
        _st("available"),
        "Invalid snapshot: Originating snapshot status must be one of 'available' values",
    ),
}


def volume_refusal(action: str, volume: Volume) -> str | None:
    """Cinder's 400 reason for ``action`` on ``volume`` as its status stands, or None.

    Only what the volume shows: delete's "no snapshots" is the caller's to check.
    """
    rule = VOLUME_RULES[action]
    if rule.unscheduled_any and "os-vol-host-attr:host" in volume.raw and not volume.host:
        return None
    return rule.refusal(
        volume.id,
        volume.status,
        attached=bool(volume.attachments),
        multiattach=volume.multiattach,
        migrating=rule.not_migrating and migrating(volume),
    )


def snapshot_refusal(action: str, snapshot: VolumeSnapshot) -> str | None:
    """Cinder's 400 reason for ``action`` on a volume snapshot, or None."""
    return SNAPSHOT_RULES[action].refusal(snapshot.id, snapshot.status)


def volume_allows(action: str) -> Callable[[Volume], bool]:
    """A `when` predicate: whether Cinder's status rules let ``action`` run on a volume."""
    VOLUME_RULES[action]  # an unknown action fails when the declaration loads

    def check(volume: Volume) -> bool:
        return volume_refusal(action, volume) is None

    return check


def snapshot_allows(action: str) -> Callable[[VolumeSnapshot], bool]:
    """A `when` predicate over a volume snapshot."""
    SNAPSHOT_RULES[action]

    def check(snapshot: VolumeSnapshot) -> bool:
        return snapshot_refusal(action, snapshot) is None

    return check
