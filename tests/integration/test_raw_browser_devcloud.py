"""The raw API browser against devcloud's real services: catalog, GETs, a 404, the app."""

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


async def test_catalog_lists_every_service_of_the_token(admin: OpenStackBackend) -> None:
    catalog = await admin.catalog()
    types = {e.type for e in catalog}
    assert {"compute", "identity", "image", "network", "placement"} <= types
    assert types == set(admin.info.services)
    assert all(e.url.startswith("http") and e.interface for e in catalog)


async def test_get_on_each_core_service(admin: OpenStackBackend) -> None:
    compute = await admin.raw_get(await endpoint(admin, "compute"), "/os-hypervisors")
    assert compute.status == 200 and "hypervisors" in compute.json()
    assert compute.request_id.startswith("req-")

    identity = await endpoint(admin, "identity")
    # the catalog's identity URL may or may not include /v3: either way this is one /v3
    projects = await admin.raw_get(identity, "/v3/projects")
    assert projects.status == 200, projects.message
    assert any(p["name"] == "admin" for p in projects.json()["projects"])
    assert "/v3/v3/" not in projects.url
    assert all("token" not in name.lower() for name, _ in projects.headers)

    images = await admin.raw_get(await endpoint(admin, "image"), "/v2/images?limit=1")
    assert images.status == 200 and "images" in images.json()

    networks = await admin.raw_get(await endpoint(admin, "network"), "/v2.0/networks")
    assert networks.status == 200 and "networks" in networks.json()


async def test_volumes_of_the_block_storage_endpoint(admin: OpenStackBackend) -> None:
    types = set(admin.info.services)
    kind = next((k for k in ("volumev3", "block-storage", "volume") if k in types), None)
    if kind is None:
        pytest.fail(f"devcloud has no block storage in its catalog: {sorted(types)}")
    volumes = await admin.raw_get(await endpoint(admin, kind), "/volumes?limit=5")
    assert volumes.status == 200, volumes.message
    assert "volumes" in volumes.json()


async def test_a_404_is_an_answer_with_status_message_and_request_id(
    admin: OpenStackBackend,
) -> None:
    compute = await endpoint(admin, "compute")
    missing = await admin.raw_get(compute, "/servers/00000000-0000-0000-0000-0000deadbeef")
    assert missing.status == 404 and not missing.ok
    assert "could not be found" in missing.message
    assert missing.request_id.startswith("req-")


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


async def test_a_real_next_link_is_followed_below_the_endpoint(admin: OpenStackBackend) -> None:
    from tui.backend.raw_http import link_path

    compute = await endpoint(admin, "compute")
    first = await admin.raw_get(compute, "/flavors?limit=1")
    assert first.status == 200, first.message
    nexts = [href for rel, href in first.links() if rel == "next"]
    assert nexts, "devcloud should have more than one flavor"
    path = link_path(compute.url, nexts[0])
    assert path.startswith("/flavors?") and "marker=" in path
    second = await admin.raw_get(compute, path)
    assert second.status == 200
    assert second.json()["flavors"][0]["id"] != first.json()["flavors"][0]["id"]
