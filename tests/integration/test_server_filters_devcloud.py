"""`:servers status=error host=compute1` against devcloud: the filtered list is one request
to Nova carrying the filters as query parameters (Nova does the filtering), and shows what
Nova lists for them; a project by name costs one Keystone list more; `r` asks for the
changes without the filters and drops a server that left ERROR."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import openstack
import pytest

from tests.app_helpers import settle, wait_for
from tests.contract.support import named
from tests.integration.test_requests_per_screen_devcloud import Sent, shown
from tui.app import StackdeckApp
from tui.backend.errors import NotFound
from tui.backend.models import BootSpec, Server
from tui.backend.openstack import OpenStackBackend
from tui.config import Settings

NAME = f"it-filters-{uuid.uuid4().hex[:6]}"


def with_queries(backend: OpenStackBackend) -> list[tuple[str, dict[str, Any]]]:
    """The path and query parameters of every request `backend` sends from now on."""
    sent: list[tuple[str, dict[str, Any]]] = []
    send = backend._send

    def recording(
        adapter: Any, method: str, service: str, path: str, kwargs: dict[str, Any]
    ) -> Any:
        sent.append((path, dict(kwargs.get("params") or {})))
        return send(adapter, method, service, path, kwargs)

    backend._send = recording  # type: ignore[method-assign]
    return sent


def nova_lists(**query: str) -> set[str]:
    """The server ids Nova lists for `query`, asked through openstacksdk's adapter."""
    conn = openstack.connect(cloud="devcloud-admin")
    try:
        params = {"all_tenants": 1, **query}
        reply = conn.compute.get("/servers/detail", params=params, microversion="2.90")
        return {s["id"] for s in reply.json()["servers"]}
    finally:
        conn.close()


async def test_a_filtered_server_list_is_one_request_to_nova(devcloud: Path) -> None:
    backend = OpenStackBackend("devcloud-admin")
    sent = Sent()
    backend.on_request = sent
    settings = Settings(cloud="devcloud-admin", refresh_seconds=0, start_resource="flavors")
    app = StackdeckApp(backend, settings)
    async with app.run_test(size=(160, 40)) as pilot:
        await shown(app, pilot, "flavors")
        await pilot.press("colon", *"servers", "enter")  # Nova's version discovery, once
        await shown(app, pilot, "servers")
        sent.take()
        queries = with_queries(backend)

        await pilot.press("colon", *"servers status=error host=compute1", "enter")
        screen = await shown(app, pilot, "servers")
        assert sent.take() == Counter({("GET", "compute", "/servers/detail"): 1})
        assert len(queries) == 1
        path, params = queries[0]
        assert path == "/servers/detail"
        assert {k: params.get(k) for k in ("status", "host", "all_tenants")} == {
            "status": "ERROR",
            "host": "compute1",
            "all_tenants": 1,
        }
        rows = list(screen.table.rows_in_view())
        assert all(r.status == "ERROR" and r.host == "compute1" for r in rows)
        assert {r.id for r in rows} == nova_lists(status="ERROR", host="compute1")
        assert "status=ERROR host=compute1" in screen.query_one("#crumbs").render().plain  # type: ignore[attr-defined]


async def test_a_project_by_name_is_one_keystone_list_and_one_nova_list(devcloud: Path) -> None:
    backend = OpenStackBackend("devcloud-admin")
    sent = Sent()
    backend.on_request = sent
    settings = Settings(cloud="devcloud-admin", refresh_seconds=0, start_resource="servers")
    app = StackdeckApp(backend, settings)
    async with app.run_test(size=(160, 40)) as pilot:
        await shown(app, pilot, "servers")
        await pilot.press("colon", *"projects", "enter")  # Keystone's versions, once
        await shown(app, pilot, "projects")
        demo = next(p for p in app.screen.table.rows_in_view() if p.name == "demo")  # type: ignore[attr-defined]
        sent.take()

        await pilot.press("colon", *"servers project=demo name=.", "enter")
        await settle(pilot, rounds=600)
        screen = await shown(app, pilot, "servers")
        calls = sent.take()
        assert calls == Counter(
            {("GET", "identity", "/projects"): 1, ("GET", "compute", "/servers/detail"): 1}
        ), calls
        rows = list(screen.table.rows_in_view())
        assert {r.project_id for r in rows} <= {demo.id}
        assert {r.id for r in rows} == nova_lists(project_id=demo.id)


@pytest.fixture
async def broken(admin: OpenStackBackend) -> AsyncIterator[Server]:
    """A server of the admin's project set to ERROR, deleted after the test."""
    flavor = await named(admin.flavors(), "m1.tiny")
    image = await named(admin.images(), "cirros-0.6.2-x86_64-disk")
    network = await named(admin.networks(), "demo-net")
    spec = BootSpec(name=NAME, flavor_id=flavor.id, image_id=image.id, network_ids=(network.id,))
    made = (await admin.create_servers(spec))[0]
    try:
        for _ in range(240):
            server = await admin.server(made.id)
            if server.status == "ACTIVE" and not server.task_state:
                break
            await asyncio.sleep(0.5)
        await admin.server_action(made.id, "reset_state", state="error")
        yield await admin.server(made.id)
    finally:
        with contextlib.suppress(NotFound):
            await admin.server_action(made.id, "delete")


async def test_refresh_drops_a_server_that_left_error(
    devcloud: Path, admin: OpenStackBackend, broken: Server
) -> None:
    backend = OpenStackBackend("devcloud-admin")
    settings = Settings(cloud="devcloud-admin", refresh_seconds=0, start_resource="flavors")
    app = StackdeckApp(backend, settings)
    async with app.run_test(size=(160, 40)) as pilot:
        await shown(app, pilot, "flavors")
        await pilot.press("colon", *f"servers status=ERROR name=^{NAME}$", "enter")
        screen = await shown(app, pilot, "servers")
        assert [r.id for r in screen.table.rows_in_view()] == [broken.id]
        await asyncio.sleep(1.5)  # Nova keeps updated_at to the second
        await admin.server_action(broken.id, "reset_state", state="active")
        queries = with_queries(backend)

        await pilot.press("r")
        await wait_for(pilot, lambda: bool(queries) and not screen.fetching, 400)
        await settle(pilot, rounds=200)
        assert not screen.table.has_key(broken.id)
        assert len(queries) == 1, queries  # the changes, without the filters
        path, params = queries[0]
        assert path == "/servers/detail" and "changes-since" in params
        assert "status" not in params and "name" not in params
