"""Shared by the contract modules: a lab with a member beside the admin, an SDK connection
to devcloud for set-up, and what a refusal must look like on every backend (the error class,
the HTTP status, the service's own words — the real backend prefixes them with the service's
name —, a request id, and what stackdeck was doing)."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Awaitable
from typing import Any

from tests.contract.conftest import Lab, open_lab
from tui.backend.errors import BackendError


async def refused(
    call: Awaitable[object],
    kind: type[BackendError],
    status: int,
    words: str,
    *,
    operation: str | None = None,
) -> BackendError:
    """Await a call the cloud must refuse; the refusal, checked."""
    try:
        answer = await call
    except BackendError as exc:
        error = exc
    else:
        raise AssertionError(f"not refused: {answer!r}")
    assert type(error) is kind, f"{type(error).__name__} is not {kind.__name__}: {error}"
    assert isinstance(error, BackendError)
    assert error.status == status, error.summary()
    assert error.message.endswith(words), f"{error.message!r} does not end with {words!r}"
    assert error.request_id, "a refusal names the request"
    if operation is not None:
        assert error.operation == operation
    return error


@contextlib.asynccontextmanager
async def two_users(kind: str, audit: Any = None) -> AsyncIterator[Lab]:
    """A lab whose owner is a project member without admin rights on both clouds: devcloud's
    `demo`, or a member's session on the same memory cloud as the admin's; closed after."""
    lab = await open_lab(kind, audit)
    if not lab.real:
        lab.owner = lab.admin.member()  # type: ignore[attr-defined]
    try:
        yield lab
    finally:
        for close in lab.closers:
            await close()


def devcloud_sdk(cloud: str) -> Any:
    """An openstacksdk connection to devcloud, for making what a test needs and the protocol
    has no call for (a port, a network without a router)."""
    import openstack
    from openstack.config import OpenStackConfig

    from tests.devcloud import CLOUDS

    config = OpenStackConfig(config_files=[str(CLOUDS)])
    return openstack.connection.Connection(config=config.get_one(cloud=cloud))
