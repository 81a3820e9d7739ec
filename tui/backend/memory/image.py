"""In-memory Glance: images (an admin sees all; others the public ones and their own)."""

from __future__ import annotations

from collections.abc import AsyncIterator

from tui.backend.base import DEFAULT_PAGE_SIZE
from tui.backend.memory.core import MemoryCore
from tui.backend.models import Image


class ImageMemory(MemoryCore):
    def _image_visible(self, image: Image) -> bool:
        return self._is_admin or image.visibility == "public" or self._mine(image.owner)

    async def images(self, *, page_size: int = DEFAULT_PAGE_SIZE) -> AsyncIterator[list[Image]]:
        async for page in self._select(self._cloud.images, page_size, self._image_visible):
            yield page

    async def image(self, image_id: str) -> Image:
        return self._lookup(self._cloud.images, image_id, "image", self._image_visible)
