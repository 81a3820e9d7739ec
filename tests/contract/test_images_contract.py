"""Images, one body for the memory backend and devcloud's real Glance: lists and paging, the
fields models fill, an image's life (create, upload, download, protect, delete), sharing
with another project (members and their answers), and Glance's refusals with its status and
words (publicizing as a member, someone else's image, a second upload, duplicate members).

The project user owns what is made here (`ct-volume-<run>-...`); the admin's project is the
one it is shared with. Everything made is deleted at the end, also on failure.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import os
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

from tests.contract.conftest import CIRROS, Lab
from tests.contract.support import OnLab, named, refused
from tui.backend.errors import BackendError, Conflict, Forbidden, NotFound
from tui.backend.models import Image, ImageSpec

pytestmark = pytest.mark.asyncio(loop_scope="module")

COVERS = frozenset(
    {
        "images",
        "image",
        "create_image",
        "upload_image_data",
        "download_image",
        "delete_image",
        "update_image",
        "image_members",
        "add_image_member",
        "remove_image_member",
        "set_image_member_status",
    }
)

RUN = uuid.uuid4().hex[:6]
PREFIX = f"ct-volume-{RUN}"
KiB = 1024


@dataclasses.dataclass
class Glance(OnLab):
    """The lab and the images the module made (deleted at the end)."""

    made: list[str] = dataclasses.field(default_factory=list)

    async def image(self, name: str, **spec: Any) -> Image:
        image: Image = await self.owner.create_image(
            ImageSpec(name=f"{PREFIX}-{name}", disk_format="raw", **spec)
        )
        self.made.append(image.id)
        return image

    async def active(self, image_id: str) -> Image:
        image: Image = await self.lab.until(
            lambda: self.owner.image(image_id), lambda i: i.status == "active", "image active"
        )
        return image


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def glance(lab: Lab) -> AsyncIterator[Glance]:
    made = Glance(lab)
    try:
        yield made
    finally:
        for image_id in made.made:
            with contextlib.suppress(NotFound):
                if (await made.admin.image(image_id)).protected:
                    await made.admin.update_image(image_id, protected=False)
                await made.admin.delete_image(image_id)


def blob(tmp_path: Path, size: int = 300 * KiB) -> tuple[Path, bytes]:
    data = os.urandom(size)
    path = tmp_path / "disk.raw"
    path.write_bytes(data)
    return path, data


# -- lists and shows -----------------------------------------------------------------------


async def test_images_list_in_pages_and_show_their_fields(glance: Glance) -> None:
    pages = [page async for page in glance.owner.images(page_size=1)]
    assert pages and all(len(page) == 1 for page in pages)
    listed = [image for page in pages for image in page]
    assert len({i.id for i in listed}) == len(listed), "an image listed twice"
    cirros = next(i for i in listed if i.name == CIRROS)
    assert cirros == await glance.owner.image(cirros.id)
    assert (cirros.status, cirros.visibility, cirros.container_format) == (
        "active",
        "public",
        "bare",
    )
    assert cirros.disk_format == "qcow2" and cirros.size and cirros.size > 0
    assert cirros.owner and cirros.owner != glance.owner.info.project_id and cirros.created
    assert not cirros.protected


async def test_a_missing_image_is_not_found(glance: Glance) -> None:
    nobody = str(uuid.UUID(int=0xDEADBEEF))
    await refused(
        glance.owner.image(nobody), NotFound, 404, f"No image found with ID {nobody}", anywhere=True
    )


# -- an image's life -----------------------------------------------------------------------


async def test_an_image_is_made_filled_read_back_and_deleted(
    glance: Glance, tmp_path: Path
) -> None:
    source, data = blob(tmp_path)
    image = await glance.image("life", min_disk=1, properties=(("os_distro", "cirros"),))
    assert (image.status, image.visibility, image.disk_format, image.container_format) == (
        "queued",
        "private",
        "raw",
        "bare",
    )
    assert image.owner == glance.owner.info.project_id and image.min_disk == 1
    assert image.raw["os_distro"] == "cirros" and not image.size

    seen: list[tuple[int, int | None]] = []
    await glance.owner.upload_image_data(image.id, str(source), lambda d, t: seen.append((d, t)))
    assert seen[-1] == (len(data), len(data))
    active = await glance.active(image.id)
    assert active.size == len(data)
    assert active.raw["checksum"] == hashlib.md5(data, usedforsecurity=False).hexdigest()
    assert active.raw["os_hash_value"] == hashlib.sha512(data).hexdigest()
    await refused(
        glance.owner.upload_image_data(image.id, str(source)),
        Conflict,
        409,
        "Image status transition from active to saving is not allowed",
        anywhere=True,
    )

    target = tmp_path / "out.raw"
    done = await glance.owner.download_image(active, str(target))
    assert target.read_bytes() == data
    assert (done.size, done.verified, done.algorithm) == (len(data), True, "sha512")
    with pytest.raises(BackendError, match="exists"):
        await glance.owner.download_image(active, str(target))

    renamed = await glance.owner.update_image(image.id, name=f"{PREFIX}-renamed", min_ram=64)
    assert (renamed.name, renamed.min_ram) == (f"{PREFIX}-renamed", 64)
    assert await glance.owner.image(image.id) == renamed

    await glance.owner.delete_image(image.id)
    await refused(glance.owner.image(image.id), NotFound, 404, image.id, anywhere=True)
    assert image.id not in {i.id async for page in glance.owner.images() for i in page}


async def test_an_image_without_data_has_nothing_to_download(
    glance: Glance, tmp_path: Path
) -> None:
    image = await glance.image("empty")
    with pytest.raises(BackendError) as caught:
        await glance.owner.download_image(image, str(tmp_path / "none"))
    assert caught.value.status == 204
    assert f"Image {image.name} has no data (status queued)." in caught.value.message
    assert not (tmp_path / "none").exists()


async def test_a_protected_image_is_not_deleted(glance: Glance) -> None:
    image = await glance.image("kept")
    protected = await glance.owner.update_image(image.id, protected=True)
    assert protected.protected
    await refused(
        glance.owner.delete_image(image.id),
        Forbidden,
        403,
        f"Image {image.id} is protected and cannot be deleted.",
        anywhere=True,
    )
    await glance.owner.update_image(image.id, protected=False)
    await glance.owner.delete_image(image.id)
    await refused(glance.owner.image(image.id), NotFound, 404, image.id, anywhere=True)


# -- what a project member may not do ------------------------------------------------------


async def test_only_an_admin_publicizes_and_visibility_must_be_known(glance: Glance) -> None:
    publicize = "You are not authorized to complete publicize_image action."
    await refused(
        glance.owner.create_image(ImageSpec(name=f"{PREFIX}-pub", visibility="public")),
        Forbidden,
        403,
        publicize,
        anywhere=True,
    )
    image = await glance.image("private")
    await refused(
        glance.owner.update_image(image.id, visibility="public"),
        Forbidden,
        403,
        publicize,
        anywhere=True,
    )
    with pytest.raises(BackendError) as bogus:
        await glance.owner.update_image(image.id, visibility="bogus")
    assert bogus.value.status == 400 and "bogus" in bogus.value.message
    assert (await glance.owner.image(image.id)).visibility == "private"


async def test_someone_elses_image_is_not_changed(glance: Glance) -> None:
    cirros = await named(glance.owner.images(), CIRROS)
    await refused(
        glance.owner.delete_image(cirros.id),
        Forbidden,
        403,
        "You are not authorized to complete delete_image action.",
        anywhere=True,
    )
    await refused(
        glance.owner.update_image(cirros.id, min_disk=2),
        Forbidden,
        403,
        "You are not authorized to complete modify_image action.",
        anywhere=True,
    )
    assert (await glance.owner.image(cirros.id)).min_disk == cirros.min_disk


# -- sharing -------------------------------------------------------------------------------


async def test_sharing_with_a_project_that_answers(glance: Glance) -> None:
    owner, admin = glance.owner, glance.admin
    image = await glance.image("shared")
    guest = admin.info.project_id
    await refused(
        owner.image_members(image.id),
        Forbidden,
        403,
        f"Not allowed to list members for image {image.id}: Only shared images have members.",
        anywhere=True,
    )
    await refused(
        owner.add_image_member(image.id, guest),
        Forbidden,
        403,
        f"Not allowed to create members for image {image.id}.",
        anywhere=True,
    )

    await owner.update_image(image.id, visibility="shared")
    member = await owner.add_image_member(image.id, guest)
    assert (member.image_id, member.member_id, member.status) == (image.id, guest, "pending")
    assert member.created
    twice = f"Member {guest} is duplicated for image {image.id}"
    await refused(owner.add_image_member(image.id, guest), Conflict, 409, twice, anywhere=True)
    assert [(m.member_id, m.status) for m in await owner.image_members(image.id)] == [
        (guest, "pending")
    ]

    # only the member project answers
    accepting = owner.set_image_member_status(image.id, guest, "accepted")
    denied = "You are not authorized to complete modify_member action."
    await refused(accepting, Forbidden, 403, denied, anywhere=True)
    await admin.set_image_member_status(image.id, guest, "accepted")
    assert [(m.member_id, m.status) for m in await owner.image_members(image.id)] == [
        (guest, "accepted")
    ]

    await owner.remove_image_member(image.id, guest)
    assert await owner.image_members(image.id) == []
    gone = f"{guest} not found in the member list of the image {image.id}."
    await refused(owner.remove_image_member(image.id, guest), NotFound, 404, gone, anywhere=True)
    await refused(
        admin.set_image_member_status(image.id, guest, "accepted"),
        NotFound,
        404,
        gone,
        anywhere=True,
    )
