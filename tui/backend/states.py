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
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tui.backend.models import Server

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

# task_states.ALLOW_REBOOT: a hard reboot may interrupt these.
_ALLOW_REBOOT = frozenset(
    {
        "",
        "rebooting",
        "reboot_pending",
        "reboot_started",
        "resuming",
        "rebooting_hard",
        "reboot_pending_hard",
        "reboot_started_hard",
        "pausing",
        "unpausing",
        "suspending",
        "powering_off",
        "powering_on",
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
