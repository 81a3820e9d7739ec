"""`esc` stops waiting for a request the real cloud never answers: the projects list over
a proxy in front of devcloud's Keystone that stops answering on cue."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.app_helpers import screen_text, settle, wait_for
from tests.faultproxy import FaultProxy, Hang
from tests.terminal_process import clouds_yaml
from tui.app import StackdeckApp
from tui.backend.openstack import OpenStackBackend
from tui.config import Settings
from tui.screens.resource import ResourceScreen

KEYSTONE = "http://127.0.0.1:5000"


async def test_esc_stops_waiting_for_a_hung_refresh(
    devcloud: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with FaultProxy(KEYSTONE) as proxy:
        clouds = clouds_yaml(
            tmp_path / "clouds.yaml",
            "proxied",
            f"{proxy.url}/v3",
            identity_endpoint_override=f"{proxy.url}/v3",
        )
        monkeypatch.setenv("OS_CLIENT_CONFIG_FILE", str(clouds))
        backend = OpenStackBackend("proxied")
        app = StackdeckApp(backend, Settings(refresh_seconds=0, start_resource="projects"))
        async with app.run_test(size=(140, 40)) as pilot:
            await settle(pilot, rounds=400)
            screen = app.screen
            assert isinstance(screen, ResourceScreen) and screen.loaded
            listed = screen.table.total_count
            assert listed and "service" in screen_text(pilot)
            proxy.set(Hang())
            await pilot.press("r")
            await wait_for(pilot, lambda: any(s.answered == "Hang" for s in proxy.seen))
            assert screen.fetching
            await pilot.press("question_mark")  # keys answer while the request hangs
            await wait_for(pilot, lambda: app.screen is not screen)
            await pilot.press("escape")
            await wait_for(pilot, lambda: app.screen is screen)
            await pilot.press("escape")
            await wait_for(pilot, lambda: not screen.fetching)
            assert screen.cancelled and screen.table.total_count == listed
            assert "cancelled" in screen_text(pilot)
