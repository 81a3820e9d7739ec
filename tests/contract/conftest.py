"""The contract suite: the same test bodies against the memory backend and devcloud's real
services. Where the two disagree, the real service is right: the memory backend is fixed.

A module's `lab` fixture is parametrised over both clouds; the devcloud parameter is marked
`integration` (it brings devcloud up like tests/integration does, and never stops it).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import pytest
import pytest_asyncio

from tests.devcloud import devcloud_up
from tui.backend.audit import AuditLog
from tui.backend.base import Backend
from tui.backend.errors import NotFound
from tui.backend.models import Server

T = TypeVar("T")
CIRROS = "cirros-0.6.2-x86_64-disk"

CLOUDS = [
    pytest.param("memory", id="memory"),
    pytest.param("devcloud", id="devcloud", marks=pytest.mark.integration),
]


@dataclass
class Lab:
    """One cloud for a contract module: an admin, the project user who boots, and how long
    to wait for the cloud to act."""

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


async def collect(pages: AsyncIterator[list[T]]) -> list[T]:
    return [item async for page in pages for item in page]


async def named(pages: AsyncIterator[list[Any]], name: str) -> Any:
    return next(item for item in await collect(pages) if item.name == name)


async def open_lab(kind: str, audit: Any = None) -> Lab:
    if kind == "memory":
        from tui.backend.memory import MemoryBackend

        memory = MemoryBackend(audit=audit)
        return Lab("memory", memory, memory)
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


# -- a module's cloud: every module that asks for `lab` runs on both ---------------------------


@pytest.fixture(scope="module")
def audit(tmp_path_factory: pytest.TempPathFactory) -> AuditLog:
    """The module's audit log: both backends of a lab write to it."""
    return AuditLog(tmp_path_factory.mktemp("audit") / "audit.jsonl")


@pytest_asyncio.fixture(scope="module", loop_scope="module", params=CLOUDS)
async def lab(request: pytest.FixtureRequest, audit: AuditLog) -> AsyncIterator[Lab]:
    lab = await open_lab(request.param, audit)
    try:
        yield lab
    finally:
        for close in lab.closers:
            await close()


async def gone(lab: Lab, server_id: str) -> bool:
    try:
        await lab.admin.server(server_id)
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
