"""The raw API browser against devcloud's real services: no Gnocchi, and the app (the
catalog and GETs on both backends: tests/contract/test_raw_contract.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.app_helpers import screen_text, select, settle, wait_for
from tui.app import StackdeckApp
from tui.backend.errors import BackendError, NotFound
from tui.backend.models import CatalogEndpoint
from tui.backend.openstack import OpenStackBackend
from tui.config import Settings
from tui.screens.raw import RawScreen


async def endpoint(backend: OpenStackBackend, kind: str) -> CatalogEndpoint:
    found = [e for e in await backend.catalog() if e.type == kind]
    assert found, f"devcloud's catalog has no {kind}"
    return next((e for e in found if e.interface == "public"), found[0])


async def test_devcloud_has_no_gnocchi_and_says_so(admin: OpenStackBackend) -> None:
    assert "metric" not in admin.info.services
    with pytest.raises(BackendError) as caught:  # keystoneauth: no endpoint for "metric"
        await admin.metric_resource("anything")
    assert not isinstance(caught.value, NotFound)


async def test_app_gets_a_path_and_shows_the_json(devcloud: Path) -> None:
    app = StackdeckApp(
        OpenStackBackend("devcloud-demo"), Settings(cloud="devcloud-demo", refresh_seconds=0)
    )
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("colon", *"raw", "enter")
        await settle(pilot)
        await select(pilot, "network public")
        await pilot.press("enter")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, RawScreen)
        assert screen.path_input.value.startswith("/v2.0/networks")
        await pilot.press("enter")
        await wait_for(pilot, lambda: screen.requests == 1 and not screen.fetching)
        text = screen_text(pilot)
        assert "200 OK" in text and "request id req-" in text
        assert '"networks": [' in text
        await app.backend.close()
