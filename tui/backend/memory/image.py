"""In-memory Glance: images (an admin sees all; others the public, shared and their own),
their data (kept in memory, moved chunk by chunk like the real transfer) and members."""

from __future__ import annotations

import asyncio
import hashlib
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

from tui.backend import models, transfer
from tui.backend.base import DEFAULT_PAGE_SIZE
from tui.backend.errors import BackendError
from tui.backend.memory import data
from tui.backend.memory.core import MemoryCore
from tui.backend.threads import in_thread
from tui.backend.transfer import Progress, no_progress, read_chunks

VISIBILITIES = ("private", "shared", "community", "public")


class ImageMemory(MemoryCore):
    # Seconds between chunks of a transfer: tests slow it down to watch or cancel it.
    transfer_pause = 0.0

    def _image_visible(self, image: models.Image) -> bool:
        if self._is_admin or image.visibility in ("public", "community"):
            return True
        if self._mine(image.owner):
            return True
        members = self._cloud.image_members.get(image.id, {})
        return image.visibility == "shared" and self._info.project_id in members

    async def images(
        self, *, page_size: int = DEFAULT_PAGE_SIZE
    ) -> AsyncIterator[list[models.Image]]:
        async for page in self._select(self._cloud.images, page_size, self._image_visible):
            yield page

    async def image(self, image_id: str) -> models.Image:
        return self._visible_image(image_id)

    def _visible_image(self, image_id: str) -> models.Image:
        images = self._cloud.images
        return self._lookup(
            images, image_id, "image", self._image_visible, "No image found with ID {}"
        )

    # -- writes, data, members --------------------------------------------------

    def _check_visibility(self, visibility: str) -> None:
        if visibility not in VISIBILITIES:
            raise self.refused(400, f"Invalid visibility value: {visibility}")
        if visibility == "public" and not self._is_admin:
            raise self.refused(403, "You are not authorized to complete publicize_image action.")

    def _my_image(self, image_id: str, policy: str = "modify_image") -> models.Image:
        """An image we may change: visible (else 404) and ours (else Glance's policy 403)."""
        image = self._visible_image(image_id)
        if not (self._is_admin or self._mine(image.owner)):
            raise self.refused(403, f"You are not authorized to complete {policy} action.")
        return image

    def _shared(self, image: models.Image, refusal: str) -> dict[str, dict[str, Any]]:
        """The members of a shared image; Glance's 403 for any other."""
        if image.visibility != "shared":
            raise self.refused(403, refusal)
        return self._cloud.image_members.setdefault(image.id, {})

    def _member(self, image_id: str, project_id: str) -> dict[str, Any]:
        member = self._cloud.image_members.get(image_id, {}).get(project_id)
        missing = f"{project_id} not found in the member list of the image {image_id}."
        return self._present(member, missing)

    async def create_image(self, spec: models.ImageSpec) -> models.Image:
        def create() -> models.Image:
            self._check_visibility(spec.visibility)
            image_id = data.fixed_id("image", 10_000 + self._cloud.serial())
            # Glance's record: its defaults, then what the request says (the real POST body)
            raw = data.image_json(image_id, "", self._info.project_id, status="queued")
            raw.update(spec.body())
            return self._cloud.images.add(models.Image.from_api(raw))

        return await self._write("create-image", spec.name, create)

    async def _pace(self) -> None:
        await asyncio.sleep(self.transfer_pause or self._latency)

    async def upload_image_data(
        self, image_id: str, path: str, progress: Progress = no_progress
    ) -> None:
        source = Path(path)
        total = source.stat().st_size

        def begin() -> models.Image:
            image = self._my_image(image_id, "upload_image")
            if image.status != "queued":
                raise self.refused(
                    409, f"Image status transition from {image.status} to saving is not allowed"
                )
            return self._cloud.update(self._cloud.images, image, {"status": "saving"})

        image = await self._write(
            "upload-image", f"{image_id} ({total} bytes from {source.name})", begin
        )
        chunks: list[bytes] = []
        try:
            with source.open("rb") as file:
                for chunk in read_chunks(file, total, progress):
                    chunks.append(chunk)
                    await self._pace()
        except BaseException:
            self._cloud.update(self._cloud.images, image, {"status": "queued"})
            raise
        blob = b"".join(chunks)
        self._cloud.image_data[image_id] = blob
        self._cloud.update(
            self._cloud.images,
            image,
            {
                "status": "active",
                "size": len(blob),
                "virtual_size": None,
                "checksum": hashlib.md5(blob, usedforsecurity=False).hexdigest(),
                "os_hash_algo": "sha512",
                "os_hash_value": hashlib.sha512(blob).hexdigest(),
            },
        )

    async def download_image(
        self,
        image: models.Image,
        path: str,
        progress: Progress = no_progress,
        *,
        overwrite: bool = False,
    ) -> models.Download:
        # downloads' helpers: not on the start-up path
        from tui.backend.image_data import refuse_overwrite, save

        target = refuse_overwrite(path, overwrite)
        current = await self.image(image.id)
        blob = self._cloud.image_data.get(image.id)
        if blob is None:
            where = "" if current.status == "queued" else " in the demo cloud"
            raise BackendError(
                f"Image {image.name or image.id} has no data{where} (status {current.status}).",
                status=204,
                operation="download image",
            )
        pause = self.transfer_pause or self._latency

        def chunks() -> Iterator[bytes]:
            for start in range(0, len(blob), transfer.CHUNK):
                time.sleep(pause)
                yield blob[start : start + transfer.CHUNK]

        # in a worker thread, like the real download (progress is reported from there)
        return await in_thread(lambda: save(target, chunks(), current, len(blob), progress))

    async def delete_image(self, image_id: str) -> None:
        def delete() -> None:
            image = self._my_image(image_id, "delete_image")
            if image.protected:
                raise self.refused(403, f"Image {image_id} is protected and cannot be deleted.")
            self._cloud.images.remove(image_id)
            self._cloud.image_data.pop(image_id, None)
            self._cloud.image_members.pop(image_id, None)

        await self._write("delete-image", image_id, delete)

    async def update_image(self, image_id: str, **changes: Any) -> models.Image:
        def update() -> models.Image:
            image = self._my_image(image_id)
            if "visibility" in changes:
                self._check_visibility(str(changes["visibility"]))
            return self._cloud.update(self._cloud.images, image, changes)

        what = ", ".join(f"{k}={v}" for k, v in changes.items())
        return await self._write("update-image", f"{image_id} ({what})", update)

    async def image_members(self, image_id: str) -> list[models.ImageMember]:
        image = self._visible_image(image_id)
        members = self._shared(
            image,
            f"Not allowed to list members for image {image_id}: Only shared images have members.",
        )
        return [models.ImageMember.from_api(m) for m in members.values()]

    async def add_image_member(self, image_id: str, project_id: str) -> models.ImageMember:
        def add() -> models.ImageMember:
            image = self._my_image(image_id, "add_member")
            members = self._shared(image, f"Not allowed to create members for image {image_id}.")
            if project_id in members:
                raise self.refused(409, f"Member {project_id} is duplicated for image {image_id}")
            when = self._cloud.next_stamp()
            members[project_id] = {
                "image_id": image_id,
                "member_id": project_id,
                "status": "pending",
                "created_at": when,
                "updated_at": when,
                "schema": "/v2/schemas/member",
            }
            return models.ImageMember.from_api(members[project_id])

        return await self._write("add-image-member", f"{image_id} → project {project_id}", add)

    async def remove_image_member(self, image_id: str, project_id: str) -> None:
        def remove() -> None:
            self._my_image(image_id, "delete_member")
            self._member(image_id, project_id)
            del self._cloud.image_members[image_id][project_id]

        await self._write("remove-image-member", f"{image_id} → project {project_id}", remove)

    async def set_image_member_status(self, image_id: str, project_id: str, status: str) -> None:
        def answer() -> None:
            self._visible_image(image_id)
            member = self._member(image_id, project_id)
            if not (self._is_admin or self._mine(project_id)):  # the shared member answers
                raise self.refused(403, "You are not authorized to complete modify_member action.")
            member["status"] = status

        await self._write(
            f"set-image-member-{status}", f"{image_id} → project {project_id}", answer
        )
