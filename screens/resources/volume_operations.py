"""Cinder's per-volume operations on :volumes: retype (t), reset state (E, admin), force
delete (ctrl+k, admin), upload to an image (I) and offer to another project (T).

Each is offered only where Cinder's status rules let it run (the one table,
``tui.backend.states``); the admin's tools only to an admin. Reset state asks its form
first, then the name, saying what will change ("from attaching to available").
"""

from __future__ import annotations

from collections.abc import Callable

from tui.backend.base import Backend
from tui.backend.models import (
    MIGRATION_POLICIES,
    UPLOAD_CONTAINER_FORMATS,
    UPLOAD_DISK_FORMATS,
    NewVolumeTransfer,
    Volume,
    VolumeUpload,
    VolumeUploadSpec,
)
from tui.backend.states import VOLUME_STATUSES, reset_refusal, volume_allows
from tui.forms import Choice, Field, Form, Values, valid_name
from tui.resource import Action, in_context
from tui.screens.resources.actions import row_call
from tui.screens.resources.choices import collect, fixed

KEEP = "keep"  # a reset-state field left as it is


def _label(volume: Volume) -> str:
    return volume.name or volume.id


def _admin_and(rule: Callable[[Volume], bool]) -> Callable[[Volume], bool]:
    """Offered to an admin (Cinder's default policy for the admin actions) when `rule` holds."""
    return in_context(lambda context, volume: context.capabilities.admin and rule(volume))


# -- retype -----------------------------------------------------------------------------------

POLICY_HELP = (
    "never: only if this backend takes the new type; on-demand: Cinder may copy the data to "
    "another backend (slow; Nova swaps an in-use volume)"
)


def retype_form(volume: Volume) -> Form:
    async def other_types(backend: Backend, values: Values) -> list[Choice]:
        types = await collect(backend.volume_types())
        return [
            Choice(t.name, t.name, t.description)
            for t in types
            if volume.volume_type not in (t.name, t.id)
        ]

    return Form(
        title=f"Retype volume {_label(volume)}",
        description=f"Now of type {volume.volume_type or '(none)'}, {volume.status}.",
        fields=(
            Field("new_type", "New type", kind="choice", required=True, choices=other_types),
            Field(
                "migration_policy",
                "Migration policy",
                kind="choice",
                required=True,
                default="never",
                choices=fixed(*((p, p) for p in MIGRATION_POLICIES)),
                help=POLICY_HELP,
            ),
        ),
        submit_label="Retype",
    )


async def retype(backend: Backend, volume: Volume, values: Values) -> None:
    await backend.retype_volume(
        volume.id, values["new_type"], migration_policy=values["migration_policy"]
    )


def retyped(before: Volume, after: Volume) -> tuple[bool, str] | None:
    if after.volume_type != before.volume_type:
        return True, f"{_label(after)} is now of type {after.volume_type}."
    return False, (
        f"{_label(after)} is still of type {after.volume_type} ({after.status}): Cinder did "
        "not retype it (its user messages say why)."
    )


# -- reset state (admin) ----------------------------------------------------------------------


def reset_state_form(volume: Volume) -> Form:
    statuses = [s for s in VOLUME_STATUSES if reset_refusal(volume, s) is None]

    def something(values: Values) -> dict[str, str]:
        fields = ("status", "attach_status", "migration_status")
        if all(values.get(name) in (KEEP, "", None) for name in fields):
            return {"status": "choose at least one thing to reset"}
        return {}

    return Form(
        title=f"Reset state of volume {_label(volume)}",
        description=(
            f"Now {volume.status}. Only Cinder's database changes: the disk, the server and "
            "Nova are not touched. Deleting is not a status Cinder resets to; in-use needs "
            "an attachment."
        ),
        fields=(
            Field(
                "status",
                "New status",
                kind="choice",
                required=True,
                # what a stuck volume is usually reset to; an available one: choose
                default="available" if volume.status != "available" else KEEP,
                choices=fixed((KEEP, f"unchanged ({volume.status})"), *((s, s) for s in statuses)),
            ),
            Field(
                "attach_status",
                "Attach status",
                kind="choice",
                required=True,
                default=KEEP,
                choices=fixed(
                    (KEEP, "unchanged"),
                    ("detached", "detached: drop its attachment records"),
                    ("attached", "attached"),
                ),
            ),
            Field(
                "migration_status",
                "Migration status",
                kind="choice",
                required=True,
                default=KEEP,
                choices=fixed((KEEP, "unchanged"), ("none", "none: clear a stuck migration")),
            ),
        ),
        submit_label="Reset state",
        check=something,
    )


def _reset_values(values: Values) -> dict[str, str]:
    return {
        name: str(values.get(name) or "")
        for name in ("status", "attach_status", "migration_status")
        if values.get(name) not in (KEEP, "", None)
    }


def reset_plan(volume: Volume, values: Values) -> str:
    wanted = _reset_values(values)
    parts = []
    if "status" in wanted:
        parts.append(f"from {volume.status} to {wanted['status']}")
    if "attach_status" in wanted:
        parts.append(f"attach status {wanted['attach_status']}")
    if "migration_status" in wanted:
        parts.append(f"migration status {wanted['migration_status']}")
    return (
        f"Reset volume {_label(volume)} {', '.join(parts)} in Cinder's database only. "
        "Nothing checks that the volume really is so: the disk and any server stay as they are."
    )


async def reset_state(backend: Backend, volume: Volume, values: Values) -> None:
    await backend.reset_volume_state(volume.id, **_reset_values(values))


# -- force delete (admin) ---------------------------------------------------------------------


def force_deletable(volume: Volume) -> bool:
    """Where Cinder's force-delete is allowed (any status but attached or migrating)."""
    return volume_allows("force_delete")(volume)


def force_delete_message(volume: Volume) -> str:
    return (
        f"Force-delete volume {_label(volume)} ({volume.status}, {volume.size_gb} GiB): Cinder "
        "skips its status check and deletes the data. Attached volumes and volumes with "
        "snapshots are still refused."
    )


# -- upload to an image -----------------------------------------------------------------------

FORCE_HELP = (
    "needed for an in-use volume, and honoured only where cinder.conf sets "
    "enable_force_upload; a server still writing makes the image inconsistent"
)


def upload_form(volume: Volume) -> Form:
    in_use = volume.status == "in-use"
    return Form(
        title=f"Upload volume {_label(volume)} to an image",
        description=(
            "Cinder copies the volume into a new Glance image (it appears in :images); the "
            "volume is uploading until the copy is done."
        ),
        fields=(
            Field(
                "image_name",
                "Image name",
                required=True,
                default=f"{volume.name or volume.id[:8]}-image",
                validate=valid_name,
            ),
            Field(
                "disk_format",
                "Disk format",
                kind="choice",
                required=True,
                default="raw",
                choices=fixed(*((f, f) for f in UPLOAD_DISK_FORMATS)),
            ),
            Field(
                "container_format",
                "Container format",
                kind="choice",
                required=True,
                default="bare",
                choices=fixed(*((f, f) for f in UPLOAD_CONTAINER_FORMATS)),
            ),
            Field(
                "force",
                "Force (the volume is in use)",
                kind="bool",
                default=in_use,
                visible=lambda values: in_use,
                help=FORCE_HELP,
            ),
            Field(
                "visibility",
                "Visibility",
                kind="choice",
                required=True,
                default="private",
                choices=fixed(
                    ("private", "private"),
                    ("shared", "shared"),
                    ("community", "community"),
                    ("public", "public (admin)"),
                ),
            ),
            Field("protected", "Protected (cannot be deleted while set)", kind="bool"),
        ),
        submit_label="Upload",
    )


async def upload(backend: Backend, volume: Volume, values: Values) -> VolumeUpload:
    return await backend.upload_volume_to_image(
        volume.id,
        VolumeUploadSpec(
            image_name=values["image_name"],
            disk_format=values["disk_format"],
            container_format=values["container_format"],
            force=bool(values.get("force")) and volume.status == "in-use",
            visibility=values["visibility"],
            protected=bool(values.get("protected")),
        ),
    )


def upload_accepted(volume: Volume, answer: VolumeUpload) -> str:
    return (
        f"Image {answer.image_name} ({answer.image_id}) is being made from {_label(volume)}: "
        "it is in :images (queued until the data is in)."
    )


# -- offer to another project (transfer) ------------------------------------------------------


def transfer_form(volume: Volume) -> Form:
    return Form(
        title=f"Transfer volume {_label(volume)} to another project",
        description=(
            "Cinder makes a transfer id and an auth key, shown once: whoever has both can take "
            "the volume into their project (:transfers, n). Until then it is awaiting-transfer."
        ),
        fields=(
            Field(
                "name", "Transfer name", validate=valid_name, help="optional: shown in :transfers"
            ),
        ),
        submit_label="Create transfer",
    )


async def transfer(backend: Backend, volume: Volume, values: Values) -> NewVolumeTransfer:
    made = await backend.create_volume_transfer(volume.id, values.get("name") or "")
    from tui.screens.from_action import show_transfer_key

    await show_transfer_key(_label(volume), made)
    return made


VOLUME_OPERATIONS = (
    Action(
        "retype",
        "t",
        "Retype",
        retype,
        volume_allows("retype"),
        form=retype_form,
        progress="retyping",
        outcome=retyped,
    ),
    Action(
        "reset_state",
        "E",
        "Reset state",
        reset_state,
        _admin_and(lambda volume: True),
        confirm="name",
        form=reset_state_form,
        plan=reset_plan,
        progress="resetting",
        follow="list",
    ),
    Action(
        "force_delete",
        "ctrl+k",
        "Force delete",
        row_call(lambda b, volume: b.force_delete_volume(volume.id)),
        _admin_and(force_deletable),
        confirm="name",
        progress="deleting",
        follow="gone",
        message=force_delete_message,
    ),
    Action(
        "upload",
        "I",
        "Upload to an image",
        upload,
        volume_allows("upload_force"),
        form=upload_form,
        progress="uploading",
        accepted=upload_accepted,
    ),
    Action(
        "transfer",
        "T",
        "Transfer to another project",
        transfer,
        volume_allows("transfer"),
        form=transfer_form,
        progress="transferring",
        follow="list",
    ),
)
