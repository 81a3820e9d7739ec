"""Heat and Swift calls through the real openstacksdk adapters and keystoneauth, to a local
HTTP server standing in for the services (devcloud runs neither): the URLs, query strings,
bodies, chunked uploads, streamed downloads, redirects and error answers on the wire."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from tui.backend.errors import Conflict, NotFound
from tui.backend.models import StackSpec
from tui.backend.openstack import OpenStackBackend
from tui.backend.openstack.orchestration import create_body
from tui.backend.transfer import TransferCancelled

FIXTURES = Path(__file__).parent.parent / "fixtures" / "api"
STACK_ID = "3095aefc-09fb-4bc7-b1f0-f21a304e864c"

Answer = tuple[int, dict[str, str], bytes]


class Services(BaseHTTPRequestHandler):
    """Answers from `routes` by (method, path); records what arrived."""

    routes: dict[tuple[str, str], Answer] = {}
    seen: list[tuple[str, str, dict[str, str], bytes]] = []
    port = 0

    def log_message(self, *args: Any) -> None:
        pass

    def _body(self) -> bytes:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            data = b""
            while size := int(self.rfile.readline().strip() or b"0", 16):  # b"": client gave up
                data += self.rfile.read(size)
                self.rfile.readline()
            self.rfile.readline()
            return data
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _answer(self) -> None:
        body = self._body()
        self.seen.append((self.command, self.path, dict(self.headers), body))
        path = urlsplit(self.path).path
        port = self.server.server_address[1]
        if path.rstrip("/") == "/v1":  # version discovery of the orchestration endpoint
            doc = {"versions": [{"id": "v1.0", "status": "CURRENT", "links": []}]}
            doc["versions"][0]["links"] = [{"href": f"http://127.0.0.1:{port}/v1/", "rel": "self"}]
            status, headers, payload = 200, {}, json.dumps(doc).encode()
        else:
            status, headers, payload = self.routes.get((self.command, path), (404, {}, b""))
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        if "Content-Length" not in headers:
            self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(payload)

    do_GET = do_PUT = do_HEAD = do_DELETE = do_POST = _answer


@pytest.fixture
def cloud(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[type[Services]]:
    Services.routes, Services.seen = {}, []
    server = ThreadingHTTPServer(("127.0.0.1", 0), Services)
    port = Services.port = server.server_address[1]
    threading.Thread(target=server.serve_forever, daemon=True).start()
    config = tmp_path / "clouds.yaml"
    config.write_text(
        "clouds:\n  local:\n    auth_type: none\n"
        f"    orchestration_endpoint_override: http://127.0.0.1:{port}/v1/proj\n"
        f"    object_store_endpoint_override: http://127.0.0.1:{port}/v1/AUTH_proj\n"
    )
    monkeypatch.setenv("OS_CLIENT_CONFIG_FILE", str(config))
    monkeypatch.delenv("OS_CLOUD", raising=False)
    yield Services
    server.shutdown()


def json_answer(name: str, status: int = 200, **headers: str) -> Answer:
    return status, {"Content-Type": "application/json", **headers}, (FIXTURES / name).read_bytes()


def sent(cloud: type[Services], method: str) -> list[tuple[str, dict[str, str], bytes]]:
    return [(path, headers, body) for m, path, headers, body in cloud.seen if m == method]


async def test_heat_on_the_wire(cloud: type[Services]) -> None:
    cloud.routes = {
        ("GET", "/v1/proj/stacks"): json_answer("heat_stacks_global.json"),
        ("GET", f"/v1/proj/stacks/{STACK_ID}"): (
            302,
            {"Location": f"http://127.0.0.1:{cloud.port}/v1/proj/stacks/simple_stack/{STACK_ID}"},
            b"",
        ),
        ("GET", f"/v1/proj/stacks/simple_stack/{STACK_ID}"): json_answer("heat_stack_show.json"),
        ("POST", "/v1/proj/stacks"): json_answer("heat_stack_create.json", 201),
        ("GET", "/v1/proj/stacks/nosuchstack"): json_answer(
            "heat_error_404.json", 404, **{"X-OpenStack-Request-Id": "req-heat-1"}
        ),
    }
    backend = OpenStackBackend("local")
    (stack,) = [s async for page in backend.stacks(all_projects=True) for s in page]
    assert stack.project_id == "eb1c63a4f77141548385f113a28f0f52"
    listed = sent(cloud, "GET")[1][0]  # [0] is the endpoint's version discovery
    assert listed == (
        "/v1/proj/stacks?limit=1000&sort_keys=creation_time&sort_dir=desc&global_tenant=1"
    )
    shown = await backend.stack(STACK_ID)  # Heat redirects an id to /stacks/{name}/{id}
    assert shown.raw["template_description"] == "sample stack"
    spec = StackSpec(name="teststack", template={"heat_template_version": "2018-08-31"})
    created = await backend.create_stack(spec)
    ((_, headers, body),) = sent(cloud, "POST")
    assert json.loads(body) == create_body(spec)
    assert headers["Content-Type"] == "application/json"
    assert created.id == STACK_ID
    with pytest.raises(NotFound) as missing:
        await backend.stack("nosuchstack")
    assert missing.value.message == "Heat: The Stack (nosuchstack) could not be found."
    assert missing.value.request_id == "req-heat-1"
    await backend.close()


async def test_swift_on_the_wire(cloud: type[Services], tmp_path: Path) -> None:
    payload = bytes(range(256)) * 12_000  # ~3 MiB: several chunks each way
    conflict = (FIXTURES / "swift_error_409.txt").read_bytes()
    cloud.routes = {
        ("GET", "/v1/AUTH_proj/"): json_answer("swift_containers.json"),
        ("GET", "/v1/AUTH_proj/marktwain"): json_answer("swift_objects_delimiter.json"),
        ("PUT", "/v1/AUTH_proj/marktwain/photos/new%20one.bin"): (201, {"Etag": "x"}, b""),
        ("HEAD", "/v1/AUTH_proj/marktwain/photos/new%20one.bin"): (
            200,
            {"Content-Length": str(len(payload)), "Etag": "x"},
            b"",
        ),
        ("GET", "/v1/AUTH_proj/marktwain/photos/me.jpg"): (
            200,
            {"Content-Type": "image/jpeg"},
            payload,
        ),
        ("DELETE", "/v1/AUTH_proj/marktwain"): (
            409,
            {"Content-Type": "text/html; charset=UTF-8", "X-Openstack-Request-Id": "tx409"},
            conflict,
        ),
    }
    backend = OpenStackBackend("local")
    names = [c.name async for page in backend.containers() for c in page]
    assert names == ["janeausten", "marktwain"]
    objects = backend.objects("marktwain", prefix="photos/", delimiter="/")
    assert [o.short async for page in objects for o in page] == ["animals/", "plants/", "me.jpg"]
    assert sent(cloud, "GET")[-1][0] == (
        "/v1/AUTH_proj/marktwain?format=json&limit=1000&prefix=photos%2F&delimiter=%2F"
    )

    source = tmp_path / "new one.bin"
    source.write_bytes(payload)
    progress: list[tuple[int, int | None]] = []
    stored = await backend.upload_object(
        "marktwain", "photos/new one.bin", str(source), lambda d, t: progress.append((d, t))
    )
    ((_, headers, body),) = sent(cloud, "PUT")
    assert body == payload and headers["Transfer-Encoding"] == "chunked"
    assert headers["Content-Type"] == "application/octet-stream"
    assert stored.bytes == len(payload) and progress[-1] == (len(payload), len(payload))

    target = tmp_path / "me.jpg"
    got: list[tuple[int, int | None]] = []
    done = await backend.download_object(
        "marktwain", "photos/me.jpg", str(target), lambda d, t: got.append((d, t))
    )
    assert done == len(payload) and target.read_bytes() == payload
    assert got[-1] == (len(payload), len(payload)) and len(got) > 2

    with pytest.raises(Conflict) as refused:
        await backend.delete_container("marktwain")
    assert refused.value.message == (
        "Swift: container marktwain is not empty (HTTP 409); delete its objects first."
    )
    assert refused.value.request_id == "tx409"
    await backend.close()


async def test_swift_transfers_stop_when_progress_says_so(
    cloud: type[Services], tmp_path: Path
) -> None:
    payload = bytes(range(256)) * 12_000  # ~3 MiB: several chunks
    cloud.routes = {
        ("PUT", "/v1/AUTH_proj/c/big.bin"): (201, {"Etag": "x"}, b""),
        ("GET", "/v1/AUTH_proj/c/big.bin"): (200, {}, payload),
    }

    def stop_after_first_chunk(done: int, total: int | None) -> None:
        if done > 0:
            raise TransferCancelled("Transfer cancelled.")

    backend = OpenStackBackend("local")
    source = tmp_path / "big.bin"
    source.write_bytes(payload)
    with pytest.raises(TransferCancelled):
        await backend.upload_object("c", "big.bin", str(source), stop_after_first_chunk)
    assert not sent(cloud, "HEAD"), "a cancelled upload is not checked as if stored"
    target = tmp_path / "copy.bin"
    with pytest.raises(TransferCancelled):
        await backend.download_object("c", "big.bin", str(target), stop_after_first_chunk)
    assert not target.exists()
    assert not list(tmp_path.glob("*.part")), "no partial file left behind"
    await backend.close()
