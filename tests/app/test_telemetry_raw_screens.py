"""Telemetry (Gnocchi) drill-down to measures, and the raw API browser, driven by keys."""

from __future__ import annotations

from textual.pilot import Pilot
from textual.widgets import Input, Sparkline

from tests.app_helpers import demo_app, screen_text, select, settle, wait_for
from tui.screens import raw
from tui.screens.measures import MeasuresScreen
from tui.screens.raw import RawScreen
from tui.screens.resource import ResourceScreen


async def command(pilot: Pilot[None], name: str) -> None:
    await pilot.press("colon", *name, "enter")
    await settle(pilot)


async def open_measures(pilot: Pilot[None], name: str = "web-01") -> MeasuresScreen:
    await command(pilot, "metrics")
    await select(pilot, name)
    await pilot.press("enter")
    await settle(pilot)
    await select(pilot, "memory.usage")
    await pilot.press("enter")
    screen = pilot.app.screen
    assert isinstance(screen, MeasuresScreen)
    await wait_for(pilot, lambda: screen.loaded)
    return screen


async def test_metrics_drill_down_to_measures_with_chart() -> None:
    app = demo_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await command(pilot, "telemetry")
        text = screen_text(pilot)
        assert "Telemetry resources" in text and "instance" in text
        listed = app.screen
        assert isinstance(listed, ResourceScreen)
        assert {r.type for r in listed.table.rows_in_view()} == {"instance", "nova_compute"}
        await select(pilot, "web-01")
        await pilot.press("enter")
        await settle(pilot)
        text = screen_text(pilot)
        assert "instance web-01" in text
        for name in ("cpu", "memory.usage", "vcpus", "ceilometer-medium"):
            assert name in text
        await select(pilot, "memory.usage")
        await pilot.press("enter")
        screen = app.screen
        assert isinstance(screen, MeasuresScreen)
        await wait_for(pilot, lambda: screen.loaded)
        text = screen_text(pilot)
        assert "memory.usage (MB)" in text and "mean · every 1m · last 1h  [61]" in text
        assert "2026-01-08 12:00:00" in text  # newest first
        chart = screen.query_one("#chart", Sparkline)
        assert len(list(chart.data or [])) == 61

        await pilot.press("a")
        await wait_for(pilot, lambda: screen.loaded and screen.wanted.aggregation == "max")
        assert "max · every 1m" in screen_text(pilot)
        await pilot.press("w")
        await wait_for(pilot, lambda: screen.loaded and screen.wanted.window == "24h")
        assert "last 24h  [1441]" in screen_text(pilot)
        await pilot.press("t")  # next granularity the archive policy keeps
        await wait_for(pilot, lambda: screen.loaded and screen.wanted.granularity == 3600.0)
        assert "every 1h · last 24h  [25]" in screen_text(pilot)
        await pilot.press("d")
        await pilot.pause(0.2)
        assert "ceilometer-medium" in screen_text(pilot) and "1 day, 0:00:00" in screen_text(pilot)
        await pilot.press("escape")
        await pilot.press("escape")
        assert isinstance(app.screen, ResourceScreen)


async def test_unknown_aggregation_shows_the_error_not_a_traceback() -> None:
    app = demo_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = await open_measures(pilot)
        for _ in range(5):  # mean → max → min → last → sum → count
            await pilot.press("a")
            await wait_for(pilot, lambda: screen.loaded)
        assert screen.wanted.aggregation == "count"
        assert screen.error is None


async def test_server_cross_link_to_its_metrics() -> None:
    app = demo_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await select(pilot, "db-02")
        await pilot.press("M")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ResourceScreen) and screen.resource.name == "resource-metrics"
        text = screen_text(pilot)
        assert "server db-02" in text and "memory.usage" in text


async def test_no_telemetry_service_says_why() -> None:
    app = demo_app(services=("compute", "identity", "network", "metering"))
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        await command(pilot, "metrics")
        text = screen_text(pilot)
        assert "This cloud's catalog has no Telemetry (Gnocchi) service (metric)." in text
        assert "Ceilometer's own API (metering) was removed upstream." in text
    app = demo_app(services=("compute", "identity"))
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        await command(pilot, "gnocchi")
        text = screen_text(pilot)
        assert "no Telemetry (Gnocchi) service (metric)" in text and "Ceilometer" not in text


async def open_raw(pilot: Pilot[None], label: str) -> RawScreen:
    await command(pilot, "raw")
    await select(pilot, label)
    await pilot.press("enter")
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, RawScreen)
    return screen


async def get(pilot: Pilot[None], screen: RawScreen, path: str) -> None:
    box = screen.query_one("#path", Input)
    box.focus()
    box.value = path
    before = screen.requests
    await pilot.press("enter")
    await wait_for(pilot, lambda: screen.requests > before and not screen.fetching)


async def test_raw_browser_get_search_and_follow_next() -> None:
    app = demo_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = await open_raw(pilot, "compute public")
        assert screen.query_one("#path", Input).value == "/servers/detail?limit=20"
        await get(pilot, screen, "/servers/detail?limit=5")
        text = screen_text(pilot)
        assert "200 OK" in text and "request id req-" in text
        assert "GET http://cloud.example.org:8774/v2.1/servers" in text
        assert text.index('"servers": [') < text.index("esc Back")  # shown from the top
        assert '"servers": [' in text and "[> next page]" in text
        assert screen.response is not None
        first = [s["name"] for s in screen.response.json()["servers"]]
        assert len(first) == 5

        await pilot.press("slash", *"tenant_id", "enter")
        found = len(screen.view.matches)
        assert screen.view.search_text == "tenant_id" and found >= 5  # one per server at least
        assert f"search 'tenant_id': 1/{found}" in screen_text(pilot)
        await pilot.press("n")
        assert screen.view.current == 1
        await pilot.press("N", "N")
        assert screen.view.current == found - 1

        await pilot.press("greater_than_sign")
        await wait_for(pilot, lambda: screen.requests == 2 and not screen.fetching)
        assert screen.response.path.startswith("/servers/detail?limit=5&marker=")
        second = [s["name"] for s in screen.response.json()["servers"]]
        assert len(second) == 5 and not set(second) & set(first)
        assert raw.history(app.context)["compute"][0] == screen.response.path


async def test_raw_browser_bad_path_keeps_what_was_typed_and_sends_nothing() -> None:
    app = demo_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = await open_raw(pilot, "network public")
        box = screen.query_one("#path", Input)
        box.value = "/v2.0/../../etc/passwd"
        await pilot.press("enter")
        await pilot.pause()
        assert screen.requests == 0 and screen.response is None
        assert box.value == "/v2.0/../../etc/passwd"
        assert "'..' would leave the endpoint" in screen_text(pilot)
        box.value = "http://evil.example/v2.0/networks"
        await pilot.press("enter")
        await pilot.pause()
        assert screen.requests == 0 and box.value == "http://evil.example/v2.0/networks"
        assert "not a URL" in screen_text(pilot)


async def test_raw_browser_shows_a_404_with_its_request_id() -> None:
    app = demo_app(read_only=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = await open_raw(pilot, "identity public")
        await get(pilot, screen, "/v3/nothing-here")
        text = screen_text(pilot)
        assert "404 Not Found" in text and "The resource could not be found." in text
        assert screen.response is not None and screen.response.request_id in text
        await pilot.press("H")
        text = screen_text(pilot)
        assert "all headers" in text and "X-Openstack-Request-Id: req-" in text
        assert "Content-Type: application/json" in text and "itemNotFound" not in text
        await pilot.press("H")
        assert "itemNotFound" in screen_text(pilot)
        await get(pilot, screen, "/v3/projects")  # read-only still reads
        assert screen.response.status == 200 and '"projects"' in screen_text(pilot)
        assert app.backend.writes == []  # type: ignore[attr-defined]


async def test_raw_browser_saves_the_json(tmp_path: object) -> None:
    from pathlib import Path

    app = demo_app()
    target = Path(str(tmp_path)) / "nets.json"
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = await open_raw(pilot, "network public")
        await get(pilot, screen, "/v2.0/networks")
        await pilot.press("w")
        await pilot.pause()
        field = app.screen.query_one(Input)
        field.value = str(target)
        await pilot.press("enter")
        await wait_for(pilot, target.exists)
        assert '"networks": [' in target.read_text()


async def test_raw_browser_links_and_history_pickers() -> None:
    app = demo_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = await open_raw(pilot, "image public")
        await get(pilot, screen, "/v2/images?limit=2")
        assert screen.response is not None
        rels = [rel for rel, _ in screen.response.links()]
        assert rels[0] == "next" and "first" in rels
        await pilot.press("L")
        await pilot.pause()
        assert isinstance(app.screen, raw.ChoiceScreen)
        assert "next" in screen_text(pilot) and "/v2/images?" in screen_text(pilot)
        await pilot.press("enter")  # the next link comes first
        await wait_for(pilot, lambda: screen.requests == 2 and not screen.fetching)
        assert "marker=" in screen.response.path
        await pilot.press("h")
        await pilot.pause()
        assert isinstance(app.screen, raw.ChoiceScreen)
        await pilot.press("down", "enter")  # the older of the two paths
        await wait_for(pilot, lambda: screen.requests == 3 and not screen.fetching)
        assert screen.response.path == "/v2/images?limit=2"
        assert screen.path_input.value == "/v2/images?limit=2"
