"""Shared by the contract modules: a lab with a member beside the admin, an SDK connection
to devcloud for set-up, and what a refusal must look like on every backend (the error class,
the HTTP status, the service's own words — the real backend prefixes them with the service's
name —, a request id, and what stackdeck was doing)."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Awaitable, Iterable
from typing import Any

import pytest
import pytest_asyncio

from tests.contract.conftest import CLOUDS, Lab, open_lab
from tui.backend.errors import BackendError, NotFound


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


@pytest_asyncio.fixture(scope="module", loop_scope="module", params=CLOUDS)
async def member_lab(request: pytest.FixtureRequest) -> AsyncIterator[Lab]:
    """A module's two-user lab (`lab = member_lab` in the module), on each cloud."""
    async with two_users(request.param) as lab:
        yield lab


async def undo(deletes: Iterable[Awaitable[object]]) -> None:
    """Clean up: each delete in turn, whether or not what it deletes is still there."""
    for delete in deletes:
        with contextlib.suppress(NotFound):
            await delete


def devcloud_sdk(cloud: str) -> Any:
    """An openstacksdk connection to devcloud, for making what a test needs and the protocol
    has no call for (a port, a network without a router)."""
    import openstack
    from openstack.config import OpenStackConfig

    from tests.devcloud import CLOUDS

    config = OpenStackConfig(config_files=[str(CLOUDS)])
    return openstack.connection.Connection(config=config.get_one(cloud=cloud))


def lab_without(service: str) -> Any:
    """The two-user lab fixture of a module whose service devcloud does not run (yet): its
    devcloud parameter skips, saying so (`lab = lab_without("orchestration")`)."""

    @pytest_asyncio.fixture(scope="module", loop_scope="module", params=CLOUDS)
    async def lab(request: pytest.FixtureRequest) -> AsyncIterator[Lab]:
        if request.param == "devcloud":
            reason = f"devcloud runs no {service} service"
            print(f"\ndevcloud: {reason}: only the memory backend answers this module")
            pytest.skip(reason)
        async with two_users(request.param) as opened:
            yield opened

    return lab
