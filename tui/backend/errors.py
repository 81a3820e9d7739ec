"""One error family for everything the backend raises to the UI."""

from __future__ import annotations

from tui.text import safe


class BackendError(Exception):
    """A failed cloud call: what was attempted, HTTP status, the service's message, request id.

    ``maybe_done``: a write whose answer was lost or unreadable, which the cloud may have
    carried out all the same; the screen reloads to show what is really there.
    """

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        request_id: str | None = None,
        operation: str = "",
        maybe_done: bool = False,
    ) -> None:
        # what failed is often told in the cloud's or an SSH server's own words: gated here
        message = safe(message, multiline=True)
        super().__init__(message)
        self.message = message
        self.status = status
        self.request_id = safe(request_id) if request_id else request_id
        self.operation = safe(operation)
        self.maybe_done = maybe_done

    def summary(self) -> str:
        """One readable line block for a notification: what, status, why, request id."""
        head = f"{self.operation} failed" if self.operation else "Request failed"
        if self.status:
            head += f" (HTTP {self.status})"
        lines = [head, self.message]
        if self.request_id:
            lines.append(f"request id: {self.request_id}")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.summary()


class NotFound(BackendError):
    """404: the resource does not exist (any more)."""


class Forbidden(BackendError):
    """403: the credentials lack the right (often: needs admin)."""


class Unauthorized(BackendError):
    """401 or failed authentication."""


class Conflict(BackendError):
    """409: the resource is in a state that does not allow this."""


class ConnectionLost(BackendError):
    """The cloud could not be reached at all."""


class ConfigError(BackendError):
    """The cloud is not configured (unknown cloud name, missing auth)."""


class ReadOnlyError(BackendError):
    """A write was attempted while stackdeck runs read-only."""


_BY_STATUS: dict[int, type[BackendError]] = {
    401: Unauthorized,
    403: Forbidden,
    404: NotFound,
    409: Conflict,
}


def error_for_status(
    status: int | None, message: str, *, request_id: str | None = None, operation: str = ""
) -> BackendError:
    cls = _BY_STATUS.get(status or 0, BackendError)
    return cls(message, status=status, request_id=request_id, operation=operation)
