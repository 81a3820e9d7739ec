"""Image data on the local side: checking a download against Glance's checksums, cleaning up.

Both backends use it, so a download is verified the same way on the demo and the real cloud.
"""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Iterable
from pathlib import Path

from tui.backend import models
from tui.backend.errors import BackendError
from tui.backend.transfer import Progress


class Checksums:
    """The digest Glance gives for an image: os_hash_value (os_hash_algo), else md5 checksum."""

    def __init__(self, image: models.Image) -> None:
        raw = image.raw
        self.algorithm = str(raw.get("os_hash_algo") or "") if raw.get("os_hash_value") else ""
        self.expected = str(raw.get("os_hash_value") or "")
        if not self.algorithm and raw.get("checksum"):
            self.algorithm, self.expected = "md5", str(raw["checksum"])
        self._hash = hashlib.new(self.algorithm) if self.algorithm else None

    def update(self, chunk: bytes) -> None:
        if self._hash is not None:
            self._hash.update(chunk)

    def result(self, path: str, size: int) -> models.Download:
        """What was downloaded; a mismatch is an error (the caller removes the file)."""
        digest = self._hash.hexdigest() if self._hash is not None else ""
        if self.algorithm and digest != self.expected:
            raise BackendError(
                f"{self.algorithm} of the downloaded data is {digest}, Glance says "
                f"{self.expected}: the partial file was removed.",
                operation="download image",
            )
        return models.Download(path, size, self.algorithm, digest, bool(self.algorithm))


def remove_partial(path: Path) -> None:
    with contextlib.suppress(OSError):
        path.unlink()


def refuse_overwrite(path: str, overwrite: bool) -> Path:
    """The download's target; an existing file only when the operator said to replace it."""
    target = Path(path).expanduser()
    if target.exists() and not overwrite:
        raise BackendError(f"{target} exists; not overwritten.", operation="download image")
    if target.is_dir():
        raise BackendError(f"{target} is a directory.", operation="download image")
    return target


def save(
    target: Path,
    chunks: Iterable[bytes],
    image: models.Image,
    total: int | None,
    progress: Progress,
) -> models.Download:
    """Write an image's data into ``target`` chunk by chunk, reporting progress and checking
    Glance's digest; a failed, mismatched or cancelled download leaves no file behind."""
    sums = Checksums(image)
    done = 0
    try:
        with target.open("wb") as out:
            progress(0, total)
            for chunk in chunks:
                out.write(chunk)
                sums.update(chunk)
                done += len(chunk)
                progress(done, total)
        return sums.result(str(target), done)
    except BaseException:
        remove_partial(target)
        raise
