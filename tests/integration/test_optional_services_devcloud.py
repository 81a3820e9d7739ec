"""Heat and Swift on devcloud, which runs neither: the catalog gating, for real.

The token's catalog is devcloud's own; the screens must say the service is missing and send
nothing to it, and a direct call must fail as a BackendError, never as a traceback.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.app_helpers import screen_text, settle, wait_for
from tui.app import StackdeckApp
from tui.backend.errors import BackendError
from tui.backend.openstack import OpenStackBackend
from tui.config import Settings
from tui.screens.resource import ResourceScreen
from tui.screens.resources.containers import CONTAINERS
from tui.screens.resources.registry import lookup
from tui.screens.resources.stacks import STACKS

NO_HEAT = "This cloud's catalog has no Heat service (orchestration)."
NO_SWIFT = "This cloud's catalog has no Swift service (object-store)."


async def test_the_catalog_has_neither(admin: OpenStackBackend) -> None:
    services = admin.info.services
    assert {"compute", "identity", "network", "image"} <= set(services)
    assert STACKS.missing_service(services) == NO_HEAT
    assert CONTAINERS.missing_service(services) == NO_SWIFT


@pytest.mark.parametrize("cloud", ["devcloud-admin", "devcloud-demo"])
async def test_the_screens_say_so_and_list_nothing(devcloud: Path, cloud: str) -> None:
    settings = Settings(cloud=cloud, refresh_seconds=0, start_resource="servers")
    app = StackdeckApp(OpenStackBackend(cloud), settings)
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, ResourceScreen), rounds=400)
        await settle(pilot, rounds=400)
        for command, message in (
            ("stacks", NO_HEAT),
            ("heat", NO_HEAT),
            ("containers", NO_SWIFT),
            ("swift", NO_SWIFT),
        ):
            await pilot.press("colon", *command, "enter")
            await settle(pilot, rounds=200)
            screen = app.screen
            expected = lookup(command)
            assert expected is not None
            assert isinstance(screen, ResourceScreen) and screen.resource.name == expected.name
            assert message in screen_text(pilot)
            assert screen.error is None and screen.table.total_count == 0


async def test_a_direct_call_fails_cleanly(demo: OpenStackBackend) -> None:
    with pytest.raises(BackendError, match="not present in the service catalog"):
        await anext(demo.stacks())
    with pytest.raises(BackendError, match="not present in the service catalog"):
        await anext(demo.containers())
