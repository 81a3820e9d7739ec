"""Servers in a Nova cell that is down: the partial records of Nova's API samples parse into
a row that says so, nothing may be done to them, and the real backend asks its first page
the way Nova shows them (no limit), its next pages never from a marker Nova cannot read."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from tui.backend import states
from tui.backend.models import Server
from tui.backend.openstack.cells import next_marker, shows_down_cells
from tui.resource import Action, View, in_context
from tui.screens.resources.servers import SERVERS

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "api"
DOWN = "5b0a6d1e-77c4-4f1e-9d1e-0c3a9e2f6b11"


def load(name: str) -> Any:
    return json.loads((FIXTURES / f"{name}.json").read_text())


def listed() -> list[Server]:
    return [
        Server.from_api(d, {"940f47b984034c7f8f9624ab28f5643c": "demo"})
        for d in load("servers_detail_down_cell")["servers"]
    ]


def test_a_listed_partial_record_is_a_row_that_says_its_cell_is_down() -> None:
    down, healthy = listed()
    assert down.cell_down and not healthy.cell_down
    assert (down.id, down.status, down.project, down.created) == (
        DOWN,
        "UNKNOWN",
        "demo",
        "2026-11-30T09:14:02Z",
    )
    assert down.name == f"(cell down) {DOWN}"
    assert (down.host, down.flavor, down.power_state, down.address_text) == ("?",) * 4
    assert down.task_state == "" and down.addresses == ()
    assert healthy.name == "healthy-1" and healthy.address_text == "10.0.0.7"


def test_a_shown_partial_record_keeps_what_nova_still_knows() -> None:
    server = Server.from_api(load("server_show_down_cell")["server"])
    assert server.cell_down and server.name == f"(cell down) {DOWN}"
    assert (server.flavor, server.image, server.user_id) == (
        "m1.tiny",
        "70a599e0-31e7-49b7-b260-868f441e862b",
        "9a2d3e0f5c6b4a7d8e9f0a1b2c3d4e5f",
    )
    assert server.availability_zone == "?"  # Nova's "UNKNOWN": no zone asked at boot
    assert server.power_state == "?" and server.raw["server_groups"]


def test_nothing_may_be_done_to_it_whatever_the_predicate() -> None:
    down, healthy = listed()
    assert states.unavailable(down) == states.CELL_DOWN
    assert states.unavailable(healthy) is None
    assert all(states.refusal(a, down) == "status UNKNOWN" for a in states.SERVER_RULES)
    offered = [a for a in SERVERS.actions if a.on_row and a.when(down)]
    assert offered == []
    assert [v for v in SERVERS.views if v.when(down)] == []
    assert any(a.when(healthy) for a in SERVERS.actions if a.on_row)
    # an action declared later, and one bound to its context, are gated the same way
    assert not Action("x", "x", "x", lambda b, r, v: None).when(down)
    bound = View("y", "y", "y", lambda r: None, in_context(lambda context, row: True))
    from tui.resource import bind

    assert not bind(bound, object()).when(down)  # type: ignore[arg-type]


def test_the_first_page_is_asked_as_nova_shows_down_cells() -> None:
    assert shows_down_cells({}, 1000) and shows_down_cells({"all_tenants": 1}, 1000)
    assert not shows_down_cells({"all_tenants": 1, "host": "c1"}, 1000)
    assert not shows_down_cells({"status": "ERROR"}, 1000)
    assert not shows_down_cells({}, 2)  # a small page needs limit: Nova skips them then


def test_a_marker_nova_cannot_read_is_never_sent() -> None:
    down, healthy = listed()
    assert next_marker([down, healthy], healthy.id) == healthy.id
    assert next_marker([healthy, down], down.id) == healthy.id
    assert next_marker([down], down.id) is None
    assert next_marker([healthy], None) is None


class FakeNova:
    """The real backend's servers list over canned pages; the queries it sent."""

    def __init__(self, pages: list[dict[str, Any]]) -> None:
        self.pages = pages
        self.queries: list[dict[str, Any]] = []


@pytest.fixture
def backend(monkeypatch: pytest.MonkeyPatch) -> Any:
    from tui.backend.openstack import OpenStackBackend

    backend = OpenStackBackend("nowhere")
    down, healthy = load("servers_detail_down_cell")["servers"]
    nova = FakeNova(
        [
            {
                "servers": [down, healthy],
                "servers_links": [
                    {"rel": "next", "href": f"/servers/detail?marker={healthy['id']}"}
                ],
            },
            {"servers": [{**healthy, "id": "x2", "name": "healthy-2"}]},
        ]
    )

    def request(method: str, service: str, path: str, *, params: Any = None, **_: Any) -> Any:
        nova.queries.append(dict(params or {}))
        body = nova.pages[len(nova.queries) - 1]
        return SimpleNamespace(content=json.dumps(body).encode(), status_code=200, headers={})

    monkeypatch.setattr(backend, "_request", request)
    monkeypatch.setattr(backend, "_servers_mv", lambda: "2.90")
    monkeypatch.setattr(backend, "_names", lambda: {})
    backend.nova = nova
    return backend


async def test_the_real_backend_lists_them_first_page_without_limit(backend: Any) -> None:
    rows = [s async for page in backend.servers(all_projects=True) for s in page]
    assert [s.name for s in rows] == [f"(cell down) {DOWN}", "healthy-1", "healthy-2"]
    first, second = backend.nova.queries
    assert first == {"all_tenants": 1}
    assert second == {
        "all_tenants": 1,
        "limit": 1000,
        "marker": "e1b2c3d4-1111-4a4a-8b8b-2c2c2c2c2c2c",
    }
