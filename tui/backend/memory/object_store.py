"""In-memory Swift: one account of containers holding objects with real bytes.

Listings are built as Swift's ``format=json`` answers (``subdir`` entries for pseudo-folders
under a delimiter) and parsed by the same models as the real ones.
"""

from __future__ import annotations

import asyncio
import hashlib
import mimetypes
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tui.backend import models
from tui.backend.base import DEFAULT_PAGE_SIZE
from tui.backend.memory.clock import cinder_time
from tui.backend.memory.core import MemoryCore
from tui.backend.transfer import CHUNK, Progress, no_progress, read_chunks

_SEED_TIME = "2026-11-0{day}T0{hour}:{minute:02d}:00.000000"


@dataclass
class _Blob:
    data: bytes
    content_type: str
    last_modified: str

    def listing(self, name: str) -> dict[str, Any]:
        return {
            "name": name,
            "bytes": len(self.data),
            "hash": hashlib.md5(self.data, usedforsecurity=False).hexdigest(),
            "content_type": self.content_type,
            "last_modified": self.last_modified,
        }


@dataclass
class _Bucket:
    last_modified: str
    objects: dict[str, _Blob] = field(default_factory=dict)

    def listing(self, name: str) -> dict[str, Any]:
        return {
            "name": name,
            "count": len(self.objects),
            "bytes": sum(len(b.data) for b in self.objects.values()),
            "last_modified": self.last_modified,
        }


_SEED: dict[str, tuple[tuple[str, int], ...]] = {
    "backups": (
        ("README.txt", 310),
        ("db/2026-11-01.sql.gz", 48_213),
        ("db/2026-11-02.sql.gz", 49_877),
        ("db/weekly/2026-w44.sql.gz", 301_442),
        ("etc/neutron.conf", 5_120),
        ("etc/nova.conf", 7_904),
    ),
    "static-web": (("css/site.css", 2_048), ("img/logo.png", 14_336), ("index.html", 1_024)),
    "empty-bucket": (),
}


def _seed_blob(name: str, size: int, n: int) -> _Blob:
    line = f"{name} line {n}\n".encode()
    data = (line * (size // len(line) + 1))[:size]
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    stamp = _SEED_TIME.format(day=1 + n % 9, hour=n % 10, minute=(7 * n) % 60)
    return _Blob(data, content_type, stamp)


def list_entries(objects: dict[str, _Blob], prefix: str, delimiter: str) -> list[dict[str, Any]]:
    """Swift's listing: names under `prefix`, folded at the next `delimiter` into subdirs."""
    entries: dict[str, dict[str, Any]] = {}
    for name in sorted(objects):
        if not name.startswith(prefix):
            continue
        rest = name[len(prefix) :]
        if delimiter and delimiter in rest:
            subdir = prefix + rest[: rest.index(delimiter) + len(delimiter)]
            entries.setdefault(subdir, {"subdir": subdir})
        else:
            entries[name] = objects[name].listing(name)
    return [entries[key] for key in sorted(entries)]


def _seeded_account() -> dict[str, _Bucket]:
    account = {}
    n = 0
    for container, objects in _SEED.items():
        bucket = _Bucket(last_modified=_SEED_TIME.format(day=1, hour=n % 10, minute=n))
        for name, size in objects:
            n += 1
            bucket.objects[name] = _seed_blob(name, size, n)
        account[container] = bucket
    return account


class ObjectStoreMemory(MemoryCore):
    def _account(self) -> dict[str, _Bucket]:
        return self._cloud.kept("swift", _seeded_account)

    def _bucket(self, name: str, operation: str = "show container") -> _Bucket:
        found = self._account().get(name)
        return self._present(found, f"Swift: container {name} not found.", operation)

    def _blob(self, container: str, name: str, operation: str) -> _Blob:
        found = self._bucket(container, operation).objects.get(name)
        return self._present(found, f"Swift: object {container}/{name} not found.", operation)

    def _stamp(self) -> str:
        self._cloud.serial()
        return cinder_time(self._cloud.now())  # Swift's listing form

    async def containers(
        self, *, page_size: int = DEFAULT_PAGE_SIZE
    ) -> AsyncIterator[list[models.Container]]:
        account = self._account()
        listed = [
            models.Container.from_api(account[name].listing(name)) for name in sorted(account)
        ]
        async for page in self._pages(listed, page_size):
            yield page

    async def container(self, name: str) -> models.Container:
        return models.Container.from_api(self._bucket(name).listing(name))

    async def create_container(self, name: str) -> models.Container:
        def create() -> None:
            # Swift answers 202 for a container that exists, and changes nothing.
            self._account().setdefault(name, _Bucket(last_modified=self._stamp()))

        await self._write("create-container", f"container {name}", create)
        return await self.container(name)

    async def delete_container(self, name: str) -> None:
        from tui.backend.swift import not_empty  # Swift's helpers: not on the start-up path

        def delete() -> None:
            bucket = self._bucket(name, "delete-container")
            if bucket.objects:
                raise not_empty(name, self.refused(409, "Conflict", "delete-container"))
            del self._account()[name]

        await self._write("delete-container", f"container {name}", delete)

    async def objects(
        self,
        container: str,
        *,
        prefix: str = "",
        delimiter: str = "",
        page_size: int = DEFAULT_PAGE_SIZE,
    ) -> AsyncIterator[list[models.SwiftObject]]:
        bucket = self._bucket(container, "list objects")
        entries = list_entries(bucket.objects, prefix, delimiter)
        listed = [models.SwiftObject.from_api(e, prefix, container) for e in entries]
        async for page in self._pages(listed, page_size):
            yield page

    async def delete_object(self, container: str, name: str) -> None:
        def delete() -> None:
            self._blob(container, name, "delete-object")
            del self._bucket(container).objects[name]

        await self._write("delete-object", f"object {container}/{name}", delete)

    async def upload_object(
        self,
        container: str,
        name: str,
        path: str,
        progress: Progress = no_progress,
        *,
        content_type: str = "",
    ) -> models.SwiftObject:
        from tui.backend.swift import content_type_for, upload_size

        size = upload_size(path)
        kind = content_type_for(path, content_type)

        def send() -> bytes:
            with open(path, "rb") as file:
                return b"".join(read_chunks(file, size, progress))

        # The bytes move in a worker thread, reporting progress from there like the real
        # backend does; a read-only backend refuses before reading anything.
        data = b"" if self._read_only else await asyncio.to_thread(send)

        def upload() -> None:
            bucket = self._bucket(container, "upload-object")
            bucket.objects[name] = _Blob(data, kind, self._stamp())

        await self._write("upload-object", f"object {container}/{name} ({size} bytes)", upload)
        blob = self._blob(container, name, "show object")
        return models.SwiftObject.from_api(blob.listing(name), container=container)

    async def download_object(
        self, container: str, name: str, path: str, progress: Progress = no_progress
    ) -> int:
        data = self._blob(container, name, "download object").data
        target = Path(path)

        def receive() -> int:
            partial = target.with_name(f".{target.name}.part")
            progress(0, len(data))
            try:
                with open(partial, "wb") as out:
                    for start in range(0, len(data), CHUNK):
                        out.write(data[start : start + CHUNK])
                        progress(min(start + CHUNK, len(data)), len(data))
                partial.replace(target)
            except BaseException:  # cancelled or failed: no partial file left behind
                partial.unlink(missing_ok=True)
                raise
            return len(data)

        return await asyncio.to_thread(receive)
