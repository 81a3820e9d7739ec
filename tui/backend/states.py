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
}


def vm_state_of(server: Server) -> str:
    return server.vm_state or VM_STATE_OF_STATUS.get(server.status, "")


def refusal(action: str, server: Server) -> str | None:
    """Why Nova would refuse ``action`` on ``server`` ("vm_state stopped"), or None."""
    rule = SERVER_RULES[action]
    reason = rule.refusal(vm_state_of(server), server.task_state)
    if reason is None and rule.needs_host and not server.host and _host_known(server):
        return "host None"
    return reason


def _host_known(server: Server) -> bool:
    # only admins see OS-EXT-SRV-ATTR:host: without the key, the host check cannot be judged
    return "OS-EXT-SRV-ATTR:host" in server.raw


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

    statuses: frozenset[str]
    message: str
    early: tuple[tuple[str, str], ...] = ()
    multiattach: frozenset[str] = frozenset()  # further statuses for a multiattach volume
    attached: bool | None = None  # True: needs an attachment; False: refused with one
    unscheduled_any: bool = False  # a volume no backend took (host known, empty): any status

    def allowed(self, multiattach: bool = False) -> frozenset[str]:
        return self.statuses | self.multiattach if multiattach else self.statuses

    def refusal(
        self, ident: str, status: str, *, attached: bool = False, multiattach: bool = False
    ) -> str | None:
        for pattern, reason in self.early:
            if fnmatchcase(status, pattern):
                return reason.format(id=ident, status=status)
        if status not in self.allowed(multiattach) or (
            self.attached is not None and attached != self.attached
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
}

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
        volume.id, volume.status, attached=bool(volume.attachments), multiattach=volume.multiattach
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
