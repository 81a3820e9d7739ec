"""Images (Glance v2) and flavors (Nova) written and read against devcloud's real services."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
from uuid import uuid4

import pytest

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
