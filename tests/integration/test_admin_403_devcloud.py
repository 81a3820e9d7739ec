"""Every admin-only resource, opened as devcloud's member (devcloud-demo) through the app.

The real services must refuse (403) and the screen must say the list needs admin rights,
never show an empty list. A resource declared needs_admin that the real cloud lets members
list goes in MEMBERS_MAY_LIST (with why), where it is checked to list without an error.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.app.test_admin_403 import MEMBERS_SEE_NONE, assert_member_refused, parent_scope
from tests.app_helpers import screen_text, settle, wait_for
from tui.app import StackdeckApp
from tui.backend.openstack import OpenStackBackend
from tui.config import Settings
from tui.context import Context
from tui.resource import Resource, Scope, bind
from tui.screens.resource import ResourceScreen
from tui.screens.resources.registry import RESOURCES

ADMIN_ONLY = [r for r in RESOURCES.values() if r.needs_admin]
# needs_admin resources that devcloud's policies let a member list anyway (name: why)
MEMBERS_MAY_LIST: dict[str, str] = {}


@pytest.mark.parametrize("resource", ADMIN_ONLY, ids=lambda r: r.name)
async def test_the_real_cloud_refuses_a_member(devcloud: Path, resource: Resource) -> None:
    backend = OpenStackBackend("devcloud-demo")
    await backend.connect()
    try:
        if resource.name in MEMBERS_MAY_LIST:
            async for _page in bind(resource, Context(backend)).list(backend, Scope()):
                pass
            return
        await assert_member_refused(resource, backend)
    finally:
        await backend.close()


@pytest.mark.parametrize("resource", ADMIN_ONLY, ids=lambda r: r.name)
async def test_the_app_tells_a_member_it_needs_admin(devcloud: Path, resource: Resource) -> None:
    if resource.name in MEMBERS_MAY_LIST:
        pytest.skip(MEMBERS_MAY_LIST[resource.name])
    settings = Settings(cloud="devcloud-demo", refresh_seconds=0, start_resource="servers")
    app = StackdeckApp(OpenStackBackend("devcloud-demo"), settings)
    async with app.run_test(size=(180, 30)) as pilot:
        await settle(pilot, rounds=400)
        app.open_resource(resource.name, await parent_scope(resource, app.backend))
        await wait_for(
            pilot,
            lambda: (
                isinstance(app.screen, ResourceScreen)
                and app.screen.resource.name == resource.name
                and (app.screen.loaded or app.screen.error is not None)
            ),
            rounds=400,
        )
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ResourceScreen)
        text = screen_text(pilot)
        assert f"No {resource.name}" not in text
        if resource.name in MEMBERS_SEE_NONE:
            assert f"{resource.title} need admin rights here (the cloud lists none" in text
            return
        assert f"{resource.title} need admin rights here (HTTP 403)." in text
        assert screen.error is not None and (screen.error.request_id or "").startswith("req-")
