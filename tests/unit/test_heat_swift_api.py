"""Heat and Swift on the real backend, without a network: the parsers on the API
reference's samples (tests/fixtures/api, see its README), and the mixins' requests, sent
to a recording stand-in for the SDK connection's adapters."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import requests
from requests.structures import CaseInsensitiveDict

from tui.backend.audit import AuditLog
from tui.backend.errors import BackendError, Conflict, NotFound, ReadOnlyError
from tui.backend.models import Container, Stack, StackEvent, StackResource, StackSpec, SwiftObject
from tui.backend.openstack import OpenStackBackend
from tui.backend.openstack.object_store import (
    container_from_headers,
    container_path,
    list_query,
    object_from_headers,
    object_path,
)
from tui.backend.openstack.orchestration import (
    create_body,
    created_stack,
    events_query,
    next_page,
    parse_events,
    parse_resources,
    parse_stacks,
    stack_path,
    stacks_query,
)
from tui.backend.swift import content_type_for

FIXTURES = Path(__file__).parent.parent / "fixtures" / "api"


def fixture(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text())


# -- parsers on the API reference's samples --------------------------------------------------


def test_stack_list_and_show() -> None:
    (stack,) = parse_stacks(fixture("heat_stacks.json"), own_project="p-own")
    assert (stack.id, stack.name) == ("3095aefc-09fb-4bc7-b1f0-f21a304e864c", "simple_stack")
    assert (stack.status, stack.status_reason) == (
        "CREATE_COMPLETE",
        "Stack CREATE completed successfully",
    )
    assert stack.created == "2014-06-03T20:59:46Z" and stack.updated == ""
    assert stack.project_id == "p-own", "a project-scoped list is all our own project's"
    assert stack.settled and not stack.failed
    (other,) = parse_stacks(fixture("heat_stacks_global.json"), own_project="p-own")
    assert other.project_id == "eb1c63a4f77141548385f113a28f0f52"
    assert not other.settled
    shown = Stack.from_api(fixture("heat_stack_show.json")["stack"])
    assert shown.project_id == "3ab5b02f-a01f-4f95-afa1-e254afc4a435"
    assert shown.raw["template_description"] == "sample stack"
    assert shown.raw["parameters"]["OS::stack_name"] == "simple_stack"


def test_resources_and_events() -> None:
    (res,) = parse_resources(fixture("heat_resources.json"))
    assert res == StackResource(
        name="random_key_name",
        type="OS::Heat::RandomString",
        status="CREATE_COMPLETE",
        status_reason="state changed",
        physical_id="mystack-random_key_name-pmjmy5pks735",
        updated="2015-06-25T14:59:53",
        required_by=(),
    )
    failed, started = parse_events(fixture("heat_events.json"))
    assert isinstance(failed, StackEvent)
    assert (failed.resource_name, failed.status, failed.time) == (
        "port",
        "CREATE_FAILED",
        "2014-07-23T08:14:47Z",
    )
    assert failed.status_reason.startswith("NotFound: Subnet f8a699d0")
    assert failed.physical_id == "" and started.status == "CREATE_IN_PROGRESS"


def test_created_stack_is_in_progress() -> None:
    spec = StackSpec(name="teststack", template={"heat_template_version": "2018-08-31"})
    stack = created_stack(fixture("heat_stack_create.json"), spec)
    assert (stack.id, stack.name, stack.status) == (
        "3095aefc-09fb-4bc7-b1f0-f21a304e864c",
        "teststack",
        "CREATE_IN_PROGRESS",
    )


def test_containers_and_objects() -> None:
    empty, full = [Container.from_api(d) for d in fixture("swift_containers.json")]
    assert (empty.name, empty.count, empty.bytes) == ("janeausten", 0, 0)
    assert (full.name, full.count, full.bytes) == ("marktwain", 1, 14)
    assert full.last_modified == "2016-04-29T16:23:50.460230"
    goodbye, _ = [SwiftObject.from_api(d, "", "marktwain") for d in fixture("swift_objects.json")]
    assert (goodbye.container, goodbye.name, goodbye.short, goodbye.bytes) == (
        "marktwain",
        "goodbye",
        "goodbye",
        14,
    )
    assert goodbye.hash == "451e372e48e0f6b1114fa0724aa79fa1" and not goodbye.folder
    animals, _, me = [
        SwiftObject.from_api(d, "photos/", "c") for d in fixture("swift_objects_delimiter.json")
    ]
    assert (animals.name, animals.short, animals.folder) == ("photos/animals/", "animals/", True)
    assert (me.name, me.short, me.content_type) == ("photos/me.jpg", "me.jpg", "image/jpeg")


def test_counts_and_metadata_from_headers() -> None:
    headers = CaseInsensitiveDict(fixture("swift_container_headers.json"))
    container = container_from_headers("marktwain", headers)
    assert (container.count, container.bytes) == (2, 26)
    obj = object_from_headers(
        "c", "goodbye", CaseInsensitiveDict(fixture("swift_object_headers.json"))
    )
    assert (obj.bytes, obj.hash, obj.content_type) == (
        14,
        "451e372e48e0f6b1114fa0724aa79fa1",
        "application/octet-stream",
    )
    assert obj.last_modified == "Thu, 16 Jan 2014 21:12:31 GMT"


# -- request building -------------------------------------------------------------------------


def test_heat_queries_and_bodies() -> None:
    assert stacks_query(True, 50, "m1") == {
        "limit": 50,
        "sort_keys": "creation_time",
        "sort_dir": "desc",
        "global_tenant": 1,
        "marker": "m1",
    }
    assert "global_tenant" not in stacks_query(False, 50, None)
    assert events_query(20, None) == {"limit": 20, "sort_dir": "desc"}
    stack = Stack.from_api({"id": "i d", "stack_name": "web/1"})
    assert stack_path(stack) == "/stacks/web%2F1/i%20d"
    spec = StackSpec(
        name="web",
        template={"heat_template_version": "2018-08-31", "resources": {}},
        parameters=(("flavor", "m1.small"),),
        environment={"parameter_defaults": {"key_name": "ops"}},
        timeout_mins=30,
        rollback=False,
    )
    assert create_body(spec) == {
        "stack_name": "web",
        "template": {"heat_template_version": "2018-08-31", "resources": {}},
        "parameters": {"flavor": "m1.small"},
        "disable_rollback": True,
        "environment": {"parameter_defaults": {"key_name": "ops"}},
        "timeout_mins": 30,
    }
    plain = create_body(StackSpec(name="x", template={}))
    assert "environment" not in plain and "timeout_mins" not in plain
    assert plain["disable_rollback"] is False
    assert next_page([stack] * 3, 3) == "i d" and next_page([stack] * 2, 3) is None


def test_swift_paths_and_queries() -> None:
    assert container_path("my files") == "/my%20files"
    assert object_path("c", "photos/2024/a b.jpg") == "/c/photos/2024/a%20b.jpg"
    assert list_query(100, None) == {"format": "json", "limit": 100}
    assert list_query(100, "b", prefix="db/", delimiter="/") == {
        "format": "json",
        "limit": 100,
        "marker": "b",
        "prefix": "db/",
        "delimiter": "/",
    }
    assert content_type_for("x.html") == "text/html"
    assert content_type_for("x.unknownext") == "application/octet-stream"
    assert content_type_for("x.html", "text/plain") == "text/plain"


# -- the mixins, on a recording stand-in for the SDK's adapters --------------------------------


def response(
    status: int, body: Any = b"", headers: dict[str, str] | None = None
) -> requests.Response:
    r = requests.Response()
    r.status_code = status
    r.reason = {
        200: "OK",
        201: "Created",
        204: "No Content",
        404: "Not Found",
        409: "Conflict",
    }.get(status, "")
    if isinstance(body, bytes):
        r._content = body
    elif isinstance(body, str):
        r._content = body.encode()
    else:
        r._content = json.dumps(body).encode()
    r.headers = CaseInsensitiveDict(headers or {})
    r._content_consumed = True
    r.raw = io.BytesIO()  # closed after a streamed download
    return r


class Adapter:
    def __init__(self) -> None:
        self.sent: list[tuple[str, str, dict[str, Any]]] = []
        self.answers: list[Callable[[str, str, dict[str, Any]], requests.Response | None]] = []

    def request(self, path: str, method: str, **kwargs: Any) -> requests.Response:
        if kwargs.get("data") is not None and not isinstance(kwargs["data"], bytes):
            kwargs["data"] = b"".join(kwargs["data"])  # what the wire would carry
        self.sent.append((method, path, kwargs))
        for answer in self.answers:
            if (found := answer(method, path, kwargs)) is not None:
                return found
        return response(204)


class Connection:
    def __init__(self) -> None:
        self.orchestration = Adapter()
        self.object_store = Adapter()


def backend(tmp_path: Path, *, read_only: bool = False) -> tuple[OpenStackBackend, Connection]:
    b = OpenStackBackend("fake", read_only=read_only, audit=AuditLog(tmp_path / "audit.jsonl"))
    conn = Connection()
    b._conn = conn  # type: ignore[assignment]
    return b, conn


def on(
    method: str, path: str, answer: requests.Response
) -> Callable[..., requests.Response | None]:
    return lambda m, p, _kw: answer if (m, p) == (method, path) else None


async def test_stack_calls(tmp_path: Path) -> None:
    b, conn = backend(tmp_path)
    heat = conn.orchestration
    heat.answers = [
        lambda m, p, kw: response(200, {"stacks": []}) if kw["params"].get("marker") else None,
        on("GET", "/stacks", response(200, fixture("heat_stacks_global.json"))),
        on("POST", "/stacks", response(201, fixture("heat_stack_create.json"))),
        on(
            "GET",
            "/stacks/3095aefc-09fb-4bc7-b1f0-f21a304e864c",
            response(200, fixture("heat_stack_show.json")),
        ),
        on(
            "GET",
            "/stacks/nosuchstack",
            response(404, fixture("heat_error_404.json"), {"x-openstack-request-id": "req-1"}),
        ),
    ]
    pages = [page async for page in b.stacks(all_projects=True, page_size=1)]
    # A full page asks for the next one from its last id; an empty answer ends the list.
    assert [(m, p, kw["params"]) for m, p, kw in heat.sent] == [
        ("GET", "/stacks", stacks_query(True, 1, None)),
        ("GET", "/stacks", stacks_query(True, 1, "3095aefc-09fb-4bc7-b1f0-f21a304e864c")),
    ]
    stack = pages[0][0]
    shown = await b.stack(stack.id)
    assert shown.raw["template_description"] == "sample stack"
    with pytest.raises(NotFound) as missing:
        await b.stack("nosuchstack")
    assert missing.value.message == "Heat: The Stack (nosuchstack) could not be found."
    assert missing.value.request_id == "req-1"

    heat.sent.clear()
    heat.answers.insert(
        0,
        on("GET", f"{stack_path(stack)}/resources", response(200, fixture("heat_resources.json"))),
    )
    heat.answers.insert(
        0, on("GET", f"{stack_path(stack)}/events", response(200, fixture("heat_events.json")))
    )
    assert [r.name for r in await b.stack_resources(stack)] == ["random_key_name"]
    events = [e async for page in b.stack_events(stack) for e in page]
    assert [e.status for e in events] == ["CREATE_FAILED", "CREATE_IN_PROGRESS"]
    assert heat.sent[-1][2]["params"] == events_query(1000, None)

    spec = StackSpec(name="teststack", template={"heat_template_version": "2018-08-31"})
    created = await b.create_stack(spec)
    kwargs = next(kw for m, _p, kw in heat.sent if m == "POST")
    assert kwargs["json"] == create_body(spec)
    assert created.status == "CREATE_IN_PROGRESS"
    await b.delete_stack(shown)
    assert heat.sent[-1][:2] == ("DELETE", stack_path(shown))
    assert [r.action for r in b._audit.records()] == ["create-stack", "delete-stack"]  # type: ignore[union-attr]


async def test_swift_calls(tmp_path: Path) -> None:
    b, conn = backend(tmp_path)
    swift = conn.object_store
    swift.answers = [
        on("GET", "/", response(200, fixture("swift_containers.json"))),
        on("HEAD", "/marktwain", response(204, b"", fixture("swift_container_headers.json"))),
        on("GET", "/marktwain", response(200, fixture("swift_objects_delimiter.json"))),
        on(
            "DELETE",
            "/marktwain",
            response(
                409,
                (FIXTURES / "swift_error_409.txt").read_bytes(),
                {"x-openstack-request-id": "tx9"},
            ),
        ),
    ]
    containers = [c async for page in b.containers() for c in page]
    assert [c.name for c in containers] == ["janeausten", "marktwain"]
    assert swift.sent[0][2]["params"] == {"format": "json", "limit": 1000}
    objects = [
        o async for page in b.objects("marktwain", prefix="photos/", delimiter="/") for o in page
    ]
    assert [o.short for o in objects] == ["animals/", "plants/", "me.jpg"]
    assert swift.sent[-1][2]["params"] == list_query(1000, None, prefix="photos/", delimiter="/")
    created = await b.create_container("marktwain")
    assert ("PUT", "/marktwain") in [(m, p) for m, p, _ in swift.sent]
    assert (created.count, created.bytes) == (2, 26)
    with pytest.raises(Conflict) as refused:
        await b.delete_container("marktwain")
    assert "not empty (HTTP 409)" in refused.value.message
    assert refused.value.request_id == "tx9"


async def test_swift_empty_listing_is_204(tmp_path: Path) -> None:
    b, conn = backend(tmp_path)
    conn.object_store.answers = [on("GET", "/", response(204))]
    assert [page async for page in b.containers()] == []


async def test_upload_and_download(tmp_path: Path) -> None:
    b, conn = backend(tmp_path)
    swift = conn.object_store
    source = tmp_path / "notes.txt"
    source.write_bytes(b"x" * 3000)
    swift.answers = [
        on("PUT", "/c/dir/notes.txt", response(201, b"", {"Etag": "abc"})),
        on(
            "HEAD",
            "/c/dir/notes.txt",
            response(
                200, b"", {"Content-Length": "3000", "Content-Type": "text/plain", "Etag": "abc"}
            ),
        ),
        on("GET", "/c/dir/notes.txt", response(200, b"y" * 2500, {"Content-Length": "2500"})),
    ]
    seen: list[tuple[int, int | None]] = []
    stored = await b.upload_object(
        "c", "dir/notes.txt", str(source), lambda d, t: seen.append((d, t))
    )
    kwargs = next(kw for m, _p, kw in swift.sent if m == "PUT")
    assert kwargs["data"] == b"x" * 3000 and kwargs["headers"] == {"Content-Type": "text/plain"}
    assert seen[0] == (0, 3000) and seen[-1] == (3000, 3000)
    assert (stored.bytes, stored.hash) == (3000, "abc")

    target = tmp_path / "out.txt"
    got: list[tuple[int, int | None]] = []
    assert (
        await b.download_object("c", "dir/notes.txt", str(target), lambda d, t: got.append((d, t)))
        == 2500
    )
    assert target.read_bytes() == b"y" * 2500 and got[-1] == (2500, 2500)
    assert next(kw for m, p, kw in swift.sent if m == "GET")["stream"] is True
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".out")] == []
    assert [r.action for r in b._audit.records()] == ["upload-object"]  # type: ignore[union-attr]


async def test_a_short_upload_is_an_error(tmp_path: Path) -> None:
    b, conn = backend(tmp_path)
    source = tmp_path / "f.bin"
    source.write_bytes(b"z" * 10)
    conn.object_store.answers = [
        on("HEAD", "/c/f.bin", response(200, b"", {"Content-Length": "4"}))
    ]
    with pytest.raises(BackendError, match=r"stored 4 bytes of f\.bin, not 10"):
        await b.upload_object("c", "f.bin", str(source))


async def test_read_only_sends_no_write(tmp_path: Path) -> None:
    b, conn = backend(tmp_path, read_only=True)
    source = tmp_path / "f.bin"
    source.write_bytes(b"z")
    stack = Stack.from_api({"id": "s", "stack_name": "n"})
    for call in (
        b.create_stack(StackSpec(name="n", template={})),
        b.delete_stack(stack),
        b.create_container("c"),
        b.delete_container("c"),
        b.delete_object("c", "o"),
        b.upload_object("c", "o", str(source)),
    ):
        with pytest.raises(ReadOnlyError):
            await call
    assert conn.orchestration.sent == [] and conn.object_store.sent == []
