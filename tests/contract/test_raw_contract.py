"""The raw API browser's two calls on both clouds: the catalog is the token's own, and a GET
below an endpoint answers in the API's own JSON with its status, message and request id
(a 404 is an answer, not an error), follows the API's next links, and never writes.
"""

from __future__ import annotations

import pytest

from tests.contract.conftest import Lab
from tui.backend.errors import BackendError
from tui.backend.models import CatalogEndpoint
from tui.backend.raw_http import link_path

pytestmark = pytest.mark.asyncio(loop_scope="module")

COVERS = frozenset({"catalog", "raw_get"})

NOBODY = "00000000-0000-4000-8000-0000deadbeef"


async def endpoint(lab: Lab, kind: str) -> CatalogEndpoint:
    found = [e for e in await lab.admin.catalog() if e.type == kind]
    assert found, f"{lab.name}: no {kind} in the catalog"
    return next((e for e in found if e.interface == "public"), found[0])


async def test_the_catalog_is_the_tokens(lab: Lab) -> None:
    for backend in (lab.admin, lab.owner):
        catalog = await backend.catalog()
        assert {e.type for e in catalog} == set(backend.info.services)
        assert {"compute", "identity", "image", "network"} <= set(backend.info.services)
        token = await backend.token_info()
        assert {(e.type, e.interface, e.url) for e in catalog} == {
            (e.service_type, e.interface, e.url) for e in token.catalog
        }
        assert all(e.url.startswith("http") and e.name and e.region for e in catalog)
        assert [e.type for e in catalog] == sorted(e.type for e in catalog)


async def test_a_get_on_each_core_service(lab: Lab) -> None:
    for kind, path, key in (
        ("compute", "/servers/detail?limit=5", "servers"),
        ("network", "/v2.0/networks", "networks"),
        ("image", "/v2/images?limit=1", "images"),
        ("identity", "/v3/projects", "projects"),
    ):
        answer = await lab.admin.raw_get(await endpoint(lab, kind), path)
        assert (answer.status, answer.ok, answer.method) == (200, True, "GET"), answer.message
        assert key in answer.json() and answer.request_id.startswith("req-")
        assert "/v3/v3/" not in answer.url
        assert all("token" not in name.lower() for name, _ in answer.headers)
    volumes = next(k for k in ("block-storage", "volumev3") if k in lab.admin.info.services)
    answer = await lab.admin.raw_get(await endpoint(lab, volumes), "/volumes?limit=5")
    assert answer.status == 200 and "volumes" in answer.json()


async def test_a_404_is_an_answer(lab: Lab) -> None:
    missing = await lab.admin.raw_get(await endpoint(lab, "compute"), f"/servers/{NOBODY}")
    assert (missing.status, missing.ok) == (404, False)
    assert missing.message == f"Instance {NOBODY} could not be found."
    assert missing.request_id.startswith("req-")


async def test_a_next_link_is_followed_below_the_endpoint(lab: Lab) -> None:
    network = await endpoint(lab, "network")
    first = await lab.admin.raw_get(network, "/v2.0/networks?limit=1")
    assert first.status == 200, first.message
    nexts = [href for rel, href in first.links() if rel == "next"]
    assert nexts, f"{lab.name}: no next link after one network"
    path = link_path(network.url, nexts[0])
    assert path.startswith("/v2.0/networks?") and "marker=" in path
    second = await lab.admin.raw_get(network, path)
    assert second.status == 200
    assert second.json()["networks"][0]["id"] != first.json()["networks"][0]["id"]


async def test_only_reads_are_sent(lab: Lab) -> None:
    compute = await endpoint(lab, "compute")
    for method in ("POST", "DELETE", "PUT"):
        with pytest.raises(BackendError) as caught:
            await lab.admin.raw_get(compute, "/servers", method=method)
        assert caught.value.message == f"The raw browser only reads: {method} is never sent."
        assert caught.value.status is None and not caught.value.request_id  # nothing was sent
    head = await lab.admin.raw_get(compute, "/servers/detail?limit=1", method="HEAD")
    assert head.method == "HEAD" and head.status and head.text == ""  # an answer, no body


async def test_the_links_in_answers_lie_under_the_catalogs_endpoints(lab: Lab) -> None:
    """What a service links to (a project's self link) is on an endpoint of the catalog."""
    identity = [e.url.rstrip("/") for e in await lab.admin.catalog() if e.type == "identity"]
    answer = await lab.admin.raw_get(await endpoint(lab, "identity"), "/v3/projects")
    links = [p["links"]["self"] for p in answer.json()["projects"]]
    assert links and answer.json()["links"]["self"].startswith(tuple(identity))
    assert all(link.startswith(tuple(identity)) for link in links), links[:2]
