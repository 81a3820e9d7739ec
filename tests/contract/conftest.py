"""The contract suite: the same test bodies against the memory backend and devcloud's real
services. Where the two disagree, the real service is right: the memory backend is fixed.

This module holds the clouds, the `Lab` and the fixtures; plain helpers (refusals, waiting,
lists, set-up through openstacksdk) are in tests/contract/support.py.

A module's `lab` fixture is parametrised over both clouds; the devcloud parameter is marked
`integration` (it brings devcloud up like tests/integration does, and never stops it). A lab
has two users on one cloud: an admin, and a project member without admin rights in another
project (devcloud's `demo`, or the memory backend's `member()` session).
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import pytest
import pytest_asyncio

from tests.contract.support import named
from tests.devcloud import devcloud_up
from tui.backend.audit import AuditLog
from tui.backend.base import Backend

T = TypeVar("T")
CIRROS = "cirros-0.6.2-x86_64-disk"

CLOUDS = [
    pytest.param("memory", id="memory"),
    pytest.param("devcloud", id="devcloud", marks=pytest.mark.integration),
]


@dataclass
class Lab:
    """One cloud for a contract module: an admin, the project member who boots and owns
    what a module makes, and how long to wait for the cloud to act."""

    name: str
    admin: Backend
    owner: Backend
    network_ids: tuple[str, ...] = ()
    pause: float = 0.0  # between polls
    timeout: float = 5.0
    closers: list[Callable[[], Awaitable[None]]] = field(default_factory=list)

    @property
    def real(self) -> bool:
        return self.name == "devcloud"

    async def until(
        self, fetch: Callable[[], Awaitable[T]], done: Callable[[T], bool], what: str
    ) -> T:
        deadline = time.monotonic() + self.timeout
        while True:
            value = await fetch()
            if done(value):
                return value
            if time.monotonic() > deadline:
                raise AssertionError(f"{self.name}: timed out waiting for {what}: {value!r}")
            await asyncio.sleep(self.pause)


async def open_lab(kind: str, audit: Any = None) -> Lab:
    """The admin and the project member of `kind`'s cloud, connected."""
    if kind == "memory":
        from tui.backend.memory import MemoryBackend

        memory = MemoryBackend(audit=audit)
        return Lab("memory", memory, memory.member())
    from tui.backend.openstack import OpenStackBackend

    with devcloud_up():
        admin = OpenStackBackend("devcloud-admin", audit=audit)
        demo = OpenStackBackend("devcloud-demo", audit=audit)
        await admin.connect()
        await demo.connect()
    network = await named(demo.networks(), "demo-net")
    lab = Lab("devcloud", admin, demo, (network.id,), pause=0.5, timeout=120)
    lab.closers += [admin.close, demo.close]
    return lab


@contextlib.asynccontextmanager
async def opened(kind: str, audit: Any = None) -> AsyncIterator[Lab]:
    """`open_lab`, closed after."""
    lab = await open_lab(kind, audit)
    try:
        yield lab
    finally:
        for close in lab.closers:
            await close()


# -- a module's cloud: every module that asks for `lab` runs on both ---------------------------


@pytest.fixture(scope="module")
def audit(tmp_path_factory: pytest.TempPathFactory) -> AuditLog:
    """The module's audit log: both backends of a lab write to it."""
    return AuditLog(tmp_path_factory.mktemp("audit") / "audit.jsonl")


@pytest_asyncio.fixture(scope="module", loop_scope="module", params=CLOUDS)
async def lab(request: pytest.FixtureRequest, audit: AuditLog) -> AsyncIterator[Lab]:
    async with opened(request.param, audit) as lab:
        yield lab


def lab_without(service: str) -> Any:
    """The `lab` fixture of a module whose service devcloud does not run (yet): its devcloud
    parameter skips, saying so (`lab = lab_without("orchestration")` in the module)."""

    @pytest_asyncio.fixture(scope="module", loop_scope="module", params=CLOUDS)
    async def lab(request: pytest.FixtureRequest, audit: AuditLog) -> AsyncIterator[Lab]:
        if request.param == "devcloud":
            reason = f"devcloud runs no {service} service"
            print(f"\ndevcloud: {reason}: only the memory backend answers this module")
            pytest.skip(reason)
        async with opened(request.param, audit) as opened_lab:
            yield opened_lab

    return lab
