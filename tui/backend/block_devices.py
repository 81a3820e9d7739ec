"""A server's disks at boot: where its root disk comes from and which volumes ride along.

`nova boot --block-device-mapping vda=<volume>:::0` and `openstack server create --volume /
--snapshot / --boot-from-volume / --block-device` become Nova's `block_device_mapping_v2`
here, for both backends: the real one sends `mapping(spec)`, the memory one reads the same
rules. Sizes are checked before anything is sent (`volume_size_error`, `parse_sizes`).
"""

from __future__ import annotations

import math
import re
from typing import TYPE_CHECKING, Any, Literal

from tui.backend.models import Json

if TYPE_CHECKING:  # the models load with the first boot, not at start-up
    from tui.backend.models import BootSpec, ExtraVolume, Flavor, Image

BootSource = Literal["image", "volume", "snapshot", "image_volume"]

ROOT_DEVICE = "vda"  # the cheat sheet's `vda=`: Nova attaches the root volume as /dev/vda
MAX_EXTRA_VOLUMES = 24  # /dev/vdb .. /dev/vdy
GIB = 1 << 30

SOURCES: tuple[tuple[BootSource, str], ...] = (
    ("image", "an image (local disk)"),
    ("volume", "an existing volume"),
    ("snapshot", "a volume snapshot (new volume)"),
    ("image_volume", "a new volume made from an image"),
)


def boot_source(spec: BootSpec) -> BootSource:
    if spec.boot_volume_id:
        return "volume"
    if spec.boot_snapshot_id:
        return "snapshot"
    if spec.boot_volume_size_gb > 0:
        return "image_volume"
    return "image"


def volume_backed(spec: BootSpec) -> bool:
    return boot_source(spec) != "image"


def deletes_root_volume(spec: BootSpec) -> bool:
    """Delete on terminate: as asked, else yes for a volume made for the server, no for yours."""
    if spec.delete_volume_on_terminate is not None:
        return spec.delete_volume_on_terminate
    return boot_source(spec) != "volume"


def existing_volume_ids(spec: BootSpec) -> tuple[str, ...]:
    """The existing volumes the boot attaches (root first): each to one server only."""
    root = (spec.boot_volume_id,) if spec.boot_volume_id else ()
    return root + tuple(v.volume_id for v in spec.extra_volumes if v.volume_id)


# -- the request ---------------------------------------------------------------------------------


def _root(spec: BootSpec) -> Json | None:
    source = boot_source(spec)
    if source == "image":
        if not spec.extra_volumes:
            return None
        # with other devices Nova wants the image's own mapping first (as the CLI sends it)
        return {
            "boot_index": 0,
            "uuid": spec.image_id,
            "source_type": "image",
            "destination_type": "local",
            "delete_on_termination": True,
        }
    uuid = {"volume": spec.boot_volume_id, "snapshot": spec.boot_snapshot_id}.get(
        source, spec.image_id
    )
    root: dict[str, Any] = {
        "boot_index": 0,
        "uuid": uuid,
        "source_type": "image" if source == "image_volume" else source,
        "destination_type": "volume",
        "device_name": ROOT_DEVICE,
        "delete_on_termination": deletes_root_volume(spec),
    }
    if source != "volume" and spec.boot_volume_size_gb > 0:
        root["volume_size"] = spec.boot_volume_size_gb
    return root


def _extra(volume: ExtraVolume) -> Json:
    if volume.volume_id:
        device: dict[str, Any] = {"uuid": volume.volume_id, "source_type": "volume"}
    else:
        device = {"source_type": "blank", "volume_size": volume.size_gb}
    return {
        **device,
        "destination_type": "volume",
        "delete_on_termination": volume.delete_on_terminate,
    }


def mapping(spec: BootSpec) -> list[Json]:
    """`block_device_mapping_v2` for the spec; empty for a plain boot from an image."""
    root = _root(spec)
    return ([root] if root is not None else []) + [_extra(v) for v in spec.extra_volumes]


def apply(server: dict[str, Any], spec: BootSpec) -> None:
    """Put the root disk and the volumes into a POST /servers body: `imageRef` only for a
    boot from an image (Nova wants none when the root disk is a volume)."""
    if not volume_backed(spec):
        server["imageRef"] = spec.image_id
    devices = mapping(spec)
    if devices:
        server["block_device_mapping_v2"] = devices


# -- checks before sending -----------------------------------------------------------------------


def smallest_volume(image: Image, flavor: Flavor | None) -> tuple[int, str]:
    """The smallest root volume for the image (GiB) and what sets it."""
    needs = [(image.min_disk, f"the image's min disk is {image.min_disk} GB")]
    needs.append((math.ceil(image.size / GIB), f"the image holds {image.size} bytes"))
    if flavor is not None:
        needs.append((flavor.disk_gb, f"flavor {flavor.name} has a {flavor.disk_gb} GB disk"))
    return max(needs, key=lambda need: need[0])


def volume_size_error(size_gb: int, image: Image, flavor: Flavor | None) -> str | None:
    least, why = smallest_volume(image, flavor)
    if size_gb < least:
        return f"at least {least} GB: {why}"
    return None


_SIZES = re.compile(r"[0-9]+")


def parse_sizes(text: str) -> tuple[tuple[int, ...], str | None]:
    """`10, 20` → (10, 20); names what is not a size instead of guessing."""
    sizes: list[int] = []
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        if not _SIZES.fullmatch(part):
            return tuple(sizes), f"'{part}' is not a size in GB (whole numbers, e.g. 10,20)"
        if int(part) < 1:
            return tuple(sizes), "each size is at least 1 GB"
        sizes.append(int(part))
    return tuple(sizes), None
