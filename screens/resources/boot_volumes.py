"""The boot form's disks: where the root disk comes from (an image, an existing volume, a
volume snapshot, a new volume made from an image), delete on terminate, and the volumes
attached at boot. The request itself is built in `tui.backend.block_devices`."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from tui.backend import block_devices
from tui.backend.base import Backend
from tui.backend.block_devices import MAX_EXTRA_VOLUMES, SOURCES, parse_sizes
from tui.backend.states import snapshot_allows, volume_allows
from tui.forms import Choice, Field, Values
from tui.screens.resources.choices import collect, fixed

if TYPE_CHECKING:  # the models load with the form, not at start-up
    from tui.backend.models import Volume

_free = volume_allows("attach")  # Cinder reserves it for the new server
_restorable = snapshot_allows("restore")  # Cinder makes a volume of it


def source_is(*sources: str) -> Callable[[Values], bool]:
    return lambda values: (values.get("boot_source") or "image") in sources


def _volume_choice(v: Volume) -> Choice:
    bootable = "bootable " if v.bootable else ""
    return Choice(v.id, v.name or v.id, f"{v.size_gb} GB {bootable}{v.volume_type}")


async def bootable_volume_choices(backend: Backend, values: Values) -> list[Choice]:
    volumes = await collect(backend.volumes())
    return [_volume_choice(v) for v in volumes if v.bootable and _free(v)]


async def free_volume_choices(backend: Backend, values: Values) -> list[Choice]:
    volumes = await collect(backend.volumes())
    return [_volume_choice(v) for v in volumes if _free(v)]


async def boot_snapshot_choices(backend: Backend, values: Values) -> list[Choice]:
    snapshots = await collect(backend.volume_snapshots())
    return [
        Choice(s.id, s.name or s.id, f"{s.size_gb} GB of volume {s.volume_id[:8]}")
        for s in snapshots
        if _restorable(s)
    ]


def _sizes_valid(value: object, _values: Values) -> str | None:
    return parse_sizes(str(value))[1]


IMAGE_SHOWN = source_is("image", "image_volume")

SOURCE_FIELD = Field(
    "boot_source",
    "Boot from",
    kind="choice",
    required=True,
    default="image",
    choices=fixed(*SOURCES),
    help="a root volume is attached as /dev/vda; an image boots a local disk",
)

# after the image field
DISK_FIELDS = (
    Field(
        "boot_volume",
        "Boot volume",
        kind="choice",
        required=True,
        choices=bootable_volume_choices,
        visible=source_is("volume"),
        help="the project's available bootable volumes; attached as /dev/vda",
    ),
    Field(
        "boot_snapshot",
        "Volume snapshot",
        kind="choice",
        required=True,
        choices=boot_snapshot_choices,
        visible=source_is("snapshot"),
        help="Nova makes a new volume of it, attached as /dev/vda",
    ),
    Field(
        "volume_size",
        "Volume size (GB)",
        kind="int",
        minimum=1,
        visible=source_is("snapshot", "image_volume"),
        help="empty: the snapshot's size, or the least the image and the flavor need",
    ),
    Field(
        "delete_volume",
        "Delete the volume when the server is deleted",
        kind="bool",
        default=False,
        visible=source_is("volume"),
    ),
    Field(
        "delete_new_volume",
        "Delete the new volume when the server is deleted",
        kind="bool",
        default=True,
        visible=source_is("snapshot", "image_volume"),
    ),
    Field(
        "blank_volumes",
        "New blank volumes (GB)",
        placeholder="e.g. 10,20",
        validate=_sizes_valid,
        help="one new empty volume per size, attached after the root disk",
    ),
    Field(
        "delete_blank",
        "Delete the blank volumes when the server is deleted",
        kind="bool",
        default=True,
        visible=lambda values: bool(str(values.get("blank_volumes") or "").strip()),
    ),
    Field(
        "extra_volumes",
        "Attach existing volumes",
        kind="multi",
        choices=free_volume_choices,
        help="the project's available volumes",
    ),
    Field(
        "delete_extra",
        "Delete these volumes when the server is deleted",
        kind="bool",
        default=False,
        visible=lambda values: bool(values.get("extra_volumes")),
    ),
)


# -- checks -----------------------------------------------------------------------------------


def _source(values: Values) -> str:
    return str(values.get("boot_source") or "image")


def _root_volume(values: Values) -> str:
    return str(values.get("boot_volume") or "") if _source(values) == "volume" else ""


def disk_checks(values: Values) -> dict[str, str]:
    """What the form itself can tell before asking the cloud."""
    errors: dict[str, str] = {}
    extras = tuple(values.get("extra_volumes") or ())
    root = _root_volume(values)
    if root and root in extras:
        errors["extra_volumes"] = "the boot volume is attached as /dev/vda already"
    blanks, _ = parse_sizes(str(values.get("blank_volumes") or ""))
    if len(extras) + len(blanks) > MAX_EXTRA_VOLUMES:
        errors["blank_volumes"] = f"at most {MAX_EXTRA_VOLUMES} volumes beside the root disk"
    if (root or extras) and int(values.get("count") or 1) > 1:
        errors["count"] = "an existing volume attaches to one server: boot one at a time"
    return errors


async def verify(backend: Backend, values: Values) -> dict[str, str]:
    """The sizes against what the cloud says: the image's min disk and size, the flavor's
    disk, the snapshot's size."""
    size = values.get("volume_size")
    source = _source(values)
    if source == "image_volume" and size:
        image = await backend.image(values["image"])
        flavor = await backend.flavor(values["flavor"])
        error = block_devices.volume_size_error(size, image, flavor)
        return {"volume_size": error} if error else {}
    if source == "snapshot" and size:
        snapshot = await backend.volume_snapshot(values["boot_snapshot"])
        if size < snapshot.size_gb:
            return {"volume_size": f"at least {snapshot.size_gb} GB: the snapshot's size"}
    return {}


# -- the spec ---------------------------------------------------------------------------------


async def with_sizes(backend: Backend, values: Values) -> Values:
    """A new volume from an image without a size: the least the image and flavor need."""
    if _source(values) != "image_volume" or values.get("volume_size"):
        return values
    image = await backend.image(values["image"])
    flavor = await backend.flavor(values["flavor"])
    least, _why = block_devices.smallest_volume(image, flavor)
    return {**values, "volume_size": max(least, 1)}


def disk_spec(values: Values) -> dict[str, Any]:
    """The BootSpec's disk fields for what the form holds (fields of other sources ignored)."""
    from tui.backend.models import ExtraVolume

    source = _source(values)
    extras = [
        ExtraVolume(size_gb=size, delete_on_terminate=bool(values.get("delete_blank")))
        for size in parse_sizes(str(values.get("blank_volumes") or ""))[0]
    ]
    extras += [
        ExtraVolume(volume_id=volume_id, delete_on_terminate=bool(values.get("delete_extra")))
        for volume_id in values.get("extra_volumes") or ()
    ]
    new_volume = source in ("snapshot", "image_volume")
    return {
        "image_id": (values.get("image") or "") if IMAGE_SHOWN(values) else "",
        "boot_volume_id": _root_volume(values),
        "boot_snapshot_id": (values.get("boot_snapshot") or "") if source == "snapshot" else "",
        "boot_volume_size_gb": (values.get("volume_size") or 0) if new_volume else 0,
        "delete_volume_on_terminate": (
            bool(values.get("delete_new_volume"))
            if new_volume
            else bool(values.get("delete_volume"))
            if source == "volume"
            else None
        ),
        "extra_volumes": tuple(extras),
    }
