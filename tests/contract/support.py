"""Plain helpers shared by the contract modules: lists, waiting for the cloud, cleaning up,
what a refusal must look like on every backend (the error class, the HTTP status, the
service's own words — the real backend prefixes them with the service's name —, a request
id, and what stackdeck was doing), the audit log's view of a lab, and an openstacksdk
connection to devcloud for set-up.

The clouds, the `Lab` and the fixtures (`audit`, `lab`, `lab_without`) are in
tests/contract/conftest.py.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from tui.backend.audit import AuditLog
from tui.backend.errors import BackendError, NotFound
from tui.backend.models import Server

if TYPE_CHECKING:
    from tests.contract.conftest import Lab

T = TypeVar("T")


# -- lists ------------------------------------------------------------------------------------


async def collect(pages: AsyncIterator[list[T]]) -> list[T]:
    return [item async for page in pages for item in page]


async def named(pages: AsyncIterator[list[Any]], name: str) -> Any:
    return next(item for item in await collect(pages) if item.name == name)


# -- waiting and cleaning up ------------------------------------------------------------------


async def gone(show: Callable[[str], Awaitable[Any]], ident: str) -> bool:
    """Whether `show(ident)` answers 404 (polled with `Lab.until` after a delete)."""
    try:
        await show(ident)
    except NotFound:
        return True
    return False


async def settled(lab: Lab, server_id: str, status: str) -> Server:
    """The server in `status` with no task running, as the admin sees it."""
    return await lab.until(
        lambda: lab.admin.server(server_id),
        lambda s: s.status == status and not s.task_state,
        f"server {status}",
    )


async def undo(deletes: Iterable[Awaitable[object]]) -> None:
    """Clean up: each delete in turn, whether or not what it deletes is still there."""
    for delete in deletes:
        with contextlib.suppress(NotFound):
            await delete


@dataclass
class OnLab:
    """A module's work on its lab, with the lab's admin and owner at hand; a module subclasses
    it with what it made (to delete at the end)."""

    lab: Lab

    @property
    def admin(self) -> Any:
        return self.lab.admin

    @property
    def owner(self) -> Any:
        return self.lab.owner


# -- refusals ---------------------------------------------------------------------------------


async def refused(
    call: Awaitable[object],
    kind: type[BackendError],
    status: int,
    words: str,
    *,
    operation: str | None = None,
    anywhere: bool = False,
) -> BackendError:
    """Await a call the cloud must refuse; the refusal, checked. The message ends with the
    service's `words`, or with `anywhere` holds them somewhere (where a service passes on
    another's refusal wrapped in its own words)."""
    try:
        answer = await call
    except BackendError as exc:
        error = exc
    else:
        raise AssertionError(f"not refused: {answer!r}")
    assert type(error) is kind, f"{type(error).__name__} is not {kind.__name__}: {error}"
    assert isinstance(error, BackendError)
    assert error.status == status, error.summary()
    if anywhere:
        assert words in error.message, f"{error.message!r} does not hold {words!r}"
    else:
        assert error.message.endswith(words), f"{error.message!r} does not end with {words!r}"
    assert error.request_id, "a refusal names the request"
    if operation is not None:
        assert error.operation == operation
    return error


def policy(rule: str) -> str:
    """Nova's words for a policy refusal."""
    return f"Policy doesn't allow {rule} to be performed."


# -- the audit log ----------------------------------------------------------------------------


def audited(audit: AuditLog, lab: Lab) -> list[tuple[str, str]]:
    """The lab's writes in the audit log: (action, "ok" or the HTTP status), each with a
    request id."""
    clouds = {lab.admin.info.cloud, lab.owner.info.cloud}
    records = [r for r in audit.records() if r.cloud in clouds]
    assert all(r.request_id.startswith("req-") for r in records), records
    return [(r.action, "ok" if r.result == "ok" else r.result.split(" ")[1]) for r in records]


# -- set-up on devcloud -----------------------------------------------------------------------


def devcloud_sdk(cloud: str) -> Any:
    """An openstacksdk connection to devcloud, for making what a test needs and the protocol
    has no call for (a port, a network without a router, an admin's reset-state)."""
    import openstack
    from openstack.config import OpenStackConfig

    from tests.devcloud import CLOUDS

    config = OpenStackConfig(config_files=[str(CLOUDS)])
    return openstack.connection.Connection(config=config.get_one(cloud=cloud))
