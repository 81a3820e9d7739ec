"""Cinder: volumes, their attachments and snapshots, with the everyday volume actions."""

from __future__ import annotations

from collections.abc import AsyncIterator

from tui.backend.base import Backend
from tui.backend.models import Volume, VolumeAttachment, VolumeSnapshot, VolumeSpec
from tui.backend.states import VOLUME_STATUSES, snapshot_allows, volume_allows
from tui.forms import Choice, Field, Form, Values, valid_name
from tui.list_filters import FilterWord, one_of, project_word
from tui.resource import Action, Col, Drill, Resource, Scope, attr, where
from tui.screens.resources.actions import row_call
from tui.screens.resources.choices import (
    attachable_server_choices,
    fixed,
    image_choices,
    snapshot_choices,
)
from tui.screens.resources.columns import number_col, project_col, state_col, yes_no
from tui.screens.resources.lists import one, scoped
from tui.screens.resources.volume_operations import VOLUME_OPERATIONS
from tui.screens.resources.volume_types import volume_type_field, volume_type_initial

# -- volumes --------------------------------------------------------------------------------


def list_volumes(backend: Backend, scope: Scope) -> AsyncIterator[list[Volume]]:
    pages = backend.volumes(
        all_projects=scope.all_projects,
        project_id=scope.get("project_id"),
        status=scope.get("status"),
    )
    server_id = scope.get("server_id")
    if server_id is None:
        return pages
    return where(pages, lambda v: any(a.server_id == server_id for a in v.attachments))


def _attached_to(volume: Volume) -> str:
    return ", ".join(f"{a.server_id[:8]} {a.device}" for a in volume.attachments)


def create_volume_form(_row: object) -> Form:
    def source_is(kind: str):  # type: ignore[no-untyped-def]
        return lambda values: values.get("source") == kind

    return Form(
        title="Create volume",
        fields=(
            Field("name", "Name", required=True, validate=valid_name),
            Field("size", "Size (GiB)", kind="int", required=True, default=1, minimum=1),
            Field(
                "source",
                "Source",
                kind="choice",
                required=True,
                default="blank",
                choices=fixed(
                    ("blank", "blank volume"), ("snapshot", "a snapshot"), ("image", "an image")
                ),
            ),
            Field(
                "snapshot_id",
                "Snapshot",
                kind="choice",
                required=True,
                choices=snapshot_choices,
                visible=source_is("snapshot"),
            ),
            Field(
                "image_id",
                "Image",
                kind="choice",
                required=True,
                choices=image_choices,
                visible=source_is("image"),
            ),
            volume_type_field(),
            Field("availability_zone", "Availability zone", placeholder="(default)"),
            Field("description", "Description"),
        ),
        submit_label="Create",
    )


async def create_volume(backend: Backend, row: object, values: Values) -> Volume:
    source = values["source"]
    return await backend.create_volume(
        VolumeSpec(
            name=values["name"],
            size_gb=values["size"],
            snapshot_id=(values.get("snapshot_id") or "") if source == "snapshot" else "",
            image_id=(values.get("image_id") or "") if source == "image" else "",
            volume_type=values.get("volume_type") or "",
            availability_zone=values.get("availability_zone") or "",
            description=values.get("description") or "",
        )
    )


def extend_form(volume: Volume) -> Form:
    def bigger(value: object, values: Values) -> str | None:
        return None if int(value) > volume.size_gb else f"must be more than {volume.size_gb} GiB"  # type: ignore[call-overload]

    return Form(
        title=f"Extend volume {volume.name or volume.id}",
        description=f"Now {volume.size_gb} GiB. Volumes only grow.",
        fields=(
            Field(
                "size",
                "New size (GiB)",
                kind="int",
                required=True,
                default=volume.size_gb + 1,
                validate=bigger,
            ),
        ),
        submit_label="Extend",
    )


def attach_form(volume: Volume) -> Form:
    return Form(
        title=f"Attach volume {volume.name or volume.id}",
        description="Nova picks the device name.",
        fields=(
            Field(
                "server_id",
                "Server",
                kind="choice",
                required=True,
                choices=attachable_server_choices,
            ),
        ),
        submit_label="Attach",
    )


def detach_form(volume: Volume) -> Form:
    async def attachments(backend: Backend, values: Values) -> list[Choice]:
        return [Choice(a.server_id, f"{a.server_id} {a.device}") for a in volume.attachments]

    return Form(
        title=f"Detach volume {volume.name or volume.id}",
        fields=(
            Field("server_id", "From server", kind="choice", required=True, choices=attachments),
        ),
        submit_label="Detach",
    )


def snapshot_form(volume: Volume) -> Form:
    return Form(
        title=f"Snapshot volume {volume.name or volume.id}",
        fields=(
            Field(
                "name",
                "Snapshot name",
                required=True,
                default=f"{volume.name or volume.id[:8]}-snap",
                validate=valid_name,
            ),
            Field(
                "force",
                "Force (the volume is in use)",
                kind="bool",
                default=volume.status == "in-use",
                visible=lambda values: volume.status == "in-use",
            ),
        ),
        submit_label="Snapshot",
    )


async def extend(backend: Backend, volume: Volume, values: Values) -> None:
    await backend.extend_volume(volume.id, values["size"])


async def attach(backend: Backend, volume: Volume, values: Values) -> str:
    return await backend.attach_volume(values["server_id"], volume.id)


async def detach(backend: Backend, volume: Volume, values: Values) -> None:
    await backend.detach_volume(values["server_id"], volume.id)


async def snapshot(backend: Backend, volume: Volume, values: Values) -> VolumeSnapshot:
    return await backend.create_volume_snapshot(
        volume.id, values["name"], force=bool(values.get("force"))
    )


VOLUME_SETTLED = {"available", "in-use", "error", "error_extending", "error_deleting"}

VOLUMES = Resource(
    name="volumes",
    title="Volumes",
    aliases=("volume", "vol", "vols", "cinder"),
    columns=(
        Col("Name", lambda v: v.name or v.id[:8], min_width=8, max_width=30),
        state_col("Status", "status", max_width=16),
        number_col("Size GiB", "size_gb"),
        Col("Type", attr("volume_type"), min_width=4, max_width=16),
        Col("Attached to", _attached_to, min_width=8, max_width=40),
        Col("Boot", lambda v: yes_no(v.bootable), min_width=3, max_width=4),
        Col("AZ", attr("availability_zone"), min_width=2, max_width=12),
        Col("Host", attr("host"), min_width=4, max_width=30),
        project_col(),
    ),
    list=list_volumes,
    filter_words=(
        FilterWord(
            "status", "a volume status (available, in-use, error...)", check=one_of(VOLUME_STATUSES)
        ),
        project_word(),
    ),
    get=lambda b, i: b.volume(i),
    all_projects_toggle=True,
    default_all_projects=True,
    settled=lambda v: v.status in VOLUME_SETTLED,
    drills=(
        Drill(
            "enter",
            "attachments",
            lambda v: scoped("volume_id", v.id, f"volume {v.name}"),
            "Attachments of this volume",
        ),
        Drill(
            "s",
            "volume-snapshots",
            lambda v: scoped("volume_id", v.id, f"volume {v.name}"),
            "Snapshots of this volume",
        ),
    ),
    actions=(
        Action(
            "create",
            "n",
            "Create volume",
            create_volume,
            form=create_volume_form,
            initial=volume_type_initial,
            on_row=False,
            follow="list",
        ),
        Action(
            "extend",
            "e",
            "Extend",
            extend,
            volume_allows("extend"),
            form=extend_form,
            progress="extending",
        ),
        Action(
            "attach",
            "A",
            "Attach to a server",
            attach,
            volume_allows("attach"),
            form=attach_form,
            progress="attaching",
        ),
        Action(
            "detach",
            "D",
            "Detach",
            detach,
            volume_allows("detach"),
            form=detach_form,
            progress="detaching",
        ),
        Action(
            "snapshot",
            "S",
            "Snapshot",
            snapshot,
            volume_allows("snapshot_force"),
            form=snapshot_form,
            progress="snapshotting",
            follow="none",
        ),
        Action(
            "delete",
            "ctrl+d",
            "Delete",
            row_call(lambda b, volume: b.delete_volume(volume.id)),
            volume_allows("delete"),
            confirm="name",
            progress="deleting",
            follow="gone",
            message=lambda v: f"Delete volume {v.name or v.id} ({v.size_gb} GiB).",
        ),
        *VOLUME_OPERATIONS,
    ),
)


# -- attachments ----------------------------------------------------------------------------


async def list_attachments(backend: Backend, scope: Scope) -> AsyncIterator[list[VolumeAttachment]]:
    volume = await backend.volume(scope.get("volume_id") or "")
    yield list(volume.attachments)


ATTACHMENTS = Resource(
    name="attachments",
    title="Volume attachments",
    aliases=("attachment",),
    columns=(
        Col("Server", attr("server_id"), min_width=8, max_width=36),
        Col("Device", attr("device"), min_width=6, max_width=16),
        Col("Host", attr("host"), min_width=4, max_width=30),
        Col("Attachment", attr("attachment_id"), min_width=8, max_width=36),
    ),
    list=list_attachments,
    key=lambda a: a.attachment_id or a.server_id,
    label=lambda a: a.device or a.server_id,
    drills=(
        Drill("enter", "servers", lambda a: one(a.server_id, "attached server"), "The server"),
    ),
    scope_key="volume_id",
    reached_from="a volume in :volumes (enter)",
)


# -- snapshots ------------------------------------------------------------------------------


def list_snapshots(backend: Backend, scope: Scope) -> AsyncIterator[list[VolumeSnapshot]]:
    return backend.volume_snapshots(
        all_projects=scope.all_projects, volume_id=scope.get("volume_id")
    )


def restore_form(snap: VolumeSnapshot) -> Form:
    return Form(
        title=f"Restore snapshot {snap.name or snap.id} into a new volume",
        fields=(
            Field(
                "name",
                "New volume name",
                required=True,
                default=f"{snap.name or snap.id[:8]}-restored",
                validate=valid_name,
            ),
            Field(
                "size",
                "Size (GiB)",
                kind="int",
                required=True,
                default=snap.size_gb,
                minimum=snap.size_gb,
            ),
        ),
        submit_label="Restore",
    )


async def restore(backend: Backend, snap: VolumeSnapshot, values: Values) -> Volume:
    return await backend.create_volume(
        VolumeSpec(name=values["name"], size_gb=values["size"], snapshot_id=snap.id)
    )


VOLUME_SNAPSHOTS = Resource(
    name="volume-snapshots",
    title="Volume snapshots",
    aliases=("snapshots", "snapshot", "snap", "snaps"),
    columns=(
        Col("Name", lambda s: s.name or s.id[:8], min_width=8, max_width=30),
        state_col("Status", "status"),
        number_col("Size GiB", "size_gb"),
        Col("Volume", attr("volume_id"), min_width=8, max_width=36),
        Col("Created", attr("created"), min_width=10, max_width=26),
        project_col(),
    ),
    list=list_snapshots,
    get=lambda b, i: b.volume_snapshot(i),
    all_projects_toggle=True,
    default_all_projects=True,
    settled=lambda s: s.status in ("available", "error"),
    drills=(
        Drill(
            "enter",
            "volumes",
            lambda s: one(s.volume_id, "volume of snapshot"),
            "The snapshot's volume",
        ),
    ),
    actions=(
        Action(
            "restore",
            "R",
            "Restore into a new volume",
            restore,
            snapshot_allows("restore"),
            form=restore_form,
            follow="none",
        ),
        Action(
            "delete",
            "ctrl+d",
            "Delete",
            row_call(lambda b, snap: b.delete_volume_snapshot(snap.id)),
            snapshot_allows("delete"),
            confirm="name",
            progress="deleting",
            follow="gone",
        ),
    ),
)
