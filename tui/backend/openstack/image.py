"""Glance: images (v2 pages by limit/marker and answers ``next``), their data and members."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from tui.backend import models
from tui.backend.base import DEFAULT_PAGE_SIZE
from tui.backend.errors import BackendError
from tui.backend.image_data import refuse_overwrite, save
from tui.backend.openstack.core import OpenStackCore
from tui.backend.openstack.replies import Read
from tui.backend.transfer import (
    CHUNK,
    Progress,
    TransferCancelled,
    no_progress,
    read_chunks,
    watched,
)

JSON_PATCH = {"Content-Type": "application/openstack-images-v2.1-json-patch"}
OCTETS = {"Content-Type": "application/octet-stream"}


def image_changes(**changes: Any) -> list[dict[str, Any]]:
    """A JSON patch replacing top-level image attributes."""
    return [{"op": "replace", "path": f"/{key}", "value": value} for key, value in changes.items()]


class ImageAPI(OpenStackCore):
    async def images(
        self, *, page_size: int = DEFAULT_PAGE_SIZE
    ) -> AsyncIterator[list[models.Image]]:
        async for page in self._collection(
            "image", "/images", "images", models.Image.from_api, page_size=page_size
        ):
            yield page

    async def image(self, image_id: str) -> models.Image:
        return await self._show(
            "image", f"/images/{image_id}", None, models.Image.from_api, kind="image"
        )

    # -- writes, data, members --------------------------------------------------

    async def create_image(self, spec: models.ImageSpec) -> models.Image:
        created: models.Image = await self._write(
            "create-image",
            spec.name,
            "POST",
            "image",
            "/images",
            body=spec.body(),
            read=Read(None, models.Image.from_api, made="image"),
        )
        return created

    async def upload_image_data(
        self, image_id: str, path: str, progress: Progress = no_progress
    ) -> None:
        """PUT the file's bytes as the image's data; `progress` may stop it (TransferCancelled)."""
        source = Path(path)
        total = source.stat().st_size
        report, stopped = watched(progress)
        with source.open("rb") as file:
            try:
                await self._write(
                    "upload-image",
                    f"{image_id} ({total} bytes from {source.name})",
                    "PUT",
                    "image",
                    f"/images/{image_id}/file",
                    headers=OCTETS,
                    data=read_chunks(file, total, report),
                )
            except BackendError:
                if stopped:
                    raise TransferCancelled("Upload cancelled.", operation="upload image") from None
                raise

    async def download_image(
        self,
        image: models.Image,
        path: str,
        progress: Progress = no_progress,
        *,
        overwrite: bool = False,
    ) -> models.Download:
        """Stream the image's data into `path`, checking Glance's checksum; a failed or
        cancelled download leaves no partial file behind."""
        target = refuse_overwrite(path, overwrite)

        def fetch() -> models.Download:
            response = self._request(
                "GET",
                "image",
                f"/images/{image.id}/file",
                stream=True,
                operation="download image",
            )
            if response.status_code == 204:
                raise BackendError(
                    f"Image {image.name or image.id} has no data (status {image.status}).",
                    status=204,
                    operation="download image",
                )
            length = response.headers.get("Content-Length")
            total = int(length) if length and length.isdigit() else (image.size or None)
            try:
                return save(target, response.iter_content(CHUNK), image, total, progress)
            finally:
                response.close()

        return await self._call("download image", fetch)

    async def delete_image(self, image_id: str) -> None:
        await self._write("delete-image", image_id, "DELETE", "image", f"/images/{image_id}")

    async def update_image(self, image_id: str, **changes: Any) -> models.Image:
        """Replace top-level attributes (protected, visibility, name, min_disk...)."""
        what = ", ".join(f"{k}={v}" for k, v in changes.items())
        updated: models.Image = await self._write(
            "update-image",
            f"{image_id} ({what})",
            "PATCH",
            "image",
            f"/images/{image_id}",
            body=image_changes(**changes),
            headers=JSON_PATCH,
            read=Read(None, models.Image.from_api),
        )
        return updated

    async def image_members(self, image_id: str) -> list[models.ImageMember]:
        def fetch() -> list[models.ImageMember]:
            read = Read("members", models.ImageMember.from_api, "list")
            path = f"/images/{image_id}/members"
            members: list[models.ImageMember]
            _, members = self._get_read("image", path, read, operation="list members")
            return members

        return await self._call("list image members", fetch)

    async def add_image_member(self, image_id: str, project_id: str) -> models.ImageMember:
        member: models.ImageMember = await self._write(
            "add-image-member",
            f"{image_id} → project {project_id}",
            "POST",
            "image",
            f"/images/{image_id}/members",
            body={"member": project_id},
            read=Read(None, models.ImageMember.from_api),
        )
        return member

    async def remove_image_member(self, image_id: str, project_id: str) -> None:
        await self._write(
            "remove-image-member",
            f"{image_id} → project {project_id}",
            "DELETE",
            "image",
            f"/images/{image_id}/members/{project_id}",
        )

    async def set_image_member_status(self, image_id: str, project_id: str, status: str) -> None:
        """The consumer project's answer to a share: accepted, rejected or pending."""
        await self._write(
            f"set-image-member-{status}",
            f"{image_id} → project {project_id}",
            "PUT",
            "image",
            f"/images/{image_id}/members/{project_id}",
            body={"status": status},
        )
