"""Images (Glance v2) and flavors (Nova) written and read against devcloud's real services."""

from __future__ import annotations

import asyncio
import hashlib
import os
from pathlib import Path
from uuid import uuid4

import pytest

from tui.backend.audit import AuditLog
from tui.backend.errors import BackendError, Forbidden, NotFound
from tui.backend.models import ImageSpec
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


async def test_upload_download_share_and_delete_an_image(
    admin: OpenStackBackend, demo: OpenStackBackend, tmp_path: Path
) -> None:
    audit = AuditLog(tmp_path / "audit.jsonl")
    backend = OpenStackBackend("devcloud-admin", audit=audit)
    await backend.connect()
    data = os.urandom(3 * (1 << 20) + 123)
    source = tmp_path / "disk.raw"
    source.write_bytes(data)
    seen: list[tuple[int, int | None]] = []
    spec = ImageSpec(
        name=unique("img"),
        disk_format="raw",
        properties=(("os_distro", "cirros"), ("os_admin_user", "cirros")),
    )
    image = await backend.create_image(spec)
    try:
        assert image.status == "queued" and image.raw["os_distro"] == "cirros"
        await backend.upload_image_data(image.id, str(source), lambda d, t: seen.append((d, t)))
        assert seen[-1] == (len(data), len(data)) and len(seen) >= 4
        image = await settled_image(backend, image.id)
        assert image.status == "active" and image.size == len(data)
        assert image.raw["checksum"] == hashlib.md5(data).hexdigest()

        target = tmp_path / "out.img"
        got: list[int] = []
        result = await backend.download_image(image, str(target), lambda d, t: got.append(d))
        assert target.read_bytes() == data and got[-1] == len(data)
        assert result.verified and result.algorithm in ("sha512", "md5")
        with pytest.raises(BackendError, match="exists"):
            await backend.download_image(image, str(target))

        demo_id = await project_id(backend, "demo")
        await backend.update_image(image.id, visibility="shared")
        member = await backend.add_image_member(image.id, demo_id)
        assert (member.member_id, member.status) == (demo_id, "pending")
        members = await backend.image_members(image.id)
        assert [(m.member_id, m.status) for m in members] == [(demo_id, "pending")]
        await demo.set_image_member_status(image.id, demo_id, "accepted")
        assert image.id in {i.id async for page in demo.images() for i in page}
        members = await backend.image_members(image.id)
        assert [(m.member_id, m.status) for m in members] == [(demo_id, "accepted")]
        await backend.remove_image_member(image.id, demo_id)
        assert await backend.image_members(image.id) == []

        protected = await backend.update_image(image.id, protected=True)
        assert protected.protected
        with pytest.raises(Forbidden, match="protected"):
            await backend.delete_image(image.id)
        await backend.update_image(image.id, protected=False)
    finally:
        await backend.delete_image(image.id)
    with pytest.raises(NotFound):
        await backend.image(image.id)
    actions = [r.action for r in audit.records() if r.result == "ok"]
    assert actions[:2] == ["create-image", "upload-image"]
    assert "add-image-member" in actions and actions[-1] == "delete-image"
    await backend.close()


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


async def test_demo_may_not_publish_an_image(demo: OpenStackBackend) -> None:
    with pytest.raises(Forbidden):
        await demo.create_image(ImageSpec(name=unique("pub"), visibility="public"))
