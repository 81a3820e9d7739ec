"""A password typed into any secret field never shows again, against devcloud's real
Keystone behind a proxy that echoes password-carrying requests back in a 400.

The proxy (127.0.0.1, a free port) relays everything to Keystone and rewrites Keystone's
own URL in what comes back, so the token's catalog sends identity calls through it too;
the other services stay on their real ports. Creating a user or setting a password is
answered with 400 and the request body, as sent and re-encoded, and the token, in the
error message.
"""

from __future__ import annotations

import asyncio
import http.client
import json
import logging
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from uuid import uuid4

import pytest
import yaml
from textual.widgets import Static

from tests.app_forms import submit_refused
from tests.app_helpers import screen_text, settle, wait_for
from tests.leaks import echoed, found_in, terminal_output, terminal_text
from tui.app import StackdeckApp
from tui.backend.audit import AuditLog
from tui.backend.models import UserSpec
from tui.backend.openstack import OpenStackBackend
from tui.config import Settings
from tui.screens.resource import ResourceScreen

KEYSTONE = "http://127.0.0.1:5000"
PASSWORD = 'Sd-pä$$ wörd/+é"x-' + uuid4().hex[:8]
USER_WRITE = re.compile(r"/v3/users(/[^/]+)?")
HOP_BY_HOP = {"connection", "content-length", "transfer-encoding", "keep-alive", "host"}


class EchoingKeystone(ThreadingHTTPServer):
    """Keystone, except that a user write carrying a password is refused with its echo."""

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Relay)
        self.url = f"http://127.0.0.1:{self.server_address[1]}"
        self.echoed: list[str] = []


class _Relay(BaseHTTPRequestHandler):
    server: EchoingKeystone

    def _relay(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        path = urlsplit(self.path).path
        if self.command in ("POST", "PATCH") and USER_WRITE.fullmatch(path) and b"password" in body:
            self.server.echoed.append(f"{self.command} {path}")
            message = f"{echoed(body.decode())}; token: {self.headers.get('X-Auth-Token')}"
            error = {"error": {"code": 400, "title": "Bad Request", "message": message}}
            self._answer(400, [("Content-Type", "application/json")], json.dumps(error).encode())
            return
        upstream = http.client.HTTPConnection("127.0.0.1", 5000, timeout=60)
        headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
        upstream.request(self.command, self.path, body or None, headers)
        response = upstream.getresponse()
        data = response.read().replace(KEYSTONE.encode(), self.server.url.encode())
        upstream.close()
        kept = [(k, v.replace(KEYSTONE, self.server.url)) for k, v in response.getheaders()]
        self._answer(
            response.status, [(k, v) for k, v in kept if k.lower() not in HOP_BY_HOP], data
        )

    def _answer(self, status: int, headers: list[tuple[str, str]], data: bytes) -> None:
        self.send_response(status)
        for key, value in headers:
            self.send_header(key, value)
        if status >= 400 and not any(k.lower() == "x-openstack-request-id" for k, _ in headers):
            self.send_header("x-openstack-request-id", f"req-echo-{uuid4()}")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = do_PATCH = do_PUT = do_DELETE = do_HEAD = _relay

    def log_message(self, format: str, *args: Any) -> None:
        return


@contextmanager
def echoing_keystone() -> Iterator[EchoingKeystone]:
    server = EchoingKeystone()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


def clouds_through(proxy: str, devcloud: Path, into: Path) -> Path:
    """devcloud's admin cloud, renamed, with its auth_url on the proxy."""
    clouds = yaml.safe_load(devcloud.read_text())
    cloud = clouds["clouds"]["devcloud-admin"]
    cloud["auth"]["auth_url"] = f"{proxy}/v3"
    path = into / "clouds.yaml"
    path.write_text(yaml.safe_dump({"clouds": {"sdsecret-echo": cloud}}))
    return path


async def test_every_secret_field_stays_secret_behind_an_echoing_keystone(
    devcloud: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    capfd: pytest.CaptureFixture[str],
) -> None:
    caplog.set_level(logging.DEBUG)
    admin = OpenStackBackend("devcloud-admin")
    await admin.connect()
    target = await admin.create_user(
        UserSpec(name=f"sdsecret-{uuid4().hex[:8]}", password=f"Sd-{uuid4().hex}")
    )
    audit_file = tmp_path / "audit.jsonl"
    seen: list[str] = []
    token = ""
    try:
        with echoing_keystone() as proxy, terminal_output(monkeypatch) as written:
            monkeypatch.setenv(
                "OS_CLIENT_CONFIG_FILE", str(clouds_through(proxy.url, devcloud, tmp_path))
            )
            backend = OpenStackBackend("sdsecret-echo", audit=AuditLog(audit_file))
            app = StackdeckApp(
                backend, Settings(cloud="sdsecret-echo", refresh_seconds=0, start_resource="users")
            )
            forms = [("users", "create", None), ("users", "set_password", target)]
            async with app.run_test(size=(120, 40), notifications=True) as pilot:
                await settle(pilot)
                for resource_name, action_name, row in forms:
                    form = await submit_refused(pilot, resource_name, action_name, row, PASSWORD)
                    assert form.last_error.status == 400 and form.last_error.request_id
                    seen.append(screen_text(pilot))
                    seen.append(str(form.query_one("#form-error", Static).render()))
                    assert "Invalid input for field" in seen[-1], "Keystone's words are shown"
                    await pilot.press("escape")
                    await wait_for(pilot, lambda: isinstance(app.screen, ResourceScreen))
                notifications = [f"{n.title}\n{n.message}" for n in app._notifications]
                token = await asyncio.to_thread(lambda: backend._connection().session.get_token())
            await backend.close()
        assert proxy.echoed == ["POST /v3/users", f"PATCH /v3/users/{target.id}"]
        out, err = capfd.readouterr()
        outputs = {
            "screen": "\n".join(seen),
            "notifications": "\n".join(notifications),
            "audit": audit_file.read_text(),
            "logs": "\n".join(r.getMessage() for r in caplog.records),
            "terminal": terminal_text("".join(written)),
            "stdout and stderr": out + err,
        }
        assert "set-password" in outputs["audit"] and "create-user" in outputs["audit"]
        assert token and found_in(outputs, PASSWORD, token) == {}
    finally:
        await admin.delete_user(target)
        async for page in admin.users():  # had the proxy let a create through
            for user in page:
                if user.name == "sdsecret-user":
                    await admin.delete_user(user)
        await admin.close()
