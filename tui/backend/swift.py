"""What both backends say the same way about Swift: its limits and its terse refusals."""

from __future__ import annotations

import mimetypes
import os

from tui.backend.errors import BackendError, Conflict

# One PUT holds at most 5 GiB; bigger objects need segments (SLO/DLO), not done here.
MAX_OBJECT_BYTES = 5 * 1024**3


def not_empty(container: str, exc: BackendError) -> Conflict:
    """Swift's 409 on deleting a container says only "Conflict": say what it means."""
    return Conflict(
        f"Swift: container {container} is not empty (HTTP 409); delete its objects first.",
        status=409,
        request_id=exc.request_id,
        operation=exc.operation,
    )


def too_large(path: str, size: int) -> BackendError:
    return BackendError(
        f"{path} is {size} bytes: objects over 5 GiB need segments (SLO/DLO), "
        "which stackdeck does not upload.",
        operation="upload-object",
    )


def content_type_for(path: str, given: str = "") -> str:
    """What to send as Content-Type: the operator's word, else a guess from the name."""
    return given or mimetypes.guess_type(path)[0] or "application/octet-stream"


def upload_size(path: str) -> int:
    """The size of a file to upload; one over 5 GiB is refused before anything is sent."""
    size = os.path.getsize(path)
    if size > MAX_OBJECT_BYTES:
        raise too_large(path, size)
    return size
