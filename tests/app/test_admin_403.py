"""Every admin-only resource tells a member it needs admin rights instead of listing nothing.

Walks screens/resources/registry.py: a resource declared with needs_admin=True is picked up here
without a change to this file.
"""

from __future__ import annotations

import pytest

from tests.app_helpers import demo_app, screen_text, settle, wait_for
from tui.backend.base import Backend
from tui.backend.errors import Forbidden
from tui.context import Context
from tui.resource import Resource, Scope, bind
from tui.screens.resource import ResourceScreen
from tui.screens.resources.registry import RESOURCES

ADMIN_ONLY = [r for r in RESOURCES.values() if r.needs_admin]
# Admin-only lists the real service answers a member with none instead of a 403 (name: why)
MEMBERS_SEE_NONE = {
    "network-agents": "Neutron drops what policy hides: GET /v2.0/agents is 200 with no agents",
}


def test_the_walk_covers_the_known_admin_lists() -> None:
    names = {r.name for r in ADMIN_ONLY}
    assert {"hypervisors", "compute-services", "network-agents", "pools"} <= names


async def parent_scope(resource: Resource, backend: Backend) -> Scope:
    """The scope a list of one parent's items (a flavor's access list) is opened in."""
    if resource.scope_key == "flavor_id":
        flavors = [f async for page in backend.flavors() for f in page]
        return Scope(filters=(("flavor_id", flavors[0].id),))
    if resource.scope_key in ("volume_type_id", "qos_id"):  # any id: the 403 comes first
        return Scope(filters=((resource.scope_key, "any"),))
    if resource.scope_key == "hosts":  # an aggregate's hosts: any host will do
        return Scope(filters=(("hosts", "compute1,compute-01"),))
    assert not resource.scope_key, f"the walk knows no parent for {resource.name}"
    return Scope()


async def assert_member_refused(resource: Resource, backend: Backend) -> None:
    """A member's list is refused with a 403 and a request id (or is empty, if so noted)."""
    scope = await parent_scope(resource, backend)
    resource = bind(resource, Context(backend))
    if resource.name in MEMBERS_SEE_NONE:
        assert [row async for page in resource.list(backend, scope) for row in page] == []
        return
    with pytest.raises(Forbidden) as refused:
        async for _page in resource.list(backend, scope):
            pass
    assert refused.value.status == 403 and refused.value.request_id


@pytest.mark.parametrize("resource", ADMIN_ONLY, ids=lambda r: r.name)
async def test_memory_cloud_refuses_members_like_the_real_one(resource: Resource) -> None:
    from tui.backend.memory import MemoryBackend

    await assert_member_refused(resource, MemoryBackend(is_admin=False))


@pytest.mark.parametrize("resource", ADMIN_ONLY, ids=lambda r: r.name)
async def test_a_member_is_told_the_list_needs_admin(resource: Resource) -> None:
    app = demo_app(is_admin=False)
    async with app.run_test(size=(160, 30)) as pilot:
        await settle(pilot)
        app.open_resource(resource.name, await parent_scope(resource, app.backend))
        await wait_for(
            pilot,
            lambda: (
                isinstance(app.screen, ResourceScreen)
                and app.screen.resource.name == resource.name
                and (app.screen.loaded or app.screen.error is not None)
            ),
        )
        await settle(pilot)
        text = screen_text(pilot)
        if resource.name in MEMBERS_SEE_NONE:
            assert f"{resource.title} need admin rights here (the cloud lists none" in text
        else:
            assert f"{resource.title} need admin rights here (HTTP 403)." in text
        assert f"No {resource.name}" not in text
