"""Glance: images (v2 pages by limit/marker and answers ``next``)."""

from __future__ import annotations

from collections.abc import AsyncIterator

from tui.backend.base import DEFAULT_PAGE_SIZE
from tui.backend.models import Image
from tui.backend.openstack.core import OpenStackCore


class ImageAPI(OpenStackCore):
    async def images(self, *, page_size: int = DEFAULT_PAGE_SIZE) -> AsyncIterator[list[Image]]:
        async for page in self._collection(
            "image", "/images", "images", Image.from_api, page_size=page_size
        ):
            yield page

    async def image(self, image_id: str) -> Image:
        return await self._show("image", f"/images/{image_id}", None, Image.from_api, kind="image")
