"""SVG snapshots of the host procedures at 80x24 and 120x40: the drain form, the drain's
preview (live, cold, skipped), a drain in progress, a partly failed drain's summary, and
the evacuate form with its fencing warning."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from tests.app.test_host_procedures import mixed_host
from tests.app.test_snapshots import SIZES
from tests.app_helpers import demo_app, select, settle, wait_for
from tui.backend.errors import Conflict
from tui.backend.memory import MemoryBackend
from tui.runbook import State
from tui.runbook.hosts import Drain, compute_service, drain_params
from tui.screens.form import FormScreen
from tui.screens.resources import host_procedures
from tui.screens.runbook import RunbookScreen


async def shoot_form(size: tuple[int, int], start: str, host: str, key: str) -> str:
    app = demo_app(servers=16, start=start)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await select(pilot, host)
        await pilot.press(key)
        await wait_for(pilot, lambda: isinstance(app.screen, FormScreen))
        await pilot.pause(0.3)
        return app.export_screenshot()


async def shoot_drain(stage: str, size: tuple[int, int]) -> str:
    app = demo_app(servers=16, start="hypervisors")
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        backend = app.backend
        assert isinstance(backend, MemoryBackend)
        await mixed_host(backend)
        frozen = asyncio.Event()

        async def sleep(delay: float) -> None:
            if stage == "progress" and delay >= 0.01:
                await frozen.wait()  # each move stays where its first poll left it
            await asyncio.sleep(0)

        app.runbooks.recipes.register(Drain(poll=0.01, sleep=sleep))
        if stage == "summary":
            original = backend.live_migrate

            async def refuses(server_id: str, host: str | None = None, **kw: object) -> None:
                if (await backend.server(server_id)).name == "db-10":
                    raise Conflict(
                        "Migration pre-check error: CPU doesn't have compatibility.",
                        status=400,
                        request_id="req-0c3f9a",
                    )
                await original(server_id, host, **kw)  # type: ignore[arg-type]

            backend.live_migrate = refuses  # type: ignore[method-assign]
        service = await compute_service(backend, "compute2")
        assert service is not None
        params = drain_params("compute2", service.id, "BIOS update CHG-7", cold=stage != "summary")
        runbook = await app.runbooks.plan("drain", params, clock=lambda: 0.0, concurrency=2)
        app.open_runbook(runbook)
        await wait_for(pilot, lambda: isinstance(app.screen, RunbookScreen))
        if stage != "preview":
            app.start_runbook(runbook)
        if stage == "progress":
            await wait_for(pilot, lambda: runbook.count(State.WAITING) == 2)
            await wait_for(pilot, lambda: any(i.progress for i in runbook.items))
        if stage == "summary":
            await wait_for(pilot, lambda: runbook.finished, rounds=400)
        await pilot.pause(0.3)
        return app.export_screenshot()


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("stage", ["preview", "progress", "summary"])
async def test_drain(svg_snapshot: Any, stage: str, size: tuple[int, int]) -> None:
    assert await shoot_drain(stage, size) == svg_snapshot


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize(
    ("start", "host", "key"),
    [
        pytest.param("hypervisors", "compute2", "N", id="drain"),
        pytest.param("hypervisors", "compute4", "V", id="evacuate"),
    ],
)
async def test_host_form(
    svg_snapshot: Any,
    monkeypatch: pytest.MonkeyPatch,
    start: str,
    host: str,
    key: str,
    size: tuple[int, int],
) -> None:
    monkeypatch.setattr(
        host_procedures, "default_reason", lambda user: f"drain by stackdeck {user} 2026-12-02"
    )
    assert await shoot_form(size, start, host, key) == svg_snapshot
