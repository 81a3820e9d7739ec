"""Progress of a long byte transfer (image upload/download, object upload/download).

Backends call a `Progress` from their worker thread as bytes move; the UI marshals it to its
own thread. `total` is None when the size is not known in advance.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import BinaryIO

from tui.backend.errors import BackendError

Progress = Callable[[int, "int | None"], None]  # (bytes done, bytes total or None)

CHUNK = 1 << 20


def no_progress(_done: int, _total: int | None) -> None:
    """The default `Progress`: nobody is watching."""


def read_chunks(file: BinaryIO, total: int | None, progress: Progress) -> Iterator[bytes]:
    """`file` in CHUNK-sized pieces, reporting each one (a request body that shows progress)."""
    done = 0
    progress(0, total)
    while chunk := file.read(CHUNK):
        done += len(chunk)
        progress(done, total)
        yield chunk


# -- stopping a transfer ------------------------------------------------------------


class TransferCancelled(BackendError):
    """Raised by a `Progress` callback to stop a transfer; the backend cleans up and re-raises."""


def watched(progress: Progress) -> tuple[Progress, list[bool]]:
    """`progress`, plus a flag list that says whether it asked to stop (an SDK may wrap errors)."""
    stopped: list[bool] = []

    def report(done: int, total: int | None) -> None:
        try:
            progress(done, total)
        except TransferCancelled:
            stopped.append(True)
            raise

    return report, stopped
