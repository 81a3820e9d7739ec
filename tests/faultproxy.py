"""A fault-injecting HTTP proxy for tests: in front of one devcloud service, on 127.0.0.1.

Every request is passed to the real service unless a rule matches it (method, path regex,
how many times); the rule then answers instead, or spoils the real answer. Rules:

    Fail(500)            a JSON error body with an x-openstack-request-id (503 too)
    RateLimit(2)         429 with Retry-After: 2
    Hang()               accept, never answer (until `release()` or MAX_HANG seconds)
    Reset()              close the connection with a TCP reset, no answer
    Truncate()           the real answer, Content-Length larger than the body sent
    Replace(b"...")      the real request is sent (a write happens), another body comes back
    Html(502)            an HTML error page, as a load balancer sends
    Unauthorized()       401, as for an expired or revoked token
    Slow(1.5)            the real answer, late

Bounded: a hang ends at `release()`, at `close()` and after MAX_HANG seconds in any case.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import socket
import struct
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

MAX_HANG = 30.0
UPSTREAM_TIMEOUT = 60.0
_HOP = {"connection", "keep-alive", "transfer-encoding", "content-length", "proxy-connection"}


@dataclass
class Rule:
    """Where a fault applies: method and path (a regex searched in the path, query excluded),
    for `times` requests (None: all of them)."""

    method: str | None = None
    path: str | None = None
    times: int | None = None
    hits: int = field(default=0, init=False)

    def matches(self, method: str, path: str) -> bool:
        if self.times is not None and self.hits >= self.times:
            return False
        if self.method and self.method != method:
            return False
        return not self.path or re.search(self.path, path) is not None


@dataclass
class Fail(Rule):
    status: int = 500
    message: str = "Injected failure"
    retry_after: int | None = None


@dataclass
class RateLimit(Rule):
    retry_after: int = 1


@dataclass
class Hang(Rule):
    pass


@dataclass
class Reset(Rule):
    pass


@dataclass
class Truncate(Rule):
    pass


@dataclass
class Replace(Rule):
    body: bytes = b"<not json>"
    status: int = 200
    content_type: str = "application/json"


@dataclass
class Html(Rule):
    status: int = 502


@dataclass
class Unauthorized(Rule):
    pass


@dataclass
class Slow(Rule):
    delay: float = 1.0


@dataclass(frozen=True)
class Seen:
    method: str
    path: str
    token: str
    answered: str  # "pass" or the rule's class name


class FaultProxy:
    """One service's proxy. `url` is where to point the client; `rules` apply in order."""

    def __init__(self, upstream: str) -> None:
        parts = urlsplit(upstream)
        self.upstream = (parts.hostname or "127.0.0.1", parts.port or 80)
        self.rules: list[Rule] = []
        self.seen: list[Seen] = []
        self._lock = threading.Lock()
        self._released = threading.Event()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def set(self, *rules: Rule) -> None:
        """These rules from now on (none: pass everything); hangs waiting so far end."""
        self.release()
        with self._lock:
            self.rules = list(rules)
            self._released = threading.Event()

    def release(self) -> None:
        self._released.set()

    def clear(self) -> None:
        self.set()
        self.seen.clear()

    def __enter__(self) -> FaultProxy:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def answered(self, rule: type[Rule], timeout: float) -> bool:
        """Whether a request met `rule` within `timeout` seconds (a hang: it is waiting)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if any(s.answered == rule.__name__ for s in self.seen):
                return True
            time.sleep(0.05)
        return False

    def requests(self, method: str | None = None, path: str = "") -> list[Seen]:
        return [
            s
            for s in self.seen
            if (method is None or s.method == method) and re.search(path, s.path)
        ]

    def close(self) -> None:
        self.release()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def _rule(self, method: str, path: str) -> tuple[Rule | None, threading.Event]:
        with self._lock:
            for rule in self.rules:
                if rule.matches(method, path):
                    rule.hits += 1
                    return rule, self._released
            return None, self._released


def _handler(proxy: FaultProxy) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: Any) -> None:
            pass

        def handle(self) -> None:
            try:
                super().handle()
            except (OSError, ValueError):  # a connection the rule itself broke
                self.close_connection = True

        def do_GET(self) -> None:
            self._handle()

        do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_GET

        def _handle(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            path = urlsplit(self.path).path
            rule, released = proxy._rule(self.command, path)
            token = self.headers.get("X-Auth-Token", "")
            proxy.seen.append(
                Seen(self.command, path, token, type(rule).__name__ if rule else "pass")
            )
            if rule is None or isinstance(rule, Slow):
                if isinstance(rule, Slow):
                    time.sleep(rule.delay)
                self._send(*self._forward(body))
            elif isinstance(rule, Fail):
                extra = {"Retry-After": str(rule.retry_after)} if rule.retry_after else {}
                self._error(rule.status, rule.message, extra)
            elif isinstance(rule, RateLimit):
                self._error(429, "Rate limit exceeded", {"Retry-After": str(rule.retry_after)})
            elif isinstance(rule, Unauthorized):
                self._error(401, "The request you have made requires authentication.")
            elif isinstance(rule, Html):
                page = (
                    f"<html><head><title>{rule.status} Bad Gateway</title></head>"
                    f"<body><h1>{rule.status} Bad Gateway</h1>"
                    "<p>The proxy server received an invalid response.</p></body></html>"
                ).encode()
                self._send(rule.status, {"Content-Type": "text/html"}, page)
            elif isinstance(rule, Hang):
                released.wait(MAX_HANG)
                self.close_connection = True
            elif isinstance(rule, Reset):
                self._reset()
            elif isinstance(rule, Truncate):
                status, headers, data = self._forward(body)
                self._send(status, headers, data[: len(data) // 2], length=len(data) + 100)
                self.wfile.flush()
                self._reset()
            elif isinstance(rule, Replace):
                status, headers, _ = self._forward(body)
                headers = {**headers, "Content-Type": rule.content_type}
                self._send(rule.status, headers, rule.body)

        def _forward(self, body: bytes) -> tuple[int, dict[str, str], bytes]:
            conn = http.client.HTTPConnection(*proxy.upstream, timeout=UPSTREAM_TIMEOUT)
            try:
                headers = {k: v for k, v in self.headers.items() if k.lower() not in _HOP}
                headers["Content-Length"] = str(len(body))
                conn.request(self.command, self.path, body=body or None, headers=headers)
                answer = conn.getresponse()
                data = answer.read()
                kept = {k: v for k, v in answer.getheaders() if k.lower() not in _HOP}
                return answer.status, kept, data
            finally:
                conn.close()

        def _error(self, status: int, message: str, extra: dict[str, str] | None = None) -> None:
            body = json.dumps({"error": {"code": status, "message": message}}).encode()
            headers = {
                "Content-Type": "application/json",
                "x-openstack-request-id": f"req-fault-{uuid.uuid4()}",
                **(extra or {}),
            }
            self._send(status, headers, body)

        def _send(
            self, status: int, headers: dict[str, str], data: bytes, length: int | None = None
        ) -> None:
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(data) if length is None else length))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(data)

        def _reset(self) -> None:
            self.close_connection = True
            try:
                self.connection.setsockopt(
                    socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0)
                )
                self.connection.close()
            except OSError:
                pass

    return Handler


@contextmanager
def proxies(upstreams: dict[str, str]) -> Iterator[dict[str, FaultProxy]]:
    """One FaultProxy per service; all closed (and their hangs released) at the end."""
    opened: dict[str, FaultProxy] = {}
    try:
        for service, upstream in upstreams.items():
            opened[service] = FaultProxy(upstream)
        yield opened
    finally:
        for proxy in opened.values():
            proxy.close()


# devcloud's services, and the path openstacksdk's `<type>_endpoint_override` needs after the
# proxy's address (Nova's version; Neutron's, which the SDK adds itself only without an
# override; Cinder's with the project; Glance finds its version by discovery).
DEVCLOUD_SERVICES = {
    "compute": ("http://127.0.0.1:8774", "/v2.1"),
    "network": ("http://127.0.0.1:9696", "/v2.0"),
    "block_storage": ("http://127.0.0.1:8776", "/v3/{project_id}"),
    "image": ("http://127.0.0.1:9292", ""),
    "identity": ("http://127.0.0.1:5000", "/v3"),
}


@contextmanager
def proxied_cloud(
    clouds: Path, workdir: Path, *, base: str, name: str, project_id: str, timeout: float
) -> Iterator[dict[str, FaultProxy]]:
    """Cloud `name` in a clouds.yaml of its own (beside every cloud of `clouds`): `base`'s
    credentials, each service through a FaultProxy, requests given up after `timeout` s.
    OS_CLIENT_CONFIG_FILE points at it meanwhile. Keystone's auth itself is not proxied."""
    import yaml

    config = yaml.safe_load(clouds.read_text())
    with proxies({s: upstream for s, (upstream, _) in DEVCLOUD_SERVICES.items()}) as opened:
        cloud = dict(config["clouds"][base], api_timeout=timeout)
        for service, (_, path) in DEVCLOUD_SERVICES.items():
            override = opened[service].url + path.format(project_id=project_id)
            cloud[f"{service}_endpoint_override"] = override
        config["clouds"][name] = cloud
        target = workdir / "clouds.yaml"
        target.write_text(yaml.safe_dump(config))
        old = os.environ.get("OS_CLIENT_CONFIG_FILE")
        os.environ["OS_CLIENT_CONFIG_FILE"] = str(target)
        try:
            yield opened
        finally:
            if old is None:
                os.environ.pop("OS_CLIENT_CONFIG_FILE", None)
            else:
                os.environ["OS_CLIENT_CONFIG_FILE"] = old


@contextmanager
def devcloud_proxies(
    clouds: Path, workdir: Path, *, name: str, timeout: float
) -> Iterator[dict[str, FaultProxy]]:
    """`proxied_cloud` for devcloud's admin (its project id is in Cinder's URL)."""
    import openstack

    conn = openstack.connect(cloud="devcloud-admin")
    project_id = conn.current_project_id
    conn.close()
    with proxied_cloud(
        clouds, workdir, base="devcloud-admin", name=name, project_id=project_id, timeout=timeout
    ) as opened:
        yield opened
