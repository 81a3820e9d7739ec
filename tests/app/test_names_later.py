"""Names without per-row lookups: a list shows the ids of what it names (networks, servers,
projects) at once, asks for their names in one listing per kind in the background, and
draws the rows again with the names when that answers."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from typing import Any

from tests.app_helpers import demo_app, screen_text, settle, wait_for
from tui.screens.resource import ResourceScreen


def gated(backend: Any, method: str) -> tuple[asyncio.Event, list[dict[str, Any]]]:
    """`backend.method` waits for the event before its first page; its calls are kept."""
    gate = asyncio.Event()
    calls: list[dict[str, Any]] = []
    original: Callable[..., AsyncIterator[Any]] = getattr(backend, method)

    async def pages(**kwargs: Any) -> AsyncIterator[Any]:
        await gate.wait()
        async for page in original(**kwargs):
            yield page

    def waiting(**kwargs: Any) -> AsyncIterator[Any]:
        calls.append(kwargs)
        return pages(**kwargs)

    setattr(backend, method, waiting)
    return gate, calls


def current(app: Any) -> ResourceScreen:
    screen = app.screen
    assert isinstance(screen, ResourceScreen)
    return screen


async def test_a_list_shows_ids_first_and_their_names_once_one_listing_answers() -> None:
    app = demo_app(start="fips")
    backend = app.backend
    networks = {n.id: n.name for n in backend._cloud.networks}  # type: ignore[attr-defined]
    servers = {s.id: s.name for s in backend._cloud.servers}  # type: ignore[attr-defined]
    gate, calls = gated(backend, "networks")
    server_gate, server_calls = gated(backend, "servers")
    async with app.run_test(size=(160, 40)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, ResourceScreen))
        screen = current(app)
        await wait_for(pilot, lambda: screen.table.total_count > 0)
        rows = list(screen.table.rows_in_view())
        assert len(rows) > 2
        network_id = rows[0].network_id
        await wait_for(pilot, lambda: network_id in screen_text(pilot))
        assert networks[network_id] not in screen_text(pilot)
        assert screen.fetching, "the list waits for the names it asked for"

        gate.set()
        server_gate.set()
        await settle(pilot)
        text = screen_text(pilot)
        assert networks[network_id] in text and network_id not in text
        attached = next(r for r in rows if r.server_id)
        assert servers[attached.server_id] in text
        assert len(calls) == 1 and len(server_calls) == 1, "one listing per kind, not per row"

        await pilot.press("r")  # the names are known: a refresh lists nothing more for them
        await settle(pilot)
        assert len(calls) == 1 and len(server_calls) == 1


async def test_a_filter_finds_rows_by_the_names_learned() -> None:
    app = demo_app(start="fips")
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        screen = current(app)
        await pilot.press("slash", *"public")
        await pilot.pause()
        assert screen.table.rows_in_view(), "the Network column's names are searched"


async def test_migrations_name_their_servers_from_one_listing() -> None:
    app = demo_app(start="hv")
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        backend = app.backend
        cloud = backend._cloud  # type: ignore[attr-defined]
        moved = [s for s in cloud.servers if s.host and s.status == "ACTIVE"][:3]
        for server in moved:
            await backend.migrate(server.id, "")
            await backend.server(server.id)
            await backend.confirm_resize(server.id)
        shows: list[str] = []
        show = backend.server

        async def counted_show(server_id: str) -> Any:
            shows.append(server_id)
            return await show(server_id)

        backend.server = counted_show  # type: ignore[method-assign]
        gate, calls = gated(backend, "servers")
        gate.set()
        await pilot.press("colon", *"migrations", "enter")
        await settle(pilot)
        screen = current(app)
        assert screen.resource.name == "migrations"
        assert len(screen.table.rows_in_view()) == len(moved)
        assert shows == [], "no server is shown one by one to name it"
        assert len(calls) == 1, "one listing of the servers names them all"
        text = screen_text(pilot)
        assert all(server.name in text for server in moved)


async def test_the_servers_list_names_the_servers_other_lists_show() -> None:
    app = demo_app(start="servers")
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        backend = app.backend
        gate, calls = gated(backend, "servers")
        gate.set()
        await pilot.press("colon", *"fips", "enter")
        await settle(pilot)
        screen = current(app)
        attached = next(r for r in screen.table.rows_in_view() if r.server_id)
        assert screen.context.names.server(attached.server_id) in screen_text(pilot)
        assert calls == [], "the server list shown first named them: no listing for names"


async def test_a_server_deleted_in_a_refresh_is_named_as_gone() -> None:
    app = demo_app(start="servers")
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        screen = current(app)
        gone = next(iter(screen.table.rows_in_view()))
        await app.backend.server_action(gone.id, "delete")
        await pilot.press("r")
        await wait_for(pilot, lambda: not screen.table.has_key(gone.id))
        assert screen.context.names.server(gone.id) == f"(deleted) {gone.id[:8]}"
