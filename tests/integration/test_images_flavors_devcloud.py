"""Images (Glance v2) and flavors (Nova) written and read against devcloud's real services."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
from uuid import uuid4

import pytest

from tui.backend.audit import AuditLog
from tui.backend.errors import Forbidden, NotFound
from tui.backend.models import FlavorSpec, ImageSpec
from tui.backend.openstack import OpenStackBackend
from tui.backend.transfer import TransferCancelled


def unique(area: str) -> str:
    return f"sdtest-{area}-{uuid4().hex[:6]}"


async def project_id(backend: OpenStackBackend, name: str) -> str:
    async for page in backend.projects():
        for project in page:
            if project.name == name:
                return project.id
    raise AssertionError(f"no project {name}")


async def settled_image(backend: OpenStackBackend, image_id: str):  # type: ignore[no-untyped-def]
    for _ in range(60):
        image = await backend.image(image_id)
        if image.status not in ("queued", "saving", "importing"):
            return image
        await asyncio.sleep(0.5)
    raise AssertionError("image never settled")


# an image's life, sharing and Glance's refusals: tests/contract/test_images_contract.py


async def test_cancelled_upload_stops_and_partial_download_is_removed(
    admin: OpenStackBackend, tmp_path: Path
) -> None:
    source = tmp_path / "big.raw"
    source.write_bytes(os.urandom(4 << 20))
    image = await admin.create_image(ImageSpec(name=unique("cancel"), disk_format="raw"))
    try:

        def stop_after_first(done: int, total: int | None) -> None:
            if done >= 1 << 20:
                raise TransferCancelled("cancelled")

        with pytest.raises(TransferCancelled):
            await admin.upload_image_data(image.id, str(source), stop_after_first)
        assert (await admin.image(image.id)).status in ("queued", "saving")
    finally:
        await admin.delete_image(image.id)

    image = await admin.create_image(ImageSpec(name=unique("dl"), disk_format="raw"))
    try:
        await admin.upload_image_data(image.id, str(source))
        image = await settled_image(admin, image.id)
        target = tmp_path / "partial.img"

        def stop_midway(done: int, total: int | None) -> None:
            if done >= 2 << 20:
                raise TransferCancelled("cancelled")

        with pytest.raises(TransferCancelled):
            await admin.download_image(image, str(target), stop_midway)
        assert not target.exists()
    finally:
        await admin.delete_image(image.id)


async def test_private_flavor_specs_access_and_delete(
    admin: OpenStackBackend, tmp_path: Path
) -> None:
    audit = AuditLog(tmp_path / "audit.jsonl")
    backend = OpenStackBackend("devcloud-admin", audit=audit)
    await backend.connect()
    name = unique("flv")
    flavor = await backend.create_flavor(
        FlavorSpec(
            name=name,
            vcpus=2,
            ram_mb=256,
            disk_gb=1,
            ephemeral_gb=1,
            swap_mb=128,
            is_public=False,
            description="stackdeck test flavor",
        )
    )
    try:
        assert (flavor.vcpus, flavor.ram_mb, flavor.is_public) == (2, 256, False)
        await backend.set_flavor_extra_specs(
            flavor.id, {"hw:cpu_policy": "dedicated", "quota:disk_read_iops_sec": "500"}
        )
        specs = await backend.flavor_extra_specs(flavor.id)
        assert {(s.key, s.value) for s in specs} == {
            ("hw:cpu_policy", "dedicated"),
            ("quota:disk_read_iops_sec", "500"),
        }
        shown = await backend.flavor(flavor.id)
        assert shown.raw["extra_specs"]["hw:cpu_policy"] == "dedicated"
        assert shown.raw["description"] == "stackdeck test flavor"
        await backend.unset_flavor_extra_spec(flavor.id, "hw:cpu_policy")
        assert [s.key for s in await backend.flavor_extra_specs(flavor.id)] == [
            "quota:disk_read_iops_sec"
        ]

        demo_id = await project_id(backend, "demo")
        await backend.add_flavor_access(flavor.id, demo_id)
        access = await backend.flavor_access(flavor.id)
        assert demo_id in {a.project_id for a in access}
        await backend.remove_flavor_access(flavor.id, demo_id)
        assert demo_id not in {a.project_id for a in await backend.flavor_access(flavor.id)}

        servers = [s async for page in backend.servers_with_flavor(flavor.id) for s in page]
        assert servers == []
    finally:
        await backend.delete_flavor(flavor.id)
    with pytest.raises(NotFound):
        await backend.flavor(flavor.id)
    assert [r.action for r in audit.records()] == [
        "create-flavor",
        "set-flavor-extra-specs",
        "unset-flavor-extra-spec",
        "grant-flavor-access",
        "revoke-flavor-access",
        "delete-flavor",
    ]
    await backend.close()


async def test_servers_with_flavor_filter_by_flavor(admin: OpenStackBackend) -> None:
    flavors = [f async for page in admin.flavors() for f in page]
    every = [s async for page in admin.servers(all_projects=True) for s in page]
    for flavor in flavors[:3]:
        using = [s async for page in admin.servers_with_flavor(flavor.id) for s in page]
        assert {s.id for s in using} <= {s.id for s in every}


async def test_demo_may_not_create_flavors(demo: OpenStackBackend) -> None:
    with pytest.raises(Forbidden):
        await demo.create_flavor(FlavorSpec(name=unique("flv"), vcpus=1, ram_mb=64))
