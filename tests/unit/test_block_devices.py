"""The boot request's block devices (`tui.backend.block_devices`) and the boot form's disk
fields (`screens/resources/boot_volumes.py`): what each boot source sends, the defaults of
delete-on-terminate, the sizes checked before anything is sent."""

from __future__ import annotations

from typing import Any

import pytest

from tui.backend.block_devices import (
    apply,
    boot_source,
    deletes_root_volume,
    mapping,
    parse_sizes,
    smallest_volume,
    volume_size_error,
)
from tui.backend.models import BootSpec, ExtraVolume, Flavor, Image
from tui.backend.openstack.compute import boot_body
from tui.forms import validate
from tui.screens.resources.boot import boot_form, boot_spec
from tui.screens.resources.boot_volumes import disk_checks

GIB = 1 << 30


def _spec(**fields: Any) -> BootSpec:
    return BootSpec(name="vm", flavor_id="1", **fields)


def _image(min_disk: int = 0, size: int = 16384) -> Image:
    return Image.from_api({"id": "img", "name": "cirros", "min_disk": min_disk, "size": size})


def _flavor(disk: int) -> Flavor:
    return Flavor.from_api({"id": "1", "name": "m1.small", "disk": disk, "vcpus": 1, "ram": 512})


def test_existing_volume_is_the_cheat_sheets_vda_and_kept_by_default() -> None:
    spec = _spec(boot_volume_id="vol")
    server = boot_body(spec)["server"]
    assert "imageRef" not in server
    assert server["block_device_mapping_v2"] == [
        {
            "boot_index": 0,
            "uuid": "vol",
            "source_type": "volume",
            "destination_type": "volume",
            "device_name": "vda",
            "delete_on_termination": False,
        }
    ]
    assert boot_source(spec) == "volume" and not deletes_root_volume(spec)
    assert deletes_root_volume(_spec(boot_volume_id="vol", delete_volume_on_terminate=True))


def test_snapshot_makes_a_new_volume_deleted_by_default() -> None:
    (root,) = mapping(_spec(boot_snapshot_id="snap"))
    assert root == {
        "boot_index": 0,
        "uuid": "snap",
        "source_type": "snapshot",
        "destination_type": "volume",
        "device_name": "vda",
        "delete_on_termination": True,
    }, "no size: Nova takes the snapshot's"
    (sized,) = mapping(_spec(boot_snapshot_id="snap", boot_volume_size_gb=4))
    assert sized["volume_size"] == 4


def test_new_volume_from_an_image() -> None:
    spec = _spec(image_id="img", boot_volume_size_gb=3, delete_volume_on_terminate=False)
    server: dict[str, Any] = {}
    apply(server, spec)
    assert server == {
        "block_device_mapping_v2": [
            {
                "boot_index": 0,
                "uuid": "img",
                "source_type": "image",
                "destination_type": "volume",
                "device_name": "vda",
                "delete_on_termination": False,
                "volume_size": 3,
            }
        ]
    }


def test_image_boot_sends_no_mapping_until_volumes_ride_along() -> None:
    server: dict[str, Any] = {}
    apply(server, _spec(image_id="img"))
    assert server == {"imageRef": "img"}
    extras = (ExtraVolume(size_gb=10, delete_on_terminate=True), ExtraVolume(volume_id="data"))
    apply(server, _spec(image_id="img", extra_volumes=extras))
    assert server["imageRef"] == "img"
    assert server["block_device_mapping_v2"] == [
        {
            "boot_index": 0,
            "uuid": "img",
            "source_type": "image",
            "destination_type": "local",
            "delete_on_termination": True,
        },
        {
            "source_type": "blank",
            "volume_size": 10,
            "destination_type": "volume",
            "delete_on_termination": True,
        },
        {
            "uuid": "data",
            "source_type": "volume",
            "destination_type": "volume",
            "delete_on_termination": False,
        },
    ]


@pytest.mark.parametrize(
    ("text", "sizes", "error"),
    [
        ("10,20", (10, 20), None),
        (" 10 , 20 ,", (10, 20), None),
        ("", (), None),
        ("10,x", (10,), "'x' is not a size in GB (whole numbers, e.g. 10,20)"),
        ("0", (), "each size is at least 1 GB"),
        ("1.5", (), "'1.5' is not a size in GB (whole numbers, e.g. 10,20)"),
        ("٣", (), "'٣' is not a size in GB (whole numbers, e.g. 10,20)"),
    ],
)
def test_parse_sizes(text: str, sizes: tuple[int, ...], error: str | None) -> None:
    assert parse_sizes(text) == (sizes, error)


def test_smallest_volume_names_what_sets_it() -> None:
    assert smallest_volume(_image(min_disk=1), _flavor(1)) == (
        1,
        "the image's min disk is 1 GB",
    )
    assert smallest_volume(_image(min_disk=1), _flavor(20))[0] == 20
    assert smallest_volume(_image(size=3 * GIB + 1), None) == (
        4,
        f"the image holds {3 * GIB + 1} bytes",
    )
    assert volume_size_error(5, _image(min_disk=8), _flavor(1)) == (
        "at least 8 GB: the image's min disk is 8 GB"
    )
    assert volume_size_error(19, _image(), _flavor(20)) == (
        "at least 20 GB: flavor m1.small has a 20 GB disk"
    )
    assert volume_size_error(20, _image(min_disk=8), _flavor(20)) is None


# -- the form's fields ----------------------------------------------------------------------------

_BASE = {"name": "vm", "count": "1", "flavor": "1", "networks": ("net",)}


def _validated(**raw: Any) -> tuple[dict[str, Any], dict[str, str]]:
    return validate(boot_form(), {**_BASE, **raw})


def test_each_source_needs_only_its_own_fields() -> None:
    _values, errors = _validated(boot_source="volume")
    assert errors == {"boot_volume": "required"}, "no image asked for a volume boot"
    _values, errors = _validated(boot_source="snapshot")
    assert errors == {"boot_snapshot": "required"}
    _values, errors = _validated(boot_source="image_volume")
    assert errors == {"image": "required"}, "an empty size is the least that fits"
    _values, errors = _validated(boot_source="image", volume_size="x", boot_volume="")
    assert errors == {"image": "required"}, "a hidden field's leftovers are not checked"


def test_spec_ignores_the_fields_of_other_sources() -> None:
    values, errors = _validated(
        boot_source="volume",
        boot_volume="vol",
        image="img",  # chosen before the source changed: not sent
        volume_size="7",
        boot_snapshot="snap",
    )
    assert not errors
    spec = boot_spec(values)
    assert (spec.image_id, spec.boot_volume_id, spec.boot_snapshot_id) == ("", "vol", "")
    assert spec.boot_volume_size_gb == 0 and spec.delete_volume_on_terminate is False
    values, _ = _validated(boot_source="snapshot", boot_snapshot="snap", delete_new_volume=False)
    spec = boot_spec(values)
    assert (spec.boot_snapshot_id, spec.delete_volume_on_terminate) == ("snap", False)
    values, _ = _validated(image="img", boot_volume="vol")
    spec = boot_spec(values)
    assert (spec.image_id, spec.boot_volume_id, spec.delete_volume_on_terminate) == (
        "img",
        "",
        None,
    )


def test_extra_volumes_with_their_delete_on_terminate() -> None:
    values, errors = _validated(
        image="img",
        blank_volumes="10, 20",
        delete_blank=False,
        extra_volumes=("data",),
        delete_extra=True,
    )
    assert not errors
    assert boot_spec(values).extra_volumes == (
        ExtraVolume(size_gb=10),
        ExtraVolume(size_gb=20),
        ExtraVolume(volume_id="data", delete_on_terminate=True),
    )
    _values, errors = _validated(image="img", blank_volumes="10,ten")
    assert errors == {"blank_volumes": "'ten' is not a size in GB (whole numbers, e.g. 10,20)"}


def test_existing_volumes_are_for_one_server_and_not_twice() -> None:
    assert disk_checks({"boot_source": "volume", "boot_volume": "v", "count": 2}) == {
        "count": "an existing volume attaches to one server: boot one at a time"
    }
    assert disk_checks({"extra_volumes": ("v",), "count": 3})["count"]
    assert disk_checks({"boot_source": "snapshot", "boot_snapshot": "s", "count": 3}) == {}
    assert disk_checks(
        {"boot_source": "volume", "boot_volume": "v", "extra_volumes": ("v",), "count": 1}
    ) == {"extra_volumes": "the boot volume is attached as /dev/vda already"}
    assert disk_checks({"blank_volumes": ",".join(["1"] * 25), "count": 1}) == {
        "blank_volumes": "at most 24 volumes beside the root disk"
    }
