"""Draining a hypervisor and evacuating a failed host from the keyboard, on the memory
cloud: the keys, the forms, the preview, the run, the summary and its follow-up keys."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import TypeVar

from tests.app.test_compute_network_volume_screens import current, goto, type_into
from tests.app_helpers import demo_app, screen_text, select, settle, wait_for
from tui.app import StackdeckApp
from tui.backend.audit import AuditLog
from tui.backend.errors import Conflict
from tui.backend.memory import MemoryBackend
from tui.config import Settings
from tui.runbook import Runbook, State
from tui.runbook.hosts import Drain, Evacuate, drain_params
from tui.screens.confirm import ConfirmScreen
from tui.screens.form import FormScreen
from tui.screens.resource import ResourceScreen
from tui.screens.runbook import RunbookScreen

T = TypeVar("T")


async def collect(pages: AsyncIterator[list[T]]) -> list[T]:
    return [item async for page in pages for item in page]


def fast(app: StackdeckApp) -> None:
    """The recipes poll every 10 ms instead of every second."""
    app.runbooks.recipes.register(Drain(poll=0.01))
    app.runbooks.recipes.register(Evacuate(poll=0.01))


def shown_runbook(app: StackdeckApp) -> Runbook:
    screen = app.screen
    assert isinstance(screen, RunbookScreen), screen
    return screen.runbook


async def on_host(backend: MemoryBackend, host: str) -> dict[str, str]:
    return {s.name: s.status for s in await collect(backend.servers(all_projects=True, host=host))}


async def test_drain_from_hv_in_three_keys(tmp_path: Path) -> None:
    """`N`, `enter` (the form's defaults), `y`: compute1 is empty and disabled with the
    default reason; `E` then enables it again."""
    audit = AuditLog(tmp_path / "audit.jsonl")
    app = demo_app(servers=12, start="hypervisors", audit=audit)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await settle(pilot)
        fast(app)
        backend = app.backend
        assert isinstance(backend, MemoryBackend)
        before = await on_host(backend, "compute1")
        assert set(before.values()) == {"ACTIVE"} and len(before) == 3
        await select(pilot, "compute1")
        keys = ["N"]
        await pilot.press("N")
        await wait_for(pilot, lambda: isinstance(app.screen, FormScreen))
        text = screen_text(pilot)
        assert "Drain compute1" in text and "drain by stackdeck" in text
        keys.append("enter")
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, RunbookScreen))
        await pilot.pause()
        text = screen_text(pilot)
        assert "Drain compute1" in text and "preview" in text and "nothing sent" in text
        assert "live-migrate web-01" in text
        keys.append("y")
        await pilot.press("y")
        runbook = shown_runbook(app)
        await wait_for(pilot, lambda: runbook.finished, rounds=400)
        assert len(keys) <= 6
        assert [i.state for i in runbook.items] == [State.DONE] * 5
        await pilot.pause()
        text = screen_text(pilot)
        assert "compute1 runs no server" in text and "E enable nova-compute@compute1" in text
        assert await on_host(backend, "compute1") == {}
        service = next(
            s
            for s in await collect(backend.compute_services(host="compute1"))
            if s.binary == "nova-compute"
        )
        assert service.status == "disabled"
        assert service.disabled_reason.startswith("drain by stackdeck admin ")
        records = audit.of_runbook(runbook.id)
        assert sorted(r.action for r in records) == ["disable-service"] + ["live-migrate"] * 3
        await pilot.press("E")
        await wait_for(
            pilot,
            lambda: any("enabled again" in n.message for n in app._notifications),
        )
        hv = next(h for h in await collect(backend.hypervisors()) if h.host == "compute1")
        assert hv.status == "enabled"
        await pilot.press("S")
        await wait_for(pilot, lambda: isinstance(app.screen, ResourceScreen))
        await settle(pilot)
        assert "host compute1" in screen_text(pilot)
        assert list(current(app).table.rows_in_view()) == []


async def mixed_host(backend: MemoryBackend) -> None:
    """compute2 of a 16-server demo cloud: db-02 stopped, db-10 PAUSED, lb-14 reset to
    ERROR on the host (the demo's own ERROR servers never found a host)."""
    servers = await collect(backend.servers(all_projects=True, host="compute2"))
    db02 = next(s for s in servers if s.name == "db-02")
    await backend.server_action(db02.id, "stop")
    await backend.server(db02.id)
    lb14 = next(s for s in servers if s.name == "lb-14")
    await backend.server_action(lb14.id, "reset_state", state="error")


async def test_drain_preview_live_cold_and_skipped_with_consent() -> None:
    app = demo_app(servers=16, start="hypervisors")
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await settle(pilot)
        fast(app)
        backend = app.backend
        assert isinstance(backend, MemoryBackend)
        await mixed_host(backend)
        await select(pilot, "compute2")
        await pilot.press("N")
        await wait_for(pilot, lambda: isinstance(app.screen, FormScreen))
        await pilot.press("tab", "space")  # consent to cold migration
        assert app.screen.query_one("#input-cold").value
        await type_into(pilot, "reason", "BIOS update CHG-7")
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, RunbookScreen))
        await pilot.pause()
        runbook = shown_runbook(app)
        plan = {i.label: (i.state, i.calls, i.message) for i in runbook.items}
        assert plan["db-02"][1][0].startswith("cold-migrate db-02")
        assert plan["db-02"][1][1] == "confirm the resize"
        assert plan["db-10"][1][0].startswith("live-migrate db-10")
        assert plan["lb-14"][0] is State.SKIPPED and "ERROR" in plan["lb-14"][2]
        text = screen_text(pilot)
        assert "skipped: in ERROR" in text and "cold-migrate db-02" in text
        await pilot.press("y")
        await wait_for(pilot, lambda: runbook.finished, rounds=400)
        assert await on_host(backend, "compute2") == {"lb-14": "ERROR"}
        moved = {s.name: s.status for s in await collect(backend.servers(all_projects=True))}
        assert (moved["db-02"], moved["db-10"]) == ("SHUTOFF", "PAUSED")
        await pilot.pause()
        text = screen_text(pilot)
        assert "1 servers still on compute2: lb-14" in text


async def test_drain_without_consent_skips_shutoff_and_a_refusal_fails_one() -> None:
    app = demo_app(servers=16, start="hypervisors")
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await settle(pilot)
        fast(app)
        backend = app.backend
        assert isinstance(backend, MemoryBackend)
        await mixed_host(backend)
        original = backend.live_migrate

        async def refuses(server_id: str, host: str | None = None, **kw: object) -> None:
            server = await backend.server(server_id)
            if server.name == "db-10":
                raise Conflict("No valid host", status=409, request_id="req-refused-1")
            await original(server_id, host, **kw)  # type: ignore[arg-type]

        backend.live_migrate = refuses  # type: ignore[method-assign]
        await select(pilot, "compute2")
        await pilot.press("N", "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, RunbookScreen))
        runbook = shown_runbook(app)
        db02 = next(i for i in runbook.items if i.label == "db-02")
        assert db02.state is State.SKIPPED and "cold migration not chosen" in db02.message
        await pilot.press("y")
        await wait_for(pilot, lambda: runbook.finished, rounds=400)
        await pilot.pause()
        text = screen_text(pilot)
        assert "req-refused-1" in text and "R retries the failed items" in text
        assert set(await on_host(backend, "compute2")) == {"db-02", "db-10", "lb-14"}


async def test_drain_aborted_leaves_the_rest_untouched() -> None:
    """Aborted while the first live migration is in flight: it finishes; the two servers
    not started are untouched."""
    app = demo_app(servers=12, start="hypervisors")
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await settle(pilot)
        fast(app)
        backend = app.backend
        assert isinstance(backend, MemoryBackend)
        original = backend.live_migrate
        release = asyncio.Event()

        async def held(server_id: str, host: str | None = None, **kw: object) -> None:
            await release.wait()
            await original(server_id, host, **kw)  # type: ignore[arg-type]

        backend.live_migrate = held  # type: ignore[method-assign]
        await select(pilot, "compute1")
        await pilot.press("N")
        await wait_for(pilot, lambda: isinstance(app.screen, FormScreen))
        await type_into(pilot, "concurrency", "1")
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, RunbookScreen))
        runbook = shown_runbook(app)
        await pilot.press("y")
        servers = [i for i in runbook.items if i.data.get("kind") == "server"]
        await wait_for(pilot, lambda: bool(servers[0].sent))
        await pilot.press("x")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.click("#confirm-yes")
        await wait_for(pilot, lambda: servers[1].state is State.ABORTED)
        release.set()
        await wait_for(pilot, lambda: runbook.finished, rounds=400)
        assert [i.state for i in servers] == [State.DONE, State.ABORTED, State.ABORTED]
        assert not servers[1].sent and not servers[2].sent
        left = await on_host(backend, "compute1")
        assert set(left) == {servers[1].label, servers[2].label}
        for item in servers[1:]:
            actions = await collect(backend.instance_actions(item.key))
            assert "live-migration" not in {a.action for a in actions}


async def test_evacuate_a_down_host_with_the_fencing_confirmation(tmp_path: Path) -> None:
    audit = AuditLog(tmp_path / "audit.jsonl")
    app = demo_app(servers=16, audit=audit)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await settle(pilot)
        fast(app)
        backend = app.backend
        assert isinstance(backend, MemoryBackend)
        services = await goto(pilot, "services")
        await select(pilot, "nova-compute@compute1")
        await pilot.press("V")
        await pilot.pause()
        assert not isinstance(app.screen, FormScreen), "compute1 is up: no evacuation"
        await select(pilot, "nova-compute@compute4")
        assert services.table.selected.state == "down"
        await pilot.press("V")
        await wait_for(pilot, lambda: isinstance(app.screen, FormScreen))
        text = screen_text(pilot)
        assert "must be fenced" in text and "run twice" in text
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "confirm that the host is fenced first" in screen_text(pilot)
        app.screen.query_one("#input-fenced").focus()
        await pilot.press("space", "ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, RunbookScreen))
        runbook = shown_runbook(app)
        plan = {i.label: i for i in runbook.items}
        assert plan["force down nova-compute@compute4"].state is State.PENDING
        assert plan["api-04"].calls[0].startswith("evacuate api-04")
        assert plan["search-08"].state is State.SKIPPED  # still building
        assert plan["api-12"].state is State.SKIPPED  # suspended
        runs = len(runbook.items) - runbook.count(State.SKIPPED)
        await pilot.press("y")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press(*str(runs), "enter")
        await wait_for(pilot, lambda: runbook.finished, rounds=400)
        left = await on_host(backend, "compute4")
        assert "api-04" not in left and "search-16" not in left
        everyone = await collect(backend.servers(all_projects=True))
        moved = {s.name: (s.status, s.host) for s in everyone}
        assert moved["api-04"][0] == "SHUTOFF" and moved["api-04"][1] != "compute4"
        service = next(
            s
            for s in await collect(backend.compute_services(host="compute4"))
            if s.binary == "nova-compute"
        )
        assert service.forced_down
        actions = sorted({r.action for r in audit.of_runbook(runbook.id)})
        assert actions == ["evacuate", "force-down-service"]
        await pilot.pause()
        assert "servers still on compute4" in screen_text(pilot)
        await pilot.press("S")
        await wait_for(pilot, lambda: isinstance(app.screen, ResourceScreen))
        await settle(pilot)
        assert {r.name for r in current(app).table.rows_in_view()} == set(left)


async def test_read_only_offers_neither_and_the_backend_refuses() -> None:
    backend = MemoryBackend(servers=12, read_only=True)
    settings = Settings(demo=True, refresh_seconds=0, start_resource="hypervisors", read_only=True)
    app = StackdeckApp(backend, settings)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await settle(pilot)
        fast(app)
        await select(pilot, "compute1")
        assert "Drain" not in screen_text(pilot)
        await pilot.press("N", "V")
        await pilot.pause()
        assert not isinstance(app.screen, FormScreen)
        runbook = await app.runbooks.plan(
            "drain", drain_params("compute1", "x", "r", cold=False), concurrency=1
        )
        runbook.start()
        await wait_for(pilot, lambda: runbook.finished, rounds=400)
        first = runbook.items[0]
        assert first.state is State.FAILED and "read-only" in first.message.lower()
        assert len(await on_host(backend, "compute1")) == 3
