"""Gnocchi parsers and requests, the catalog, and the raw browser's rules (pure functions)."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from tui.backend import gnocchi
from tui.backend.errors import BackendError, NotFound
from tui.backend.gnocchi import MeasureQuery
from tui.backend.memory import MemoryBackend
from tui.backend.models import (
    CatalogEndpoint,
    Measure,
    Metric,
    MetricResource,
    catalog_endpoints,
    duration_seconds,
)
from tui.backend.openstack import OpenStackBackend
from tui.backend.raw_http import (
    MAX_SHOWN_BYTES,
    PathError,
    RawResponse,
    body_links,
    body_text,
    clean_path,
    link_path,
    request_url,
    shown_headers,
)

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "api"


def load(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text())


# -- parsers on API-reference-shaped payloads ---------------------------------------------


def test_gnocchi_resources_parse() -> None:
    instance, disk = (MetricResource.from_api(d) for d in load("gnocchi_resources_generic.json"))
    assert instance.type == "instance"
    assert instance.name == "test-instance"
    assert instance.metrics == (
        ("cpu", "5d65c35b-99ee-4e04-b203-b13519b20318"),
        ("memory.usage", "da83c7c4-4a59-4dce-9721-0b8cabc68e11"),
    )
    assert instance.ended_at == ""
    assert disk.name == "hda"
    assert disk.original_resource_id == "fde0a7bc-e8ab-438d-b44f-f28d1f2d5216-hda"
    assert disk.ended_at.startswith("2017-04-13")


def test_gnocchi_metric_with_archive_policy() -> None:
    metric = Metric.from_api(load("gnocchi_metric.json"))
    assert metric.name == "network.incoming.packets.rate"
    assert metric.unit == "packet/s"
    assert metric.archive_policy_name == "high"
    assert metric.resource_id == "75274f99-faf6-4112-a6d5-2794cb07c789"
    assert metric.granularities == ((1.0, 3600.0), (60.0, 604800.0), (3600.0, 31536000.0))
    assert gnocchi.aggregations_of(metric) == ("mean", "max", "min", "sum", "std", "count")
    listed = [Metric.from_api(d) for d in load("gnocchi_resource_metrics.json")]
    assert [(m.name, m.unit, m.archive_policy_name) for m in listed] == [
        ("cpu", "ns", "high"),
        ("memory.usage", "MB", "high"),
    ]
    assert listed[0].granularities == ()


def test_gnocchi_measures_and_error() -> None:
    measures = [Measure.from_api(d) for d in load("gnocchi_measures.json")]
    assert measures[0] == Measure("2017-10-06T14:00:00+00:00", 3600.0, 20.1)
    assert measures[-1].id == "2017-10-06T14:34:20+00:00@1"
    assert gnocchi.error_text(load("gnocchi_error_404.json"), "x") == (
        "Resource 75c44741-cc60-4033-804e-2d3098c7d2e9 does not exist"
    )


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        (300, 300.0),
        ("300.0", 300.0),
        ("0:05:00", 300.0),
        ("1 day, 0:00:00", 86400.0),
        ("365 days, 0:00:00", 31536000.0),
        ("1:00:00", 3600.0),
    ],
)
def test_duration_seconds(text: object, seconds: float) -> None:
    assert duration_seconds(text) == seconds


def test_token_catalogs_v3_and_v2() -> None:
    v3 = catalog_endpoints(load("token_catalog_v3.json"))
    assert [(e.type, e.interface, e.url) for e in v3] == [
        ("identity", "public", "http://localhost:5000"),
        ("identity", "internal", "http://localhost:5000"),
        ("identity", "admin", "http://localhost:35357"),
        ("metric", "public", "http://localhost:8041"),
    ]
    assert v3[0].name == "keystone" and v3[0].region == "RegionOne"
    v2 = catalog_endpoints(load("token_catalog_v2.json"))
    assert [(e.type, e.interface) for e in v2] == [
        ("compute", "public"),
        ("compute", "internal"),
        ("compute", "admin"),
    ]
    assert len({e.id for e in v2}) == 3


def test_devcloud_token_catalog() -> None:
    """Captured from devcloud (tests/fixtures/capture_telemetry_raw.py)."""
    endpoints = catalog_endpoints(load("token_catalog_devcloud.json"))
    public = {e.type: e for e in endpoints if e.interface == "public"}
    assert set(public) == {"block-storage", "compute", "identity", "image", "network", "placement"}
    assert len(endpoints) == 3 * len(public)  # public, internal, admin each
    identity = public["identity"].url
    assert identity.endswith("/v3/")
    assert request_url(identity, "/v3/projects") == identity.rstrip("/") + "/projects"
    assert request_url(public["compute"].url, "/os-hypervisors").endswith("/v2.1/os-hypervisors")


# -- Gnocchi request building ----------------------------------------------------------------


def test_gnocchi_paths_and_params() -> None:
    assert gnocchi.resources_path() == "/v1/resource/generic"
    assert gnocchi.resource_metrics_path("a b") == "/v1/resource/generic/a%20b/metric"
    assert gnocchi.measures_path("m/1") == "/v1/metric/m%2F1/measures"
    assert gnocchi.resources_params(50, None) == {"limit": "50", "details": "true"}
    assert gnocchi.resources_params(50, "abc")["marker"] == "abc"
    now = datetime(2026, 1, 8, 12, 0, tzinfo=UTC)
    params = gnocchi.measures_params(MeasureQuery("24h", "max", 300.0), now)
    assert params == {
        "start": "2026-01-07T12:00:00+00:00",
        "aggregation": "max",
        "granularity": "300",
    }
    assert "granularity" not in gnocchi.measures_params(MeasureQuery(), now)
    assert MeasureQuery().next_window().window == "24h"
    assert MeasureQuery("7d").next_window().window == "1h"


def test_gnocchi_link_header_marker_and_granularity_choice() -> None:
    link = '<http://gnocchi:8041/v1/resource/generic?limit=2&marker=b3f2&sort=id%3Aasc>; rel="next"'
    assert gnocchi.next_marker(link) == "b3f2"
    assert gnocchi.next_marker(None) is None
    metric = Metric.from_api(load("gnocchi_metric.json"))
    assert gnocchi.fitting_granularity(metric, 3600) == 1.0
    assert gnocchi.fitting_granularity(metric, 86400) == 60.0
    assert gnocchi.fitting_granularity(metric, 10**9) == 3600.0
    assert [gnocchi.granularity_label(s) for s in (1, 60, 3600, 86400, 90, None)] == [
        "1s",
        "1m",
        "1h",
        "1d",
        "90s",
        "all",
    ]


class FakeResponse:
    def __init__(self, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
        self.status_code = status
        self._body = body
        self.headers = headers or {}
        self.reason = "OK" if status < 400 else "Not Found"
        self.text = json.dumps(body)
        self.content = self.text.encode()
        self.encoding = "utf-8"

    def json(self) -> Any:
        return self._body

    def iter_content(self, chunk_size: int) -> Any:
        for start in range(0, len(self.content), chunk_size):
            yield self.content[start : start + chunk_size]

    def close(self) -> None:
        self.closed = True


class FakeSession:
    def __init__(self, responses: list[FakeResponse]) -> None:
        self.responses = responses
        self.calls: list[tuple[str, str, dict[str, Any]]] = []

    def request(self, url: str, method: str, **kwargs: Any) -> FakeResponse:
        self.calls.append((url, method, kwargs))
        return self.responses.pop(0)


class FakeConfig:
    def get_interface(self) -> str:
        return "public"

    def get_region_name(self) -> str:
        return "RegionOne"


class FakeConnection:
    def __init__(self, session: FakeSession) -> None:
        self.session = session
        self.config = FakeConfig()


def backend_with(responses: list[FakeResponse]) -> tuple[OpenStackBackend, FakeSession]:
    session = FakeSession(responses)
    backend = OpenStackBackend("fake")
    backend._conn = FakeConnection(session)  # type: ignore[assignment]
    return backend, session


def test_openstack_gnocchi_pages_with_the_link_header() -> None:
    first, second = load("gnocchi_resources_generic.json")
    link = f'<http://g:8041/v1/resource/generic?limit=1&marker={first["id"]}>; rel="next"'
    backend, session = backend_with(
        [
            FakeResponse(200, [first], {"Link": link}),
            FakeResponse(200, [second]),
            FakeResponse(200, []),
        ]
    )

    async def pages() -> list[list[MetricResource]]:
        return [page async for page in backend.metric_resources(page_size=1)]

    got = asyncio.run(pages())
    assert [[r.name for r in page] for page in got] == [["test-instance"], ["hda"]]
    (path, method, kwargs), (_, _, second_kwargs) = session.calls[:2]
    assert (path, method) == ("/v1/resource/generic", "GET")
    assert kwargs["endpoint_filter"] == {
        "service_type": "metric",
        "interface": "public",
        "region_name": "RegionOne",
    }
    assert kwargs["params"] == {"limit": "1", "details": "true"}
    assert second_kwargs["params"]["marker"] == first["id"]


def test_openstack_gnocchi_error_keeps_description_and_request_id() -> None:
    body = load("gnocchi_error_404.json")
    backend, _ = backend_with([FakeResponse(404, body, {"x-openstack-request-id": "req-9"})])
    with pytest.raises(NotFound) as caught:
        asyncio.run(backend.metric_resource("75c44741"))
    assert caught.value.message == f"Gnocchi: {body['description']}"
    assert caught.value.request_id == "req-9"


def test_openstack_raw_get_sends_get_only_and_hides_tokens() -> None:
    endpoint = CatalogEndpoint.from_api(
        {"type": "identity", "name": "keystone", "interface": "public", "url": "http://k:5000/v3"}
    )
    headers = {
        "Content-Type": "application/json",
        "X-Subject-Token": "gAAAA-secret",
        "x-openstack-request-id": "req-1",
    }
    backend, session = backend_with([FakeResponse(200, {"projects": []}, headers)])
    response = asyncio.run(backend.raw_get(endpoint, "/v3/projects"))
    assert session.calls[0][:2] == ("http://k:5000/v3/projects", "GET")
    assert response.request_id == "req-1"
    assert "secret" not in repr(response.headers)
    with pytest.raises(BackendError, match="only reads"):
        asyncio.run(backend.raw_get(endpoint, "/v3/projects", method="DELETE"))
    with pytest.raises(PathError):
        asyncio.run(backend.raw_get(endpoint, "http://evil.example/v3"))
    assert len(session.calls) == 1


# -- the raw browser's rules -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "path"),
    [
        ("servers", "/servers"),
        ("/servers/detail?limit=5", "/servers/detail?limit=5"),
        ("  /v2.0/networks  ", "/v2.0/networks"),
        ("/a/b/../c", "/a/b/../c"),
        ("/", "/"),
    ],
)
def test_clean_path_accepts(typed: str, path: str) -> None:
    assert clean_path(typed) == path


@pytest.mark.parametrize(
    ("typed", "why"),
    [
        ("", "Type a path"),
        ("http://evil.example/x", "not a URL"),
        ("//evil.example/x", "not a URL"),
        ("/../admin", "leave the endpoint"),
        ("/a/../../b", "leave the endpoint"),
        ("/%2e%2e/x", "leave the endpoint"),
        ("/a%2F..%2F..", "hide a slash"),
        ("/servers list", "spaces"),
        ("/x#frag", "fragment"),
        ("\\windows", "not a URL"),
    ],
)
def test_clean_path_refuses(typed: str, why: str) -> None:
    with pytest.raises(PathError, match=why):
        clean_path(typed)


def test_request_url_takes_the_version_once() -> None:
    assert request_url("http://h:5000/v3", "/v3/projects") == "http://h:5000/v3/projects"
    assert request_url("http://h:5000/v3/", "/projects") == "http://h:5000/v3/projects"
    assert request_url("http://h:5000", "/v3/projects") == "http://h:5000/v3/projects"
    assert (
        request_url("http://h:8774/v2.1", "/os-hypervisors") == "http://h:8774/v2.1/os-hypervisors"
    )
    assert request_url("http://h:9292", "/v2/images?limit=1") == "http://h:9292/v2/images?limit=1"


def test_link_path_never_leaves_the_endpoint() -> None:
    nova = "http://h:8774/v2.1"
    assert link_path(nova, "http://h:8774/v2.1/servers?marker=x") == "/servers?marker=x"
    assert link_path(nova, "http://elsewhere/v2.1/servers") == "/servers"
    assert link_path("http://h:9292", "/v2/images?marker=y") == "/v2/images?marker=y"
    with pytest.raises(PathError):
        link_path(nova, "http://h/../../etc")


def test_shown_headers_strip_secrets() -> None:
    headers = {
        "Content-Type": "application/json",
        "X-Auth-Token": "a",
        "X-Subject-Token": "b",
        "Set-Cookie": "c",
        "Authorization": "d",
        "X-OpenStack-Request-Id": "req-1",
    }
    assert shown_headers(headers) == (
        ("Content-Type", "application/json"),
        ("X-OpenStack-Request-Id", "req-1"),
    )


def test_body_links_of_every_api_style() -> None:
    nova = {"servers": [], "servers_links": [{"rel": "next", "href": "http://h/servers?marker=1"}]}
    assert body_links(nova) == [("next", "http://h/servers?marker=1")]
    glance = {"images": [], "first": "/v2/images", "next": "/v2/images?marker=2"}
    assert body_links(glance)[0] == ("next", "/v2/images?marker=2")
    keystone = {"links": {"self": "http://k/v3/projects", "next": None, "previous": None}}
    assert body_links(keystone) == [("self", "http://k/v3/projects")]
    header = '<http://g/v1/resource/generic?marker=3>; rel="next"'
    assert body_links([], header) == [("next", "http://g/v1/resource/generic?marker=3")]


def test_body_text_describes_binary_and_cuts_huge_bodies() -> None:
    assert body_text("application/json; charset=UTF-8", b'{"a": 1}') == '{"a": 1}'
    assert body_text("", b"plain") == "plain"
    assert body_text("application/octet-stream", b"\x00" * 10) == (
        "(10 bytes of application/octet-stream: not shown)"
    )
    huge = body_text("text/plain", b"x" * (MAX_SHOWN_BYTES))
    assert huge.endswith(f"(cut at {MAX_SHOWN_BYTES:,} bytes)")


def test_raw_response_pretty_and_error() -> None:
    response = RawResponse(
        "GET",
        "u",
        "/x",
        404,
        "Not Found",
        (("X-Compute-Request-Id", "req-7"),),
        '{"itemNotFound": {"code": 404}}',
        3,
        "gone",
    )
    assert not response.ok and response.request_id == "req-7"
    assert response.pretty().startswith('{\n  "itemNotFound"')
    assert RawResponse("GET", "u", "/x", 200, "OK", (), "plain", 1).pretty() == "plain"


# -- the memory backend (what Gnocchi promises on every backend: tests/contract) -------------


def test_memory_raw_get_reads_only_and_answers_like_the_apis() -> None:
    backend = MemoryBackend(servers=4)

    async def run() -> dict[str, RawResponse]:
        by_type = {e.type: e for e in await backend.catalog() if e.interface == "public"}
        with pytest.raises(BackendError, match="only reads"):
            await backend.raw_get(by_type["compute"], "/servers", method="POST")
        return {
            "placement": await backend.raw_get(by_type["placement"], "/resource_providers"),
            "instances": await backend.raw_get(by_type["metric"], "/v1/resource/instance"),
            "missing": await backend.raw_get(by_type["orchestration"], "/stacks"),
        }

    answers = asyncio.run(run())
    assert len(answers["placement"].json()["resource_providers"]) == 4
    assert {r["type"] for r in answers["instances"].json()} == {"instance"}
    missing = answers["missing"]
    assert missing.status == 404 and missing.request_id.startswith("req-")
    assert missing.message == "The resource could not be found."
    assert backend.writes == []
