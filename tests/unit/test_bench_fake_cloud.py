"""The benchmarks' loopback fake cloud answers what stackdeck's real backend asks, in shape.

`bench/fake_cloud.py` is the instrument the big-list numbers are taken with: these tests list
it through the real OpenStack backend (openstacksdk's session, Keystone token and catalog,
version discovery, limit/marker pages) and check Nova's `changes-since` and the request
counts the benchmark prints.
"""

from __future__ import annotations

import json
import sys
import time
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from tui.backend.openstack import OpenStackBackend

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
from fake_cloud import FakeCloud

SERVERS = 2500
SERVERS_DETAIL = "GET /compute/v2.1/servers/detail"


@pytest.fixture(scope="module")
def cloud() -> Iterator[FakeCloud]:
    with FakeCloud(servers=SERVERS, ports=1200, volumes=1100) as fake:
        yield fake


@pytest.fixture
async def backend(cloud: FakeCloud, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setenv("OS_CLIENT_CONFIG_FILE", str(cloud.write_clouds_yaml(tmp_path)))
    backend = OpenStackBackend("bench", read_only=True)
    await backend.connect()
    cloud.reset_requests()
    yield backend
    await backend.close()


def _get(cloud: FakeCloud, path: str) -> Any:
    with urllib.request.urlopen(cloud.url + path, timeout=10) as response:
        return json.loads(response.read())


async def test_every_projects_servers_come_in_pages_of_the_size_asked(
    cloud: FakeCloud, backend: Any
) -> None:
    pages = [page async for page in backend.servers(all_projects=True, page_size=1000)]

    assert [len(page) for page in pages] == [1000, 1000, 500]
    servers = [server for page in pages for server in page]
    assert len({server.id for server in servers}) == SERVERS
    assert {server.project for server in servers} <= set(cloud.pools.projects.values())
    assert all(server.flavor and server.status for server in servers)
    # one project list for the names, then one request per page (Nova links a next page
    # only after a full one)
    assert cloud.requests()[SERVERS_DETAIL] == 3


async def test_a_member_view_lists_only_the_tokens_project(cloud: FakeCloud, backend: Any) -> None:
    servers = [s async for page in backend.servers() for s in page]

    assert servers
    assert {server.project for server in servers} == {"admin"}


async def test_ports_and_volumes_page_like_neutron_and_cinder(
    cloud: FakeCloud, backend: Any
) -> None:
    ports = [p async for page in backend.ports(page_size=500) for p in page]
    volumes = [v async for page in backend.volumes(all_projects=True, page_size=500) for v in page]

    assert len({port.id for port in ports}) == 1200
    assert len({volume.id for volume in volumes}) == 1100
    counts = cloud.requests()
    assert counts["GET /networking/v2.0/ports"] == 3
    assert counts["GET /volume/v3/{id}/volumes/detail"] == 3


async def test_server_filters_work_on_the_server_side(cloud: FakeCloud, backend: Any) -> None:
    host = cloud.pools.hosts[0]
    on_host = [s async for page in backend.servers(host=host) for s in page]

    assert on_host
    assert {server.host for server in on_host} == {host}
    errors = _get(cloud, "/compute/v2.1/servers/detail?all_tenants=1&status=error")["servers"]
    assert errors and {server["status"] for server in errors} == {"ERROR"}
    named = _get(cloud, "/compute/v2.1/servers/detail?all_tenants=1&name=^db-a-")["servers"]
    assert named and all(server["name"].startswith("db-a-") for server in named)


def test_changes_since_lists_changed_and_deleted_servers() -> None:
    with FakeCloud(servers=1000) as cloud:
        before = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        time.sleep(0.01)
        summary = cloud.change(percent=3)
        listed = _get(cloud, "/compute/v2.1/servers/detail")  # token's project, unchanged shape
        changed = _get(cloud, f"/compute/v2.1/servers/detail?all_tenants=1&changes-since={before}")[
            "servers"
        ]
        everyone = _get(cloud, "/compute/v2.1/servers/detail?all_tenants=1")["servers"]

    assert summary == {"changed": 27, "deleted": 3, "created": 3}
    assert "servers" in listed
    statuses = [server["status"] for server in changed]
    assert len(changed) == 33  # changed, deleted and created
    assert statuses.count("DELETED") == 3
    deleted = {s["id"] for s in changed if s["status"] == "DELETED"}
    assert len(everyone) == 1000
    assert not deleted & {server["id"] for server in everyone}


def test_pages_link_the_next_one_with_the_query_kept() -> None:
    with FakeCloud(servers=30) as cloud:
        first = _get(cloud, "/compute/v2.1/servers/detail?all_tenants=1&limit=20")
        href = first["servers_links"][0]["href"]
        second = _get(cloud, href.removeprefix(cloud.url))
        bad = urllib.request.Request(
            cloud.url + "/compute/v2.1/servers/detail?marker=nope", method="GET"
        )
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(bad, timeout=10)

    assert "all_tenants=1" in href
    assert len(first["servers"]) == 20 and len(second["servers"]) == 10
    assert "servers_links" not in second
    assert refused.value.code == 400
