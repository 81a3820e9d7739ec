"""`r` on devcloud's real Nova asks only for what changed (changes-since): one request when
nothing changed, and a server renamed or deleted meanwhile shows up renamed or goes."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from tests.app_helpers import screen_text, settle, wait_for
from tests.contract.support import named
from tui.app import StackdeckApp
from tui.backend.errors import NotFound
from tui.backend.models import BootSpec, Server
from tui.backend.openstack import OpenStackBackend
from tui.config import Settings
from tui.screens.resource import ResourceScreen

NAME = f"it-changes-{uuid.uuid4().hex[:6]}"


@pytest.fixture
async def pair(demo: OpenStackBackend) -> AsyncIterator[list[Server]]:
    """Two ACTIVE servers of the demo project, deleted after the test."""
    flavor = await named(demo.flavors(), "m1.tiny")
    image = await named(demo.images(), "cirros-0.6.2-x86_64-disk")
    network = await named(demo.networks(), "demo-net")
    spec = BootSpec(
        name=NAME, flavor_id=flavor.id, image_id=image.id, count=2, network_ids=(network.id,)
    )
    made = await demo.create_servers(spec)
    try:
        for _ in range(240):
            servers = [await demo.server(s.id) for s in made]
            if all(s.status == "ACTIVE" and not s.task_state for s in servers):
                break
            await asyncio.sleep(0.5)
        yield servers
    finally:
        for server in made:
            with contextlib.suppress(NotFound):
                await demo.server_action(server.id, "delete")


def requests_of(backend: OpenStackBackend) -> list[tuple[str, str, dict[str, Any]]]:
    """Every HTTP request `backend` sends from now on: (method, path, params)."""
    sent: list[tuple[str, str, dict[str, Any]]] = []
    original = backend._request

    def counting(method: str, service: str, path: str, **kwargs: Any) -> Any:
        sent.append((method, path, dict(kwargs.get("params") or {})))
        return original(method, service, path, **kwargs)

    backend._request = counting  # type: ignore[method-assign]
    return sent


async def test_refresh_by_changes_on_real_nova(
    devcloud: Path, demo: OpenStackBackend, pair: list[Server]
) -> None:
    backend = OpenStackBackend("devcloud-demo")
    app = StackdeckApp(backend, Settings(refresh_seconds=0, start_resource="servers"))
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot, rounds=400)
        screen = app.screen
        assert isinstance(screen, ResourceScreen) and screen.loaded
        assert all(screen.table.has_key(s.id) for s in pair)
        sent = requests_of(backend)

        async def refresh() -> None:
            before = len(sent)
            await pilot.press("r")
            await wait_for(pilot, lambda: len(sent) > before and not screen.fetching, 400)
            await pilot.pause()

        await refresh()
        assert len(sent) == 1, sent  # nothing changed: one page of changes
        assert sent[0][1] == "/servers/detail" and "changes-since" in sent[0][2]

        renamed, deleted = pair
        await demo.server_action(renamed.id, "rename", name=f"{NAME}-renamed")
        await demo.server_action(deleted.id, "delete")
        for _ in range(120):
            try:
                await demo.server(deleted.id)
            except NotFound:
                break
            await asyncio.sleep(0.5)
        sent.clear()
        await refresh()
        assert len(sent) == 1, sent
        assert f"{NAME}-renamed" in screen_text(pilot)
        assert not screen.table.has_key(deleted.id)
        assert screen.table.has_key(renamed.id)
    await backend.close()
