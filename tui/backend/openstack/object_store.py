"""Swift (object storage API v1): containers and objects, uploads and downloads.

The catalog's object-store endpoint is the account (``/v1/AUTH_{project_id}``): paths are
``/{container}`` and ``/{container}/{object}``. Lists ask ``format=json`` and page by the
last name seen. Large objects (over 5 GiB: SLO/DLO segments) are not handled.
"""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import AsyncIterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from tui.backend import models
from tui.backend.base import DEFAULT_PAGE_SIZE
from tui.backend.errors import BackendError, Conflict
from tui.backend.openstack.core import OpenStackCore, read_reply
from tui.backend.openstack.replies import Read
from tui.backend.swift import content_type_for, not_empty, upload_size
from tui.backend.transfer import (
    CHUNK,
    Progress,
    TransferCancelled,
    no_progress,
    read_chunks,
    watched,
)
from tui.text import safe

if TYPE_CHECKING:
    from requests import Response


def container_path(container: str) -> str:
    return "/" + quote(container, safe="")


def object_path(container: str, name: str) -> str:
    """Slashes in an object name stay slashes: they are part of the name, not a hierarchy."""
    return f"{container_path(container)}/{quote(name, safe='/')}"


def list_query(
    limit: int, marker: str | None, *, prefix: str = "", delimiter: str = ""
) -> dict[str, Any]:
    query: dict[str, Any] = {"format": "json", "limit": limit}
    if marker:
        query["marker"] = marker
    if prefix:
        query["prefix"] = prefix
    if delimiter:
        query["delimiter"] = delimiter
    return query


def listing(response: Response, operation: str) -> list[dict[str, Any]]:
    """A JSON listing; an empty account or container may answer 204 with no body."""
    if response.status_code == 204 or not response.content:
        return []
    _, items = read_reply(response, "Swift", operation, Read(None, kind="list"))
    return list(items)


def next_name(items: list[Any], limit: int) -> str | None:
    """Swift pages by the last name seen (a pseudo-folder's too); a short page is the last."""
    return items[-1].name if len(items) >= limit and items else None


def _header(headers: Mapping[str, str], name: str, default: str = "") -> str:
    """A header's value through the text gate (a tenant sets Swift's metadata headers)."""
    return safe(str(headers.get(name, default)))


def container_from_headers(name: str, headers: Mapping[str, str]) -> models.Container:
    """HEAD /{container}: counts in X-Container-Object-Count and X-Container-Bytes-Used."""
    return models.Container.from_api(
        {
            "name": name,
            "count": _header(headers, "X-Container-Object-Count", "0"),
            "bytes": _header(headers, "X-Container-Bytes-Used", "0"),
            "last_modified": _header(headers, "Last-Modified"),
        }
    )


def object_from_headers(
    container: str, name: str, headers: Mapping[str, str]
) -> models.SwiftObject:
    return models.SwiftObject.from_api(
        {
            "name": name,
            "bytes": _header(headers, "Content-Length", "0"),
            "content_type": _header(headers, "Content-Type"),
            "last_modified": _header(headers, "Last-Modified"),
            "hash": _header(headers, "Etag").strip('"'),
        },
        container=container,
    )


class ObjectStoreAPI(OpenStackCore):
    async def containers(
        self, *, page_size: int = DEFAULT_PAGE_SIZE
    ) -> AsyncIterator[list[models.Container]]:
        def fetch(marker: str | None) -> tuple[list[models.Container], str | None]:
            response = self._request(
                "GET",
                "object-store",
                "/",
                params=list_query(page_size, marker),
                operation="list containers",
            )
            items = [models.Container.from_api(d) for d in listing(response, "list containers")]
            return items, next_name(items, page_size)

        async for page in self._paged("list containers", fetch):
            yield page

    async def container(self, name: str) -> models.Container:
        def fetch() -> models.Container:
            response = self._request(
                "HEAD", "object-store", container_path(name), operation="show container"
            )
            return container_from_headers(name, response.headers)

        return await self._call("show container", fetch)

    async def create_container(self, name: str) -> models.Container:
        await self._write(
            "create-container", f"container {name}", "PUT", "object-store", container_path(name)
        )
        return await self.container(name)

    async def delete_container(self, name: str) -> None:
        try:
            await self._write(
                "delete-container",
                f"container {name}",
                "DELETE",
                "object-store",
                container_path(name),
            )
        except Conflict as exc:
            raise not_empty(name, exc) from exc

    async def objects(
        self,
        container: str,
        *,
        prefix: str = "",
        delimiter: str = "",
        page_size: int = DEFAULT_PAGE_SIZE,
    ) -> AsyncIterator[list[models.SwiftObject]]:
        path = container_path(container)

        def fetch(marker: str | None) -> tuple[list[models.SwiftObject], str | None]:
            query = list_query(page_size, marker, prefix=prefix, delimiter=delimiter)
            response = self._request(
                "GET", "object-store", path, params=query, operation="list objects"
            )
            items = [
                models.SwiftObject.from_api(d, prefix, container)
                for d in listing(response, "list objects")
            ]
            return items, next_name(items, page_size)

        async for page in self._paged("list objects", fetch):
            yield page

    async def delete_object(self, container: str, name: str) -> None:
        await self._write(
            "delete-object",
            f"object {container}/{name}",
            "DELETE",
            "object-store",
            object_path(container, name),
        )

    async def object_head(self, container: str, name: str) -> models.SwiftObject:
        def fetch() -> models.SwiftObject:
            response = self._request(
                "HEAD", "object-store", object_path(container, name), operation="show object"
            )
            return object_from_headers(container, name, response.headers)

        return await self._call("show object", fetch)

    async def upload_object(
        self,
        container: str,
        name: str,
        path: str,
        progress: Progress = no_progress,
        *,
        content_type: str = "",
    ) -> models.SwiftObject:
        size = upload_size(path)
        report, stopped = watched(progress)
        with open(path, "rb") as file:
            try:
                await self._write(
                    "upload-object",
                    f"object {container}/{name} ({size} bytes)",
                    "PUT",
                    "object-store",
                    object_path(container, name),
                    data=lambda: read_chunks(file, size, report),
                    headers={"Content-Type": content_type_for(path, content_type)},
                )
            except BackendError:
                if stopped:  # the HTTP layer wraps what the progress callback raised
                    raise TransferCancelled(
                        "Upload cancelled.", operation="upload object"
                    ) from None
                raise
        stored = await self.object_head(container, name)
        if stored.bytes != size:
            raise BackendError(
                f"Swift stored {stored.bytes} bytes of {name}, not {size}: upload again.",
                operation="upload object",
            )
        return stored

    async def download_object(
        self, container: str, name: str, path: str, progress: Progress = no_progress
    ) -> int:
        target = Path(path)

        def fetch() -> int:
            response = self._request(
                "GET",
                "object-store",
                object_path(container, name),
                stream=True,
                operation="download object",
            )
            total = int(response.headers.get("Content-Length", 0)) or None
            # Into a new file beside the target (the umask's usual mode), renamed when whole.
            partial = target.with_name(f".{target.name}.{uuid.uuid4().hex[:8]}.part")
            done = 0
            try:
                with open(partial, "xb") as out, contextlib.closing(response):
                    progress(0, total)
                    for chunk in response.iter_content(CHUNK):
                        out.write(chunk)
                        done += len(chunk)
                        progress(done, total)
                os.replace(partial, target)
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(partial)
                raise
            return done

        return await self._call("download object", fetch)
