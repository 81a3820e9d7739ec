""":transfers — volumes offered to another project and not yet taken (``cinder
transfer-list``). `n` accepts one (its id and auth key, the key typed into a secret field):
the volume moves into this project. `ctrl+d` cancels one: the volume is available again
where it was and the key stops working. A transfer is made from a volume (:volumes, T).
"""

from __future__ import annotations

from collections.abc import AsyncIterator

from tui.backend.base import Backend
from tui.backend.models import VolumeTransfer
from tui.forms import Field, Form, Values
from tui.resource import Action, Col, Drill, Resource, Scope, attr
from tui.screens.resources.actions import row_call
from tui.screens.resources.columns import project_col
from tui.screens.resources.lists import one

CINDER = ("block-storage", "volumev3", "volume")


def list_transfers(backend: Backend, scope: Scope) -> AsyncIterator[list[VolumeTransfer]]:
    return backend.volume_transfers(all_projects=scope.all_projects)


def _label(transfer: VolumeTransfer) -> str:
    return transfer.name or transfer.id


def accept_form(_scope: Scope) -> Form:
    return Form(
        title="Accept a volume transfer",
        description=(
            "The volume moves into this project (its quota counts it from now on). The id and "
            "the auth key come from whoever created the transfer."
        ),
        fields=(
            Field("transfer_id", "Transfer id", required=True),
            Field("auth_key", "Auth key", kind="secret", required=True),
        ),
        submit_label="Accept",
    )


async def accept(backend: Backend, _scope: Scope, values: Values) -> VolumeTransfer:
    accepted = await backend.accept_volume_transfer(values["transfer_id"], values["auth_key"])
    from tui.screens.from_action import tell

    project = backend.info.project or backend.info.project_id
    tell(
        f"Volume {accepted.volume_id} is now in project {project}: it is in :volumes.",
        title="Transfer accepted",
    )
    return accepted


def cancel_message(transfer: VolumeTransfer) -> str:
    return (
        f"Cancel transfer {_label(transfer)} of volume {transfer.volume_id}: its auth key stops "
        "working and the volume is available again in its project."
    )


VOLUME_TRANSFERS = Resource(
    name="transfers",
    title="Volume transfers",
    aliases=("volume-transfers", "transfer", "volume-transfer"),
    columns=(
        Col("Name", lambda t: t.name or t.id[:8], min_width=8, max_width=30),
        Col("Volume", attr("volume_id"), min_width=8, max_width=36),
        Col("Created", attr("created"), min_width=10, max_width=26),
        project_col("From project", "source_project_id"),
    ),
    list=list_transfers,
    label=_label,
    get=lambda b, i: b.volume_transfer(i),
    all_projects_toggle=True,
    default_all_projects=True,
    service=CINDER,
    service_name="block storage (Cinder)",
    drills=(
        Drill("enter", "volumes", lambda t: one(t.volume_id, "volume of transfer"), "The volume"),
    ),
    actions=(
        Action(
            "accept",
            "n",
            "Accept a transfer",
            accept,
            form=accept_form,
            on_row=False,
            follow="list",
        ),
        Action(
            "cancel",
            "ctrl+d",
            "Cancel transfer",
            row_call(lambda b, transfer: b.delete_volume_transfer(transfer.id)),
            confirm="yes",
            progress="cancelling",
            follow="gone",
            message=cancel_message,
        ),
    ),
)
