"""Moving a server: live and cold migration, resize with confirm / revert, evacuate, shelve.

Row actions of the servers list (and so of a hypervisor's servers): each is offered only
where Nova's state table (``tui.backend.states``) allows it, asks what it needs in a form
whose choices come from the cloud (target hosts with what they have free, flavors), then
says exactly what it will do before sending, follows the row until it settles and says
where the server ended up.
"""

from __future__ import annotations

from tui.backend.base import Backend
from tui.backend.errors import BackendError
from tui.backend.models import Server
from tui.backend.moving import collect, target_hosts
from tui.backend.states import allows
from tui.forms import Choice, Field, Form, Values
from tui.resource import Action

SCHEDULER = "(scheduler)"  # not a host name: the choice "let the scheduler choose"
BLOCK_MIGRATION: dict[str, bool | str] = {"auto": "auto", "yes": True, "no": False}


def _gib(mb: int) -> str:
    return f"{mb / 1024:.1f} GiB"


async def host_choices(backend: Backend, server: Server) -> list[Choice]:
    """Enabled, up hypervisors other than the server's, most free RAM first, or the
    scheduler."""
    found = await target_hosts(backend, server)
    choices = [Choice(SCHEDULER, "let the scheduler choose", "Nova picks a valid host")]
    for c in found:
        detail = f"{c.free_vcpus} vCPU free · {_gib(c.free_ram_mb)} RAM free · {c.running_vms} VMs"
        choices.append(Choice(c.host, c.host, detail))
    return choices


def _host_field(server: Server, help_text: str) -> Field:
    async def load(backend: Backend, values: Values) -> list[Choice]:
        return await host_choices(backend, server)

    return Field(
        "host",
        "Target host",
        kind="choice",
        required=True,
        default=SCHEDULER,
        choices=load,
        help=help_text,
    )


def _target(values: Values) -> str | None:
    host = values.get("host") or SCHEDULER
    return None if host == SCHEDULER else str(host)


def _where(values: Values) -> str:
    return _target(values) or "a host the scheduler chooses"


def _on(server: Server) -> str:
    return server.host or "no host"


# -- live migration ---------------------------------------------------------------------


def live_migrate_form(server: Server) -> Form:
    async def modes(backend: Backend, values: Values) -> list[Choice]:
        return [
            Choice("auto", "auto", "Nova decides: block migration unless storage is shared"),
            Choice("yes", "yes", "copy the local disks too"),
            Choice("no", "no", "shared storage: only memory moves"),
        ]

    return Form(
        title=f"Live-migrate {server.name} (on {_on(server)})",
        description="The server keeps running while its memory moves to the new host.",
        fields=(
            _host_field(server, "enabled, up hypervisors with what they have free"),
            Field(
                "block_migration",
                "Block migration",
                kind="choice",
                required=True,
                default="auto",
                choices=modes,
            ),
        ),
        submit_label="Live-migrate",
    )


async def live_migrate(backend: Backend, server: Server, values: Values) -> None:
    mode = BLOCK_MIGRATION[str(values.get("block_migration") or "auto")]
    await backend.live_migrate(server.id, _target(values), block_migration=mode)


def live_migrate_plan(server: Server, values: Values) -> str:
    mode = values.get("block_migration") or "auto"
    return (
        f"Live-migrate {server.name} from {_on(server)} to {_where(values)}"
        f" (block migration: {mode})."
    )


def moved(before: Server, after: Server) -> tuple[bool, str]:
    """Where a live migration or an evacuation left the server."""
    if after.host and after.host != before.host:
        return True, f"{after.name} now runs on {after.host} ({after.status})."
    return False, (
        f"{after.name} is still on {_on(after)} ({after.status}): Nova did not move it. "
        "H shows its history, O its migrations."
    )


# -- cold migration and resize ------------------------------------------------------------


def migrate_form(server: Server) -> Form:
    return Form(
        title=f"Cold-migrate {server.name} (on {_on(server)})",
        description=(
            "The server is stopped, moved, and waits in VERIFY_RESIZE on the new host until "
            "you confirm (y) or revert (Y)."
        ),
        fields=(_host_field(server, "a chosen host needs Nova 2.56"),),
        submit_label="Migrate",
    )


async def migrate(backend: Backend, server: Server, values: Values) -> None:
    await backend.migrate(server.id, _target(values))


def migrate_plan(server: Server, values: Values) -> str:
    return (
        f"Cold-migrate {server.name} ({server.status}) from {_on(server)} to {_where(values)}."
        " It waits in VERIFY_RESIZE there: y confirms, Y reverts."
    )


def verify(before: Server, after: Server) -> tuple[bool, str]:
    """Where a cold migration or resize left the server: waiting for confirm / revert."""
    if after.status == "VERIFY_RESIZE":
        return True, (
            f"{after.name} is on {_on(after)} with flavor {after.flavor}, in VERIFY_RESIZE: "
            "y confirms, Y reverts."
        )
    return False, (
        f"{after.name} is {after.status} on {_on(after)}: the move did not reach "
        "VERIFY_RESIZE. H shows its history."
    )


async def flavor_choices(backend: Backend, server: Server) -> list[Choice]:
    flavors = await collect(backend.flavors())
    return [
        Choice(
            f.name,  # Nova keeps flavor names unique; the plan names it, the call finds its id
            f.name,
            f"{f.vcpus} vCPU · {_gib(f.ram_mb)} RAM · {f.disk_gb} GB disk",
        )
        for f in sorted(flavors, key=lambda f: (f.vcpus, f.ram_mb, f.disk_gb, f.name))
        if f.name != server.flavor
    ]


def resize_form(server: Server) -> Form:
    async def load(backend: Backend, values: Values) -> list[Choice]:
        return await flavor_choices(backend, server)

    return Form(
        title=f"Resize {server.name} (flavor {server.flavor})",
        description="Ends in VERIFY_RESIZE with the new flavor: y confirms, Y reverts.",
        fields=(Field("flavor", "New flavor", kind="choice", required=True, choices=load),),
        submit_label="Resize",
    )


async def resize(backend: Backend, server: Server, values: Values) -> None:
    name = str(values["flavor"])
    flavors = await collect(backend.flavors())
    flavor = next((f for f in flavors if f.name == name), None)
    await backend.resize(server.id, flavor.id if flavor else name)


def resize_plan(server: Server, values: Values) -> str:
    return (
        f"Resize {server.name} ({server.status}, on {_on(server)}) from flavor {server.flavor}"
        f" to {values.get('flavor')}. It waits in VERIFY_RESIZE: y confirms, Y reverts."
    )


async def confirm_resize(backend: Backend, server: Server, values: Values) -> None:
    await backend.confirm_resize(server.id)


async def revert_resize(backend: Backend, server: Server, values: Values) -> None:
    await backend.revert_resize(server.id)


# -- evacuate -----------------------------------------------------------------------------


async def host_failed(backend: Backend, server: Server) -> str | None:
    """Evacuate is for a failed host: why not, when the host's compute service is up."""
    if not server.host:
        return f"{server.name} has no host to evacuate it from."
    try:
        services = await collect(backend.compute_services(host=server.host))
    except BackendError:
        return None  # cannot tell (no rights to list services): Nova decides
    compute = [s for s in services if s.binary == "nova-compute" and s.host == server.host]
    if not compute or any(s.state != "up" or s.forced_down for s in compute):
        return None
    return (
        f"{server.host}'s compute service is up: evacuate rebuilds the servers of a failed "
        f"host. Fence {server.host} (so that no VM runs twice), force its service down "
        "(:services, F), then evacuate; to move a server off a healthy host, migrate it (m, c)."
    )


def evacuate_form(server: Server) -> Form:
    return Form(
        title=f"Evacuate {server.name} from {_on(server)}",
        description="Nova rebuilds the server on another host from its image or volumes.",
        fields=(_host_field(server, "enabled, up hypervisors"),),
        submit_label="Evacuate",
    )


async def evacuate(backend: Backend, server: Server, values: Values) -> None:
    await backend.evacuate(server.id, _target(values))


def evacuate_plan(server: Server, values: Values) -> str:
    return (
        f"Evacuate {server.name} ({server.status}) from failed host {_on(server)} to "
        f"{_where(values)}: Nova rebuilds it there. {_on(server)} must be fenced (powered "
        "off or cut off): if the VM still runs there, it runs twice."
    )


# -- shelve -------------------------------------------------------------------------------


async def shelve(backend: Backend, server: Server, values: Values) -> None:
    await backend.shelve(server.id)


async def unshelve(backend: Backend, server: Server, values: Values) -> None:
    await backend.unshelve(server.id)


MOVING_ACTIONS = (
    Action(
        "live_migrate",
        "m",
        "Live-migrate",
        live_migrate,
        allows("live_migrate"),
        confirm="yes",
        form=live_migrate_form,
        plan=live_migrate_plan,
        bulk_form=True,
        progress="migrating",
        outcome=moved,
    ),
    Action(
        "migrate",
        "c",
        "Cold-migrate",
        migrate,
        allows("migrate"),
        confirm="yes",
        form=migrate_form,
        plan=migrate_plan,
        bulk_form=True,
        progress="migrating",
        outcome=verify,
    ),
    Action(
        "resize",
        "e",
        "Resize (another flavor)",
        resize,
        allows("resize"),
        confirm="yes",
        form=resize_form,
        plan=resize_plan,
        bulk_form=True,
        progress="resizing",
        outcome=verify,
    ),
    Action(
        "confirm_resize",
        "y",
        "Confirm resize / migration",
        confirm_resize,
        allows("confirm_resize"),
        confirm="yes",
        progress="confirming",
        message=lambda s: (
            f"Confirm the move of {s.name}: it stays on {_on(s)} with flavor {s.flavor}; "
            "Nova deletes what remains on the source host."
        ),
    ),
    Action(
        "revert_resize",
        "Y",
        "Revert resize / migration",
        revert_resize,
        allows("revert_resize"),
        confirm="yes",
        progress="reverting",
        message=lambda s: (
            f"Revert the move of {s.name}: it goes back to its source host with its old "
            f"flavor (now on {_on(s)}, flavor {s.flavor})."
        ),
    ),
    Action(
        "evacuate",
        "ctrl+e",
        "Evacuate (host failed)",
        evacuate,
        lambda s: bool(s.host) and allows("evacuate")(s),
        confirm="name",
        form=evacuate_form,
        plan=evacuate_plan,
        guard=host_failed,
        progress="evacuating",
        outcome=moved,
    ),
    Action(
        "shelve",
        "i",
        "Shelve",
        shelve,
        allows("shelve"),
        confirm="yes",
        progress="shelving",
        message=lambda s: (
            f"Shelve {s.name} (on {_on(s)}): Nova snapshots it and frees its host"
            " (SHELVED_OFFLOADED)."
        ),
    ),
    Action(
        "unshelve",
        "I",
        "Unshelve",
        unshelve,
        allows("unshelve"),
        confirm="yes",
        progress="unshelving",
        message=lambda s: f"Unshelve {s.name}: the scheduler picks a host and starts it.",
    ),
)
