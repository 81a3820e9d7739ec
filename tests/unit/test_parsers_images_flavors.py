"""The image and flavor models parse the real payloads captured from devcloud
(tests/fixtures/capture_images_flavors.py), and the request bodies are what the APIs take."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tui.backend.image_data import Checksums
from tui.backend.models import (
    Flavor,
    FlavorAccess,
    FlavorExtraSpec,
    FlavorSpec,
    Image,
    ImageMember,
    ImageSpec,
)
from tui.backend.openstack import error_message
from tui.backend.openstack.flavors import flavor_body
from tui.backend.openstack.image import image_changes

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "api"


def load(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text())


def test_image_members() -> None:
    [member] = [ImageMember.from_api(m) for m in load("image_members.json")["members"]]
    image = Image.from_api(load("image_show.json"))
    assert member.image_id == image.id and member.id == member.member_id
    assert member.status == "pending" and member.created.endswith("Z")


def test_image_show_has_what_the_download_verifies() -> None:
    image = Image.from_api(load("image_show.json"))
    assert (image.visibility, image.protected, image.disk_format) == ("shared", True, "raw")
    assert image.raw["os_distro"] == "cirros"
    sums = Checksums(image)
    assert sums.algorithm == image.raw["os_hash_algo"] == "sha512"
    sums.update(b"stackdeck fixture image\n" * 64)
    result = sums.result("x", image.size)
    assert result.verified and result.digest == image.raw["os_hash_value"]


def test_flavor_show_extra_specs_and_access() -> None:
    flavor = Flavor.from_api(load("flavor_show.json")["flavor"])
    assert (flavor.vcpus, flavor.ram_mb, flavor.is_public) == (2, 256, False)
    assert flavor.raw["description"] == "stackdeck fixture flavor"
    specs = FlavorExtraSpec.from_api(flavor.id, load("flavor_extra_specs.json"))
    assert [(s.key, s.value) for s in specs] == [
        ("hw:cpu_policy", "dedicated"),
        ("hw:mem_page_size", "large"),
    ]
    assert flavor.raw["extra_specs"] == {s.key: s.value for s in specs}
    [access] = [FlavorAccess.from_api(a) for a in load("flavor_access.json")["flavor_access"]]
    assert access.flavor_id == flavor.id and access.id == access.project_id


def test_refusals_read_as_their_message() -> None:
    html = (FIXTURES / "error_403_image_protected.html").read_text()
    assert error_message(html, "x").endswith("is protected and cannot be deleted.")
    body = load("error_404_flavor_access_public.json")
    assert error_message(body, "x") == "Access list not available for public flavors."


def test_request_bodies() -> None:
    spec = ImageSpec("img", properties=(("os_distro", "ubuntu"), ("name", "ignored")))
    assert spec.body()["name"] == "img" and spec.body()["os_distro"] == "ubuntu"
    assert image_changes(protected=True) == [{"op": "replace", "path": "/protected", "value": True}]
    body = flavor_body(FlavorSpec("f", 2, 512, swap_mb=0, is_public=False, flavor_id="f-1"))
    assert body["flavor"]["id"] == "f-1" and body["flavor"]["os-flavor-access:is_public"] is False
    assert "description" not in body["flavor"]
