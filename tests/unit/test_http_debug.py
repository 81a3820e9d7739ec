"""`--debug`: every request the backend sends is written to the debug log with its time,
method, URL, status, duration and request id; bodies only with `--debug=body`; no secret,
no header and no terminal escape from the cloud reaches the file."""

from __future__ import annotations

import stat
from pathlib import Path
from typing import Any

import pytest
import requests

from tui.backend import http_debug
from tui.backend.http_debug import HttpDebugLog
from tui.backend.openstack import OpenStackBackend
from tui.cli import _parser

REQUEST_ID = "req-0a1b2c3d-0000-4444-8888-123456789abc"
URL = "http://127.0.0.1:8774/v2.1/servers"
TOKEN = "gAAAAAB-a-token-of-the-session-0123456789"


class Adapter:
    """A service adapter answering every request with `body` (or failing with `error`)."""

    def __init__(self, body: bytes = b"{}", status: int = 200, error: Exception | None = None):
        self.body, self.status, self.error = body, status, error

    def request(self, path: str, method: str, **kwargs: Any) -> requests.Response:
        if self.error is not None:
            raise self.error
        response = requests.Response()
        response.status_code = self.status
        response._content = self.body
        response.url = URL + path.removeprefix("/servers")
        response.headers["x-openstack-request-id"] = REQUEST_ID
        response.headers["X-Subject-Token"] = TOKEN
        return response


def logged(tmp_path: Path, *, bodies: bool) -> tuple[OpenStackBackend, Path]:
    log = HttpDebugLog.open(tmp_path / "state", bodies=bodies)
    backend = OpenStackBackend("unused", http_debug=log)
    backend.secrets.add(TOKEN)
    return backend, log.path


BOOT = {"server": {"name": "web-1", "adminPass": "Typed-Admin-Pass-1", "flavorRef": "1"}}
BOOTED = (
    b'{"server": {"id": "s-1", "adminPass": "Nova-Made-Pass-9", '
    b'"name": "evil\\u001b]52;c;AAAA\\u0007"}}'
)


def test_a_request_is_logged_with_its_status_time_and_request_id(tmp_path: Path) -> None:
    backend, path = logged(tmp_path, bodies=False)
    backend._send(Adapter(BOOTED, 202), "POST", "compute", "/servers", {"json": BOOT})
    text = path.read_text()
    line = text.splitlines()[-1]
    assert line.split("  ")[1:3] == [f"POST {URL}", "202"]
    assert line.endswith(f" s  {REQUEST_ID}")
    assert "web-1" not in text, "no body without --debug=body"
    assert TOKEN not in text and "X-Subject-Token" not in text


def test_bodies_are_logged_with_every_secret_masked(tmp_path: Path) -> None:
    backend, path = logged(tmp_path, bodies=True)
    backend.secrets.add("Typed-Admin-Pass-1")
    backend._send(Adapter(BOOTED, 202), "POST", "compute", "/servers", {"json": BOOT})
    text = path.read_text()
    assert '"name": "web-1"' in text and '"id": "s-1"' in text
    assert "Typed-Admin-Pass-1" not in text, "a typed secret"
    assert "Nova-Made-Pass-9" not in text, "a secret in an answer, before anyone registers it"
    assert text.count('"adminPass": "****"') == 2
    assert "\x1b" not in text and "\x07" not in text, "a name's escapes stay escaped"


def test_a_text_answer_is_made_visible_and_a_download_is_not_read(tmp_path: Path) -> None:
    backend, path = logged(tmp_path, bodies=True)
    backend._send(Adapter(b"<html>\x1b[2Jbad gateway</html>", 502), "GET", "compute", "/", {})
    backend._send(Adapter(b"image bytes"), "GET", "image", "/v2/images/i/file", {"stream": True})
    text = path.read_text()
    assert "\x1b" not in text and "bad gateway" in text
    assert "(a stream, not read here)" in text and "image bytes" not in text


def test_a_request_without_an_answer_is_logged_with_why(tmp_path: Path) -> None:
    backend, path = logged(tmp_path, bodies=False)
    with pytest.raises(ConnectionError):
        backend._send(
            Adapter(error=ConnectionError("refused")), "GET", "compute", "/servers/detail", {}
        )
    assert "GET compute /servers/detail  no answer" in path.read_text()
    assert "ConnectionError: refused" in path.read_text()


def test_the_log_is_private_and_moves_aside_when_big(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    backend, path = logged(tmp_path, bodies=False)
    backend._send(Adapter(), "GET", "compute", "/servers", {})
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    monkeypatch.setattr(http_debug, "ROTATE_AT", 10)
    HttpDebugLog.open(path.parent, bodies=False).note("a second session")
    assert "a second session" in path.read_text() and "GET" not in path.read_text()
    assert "GET" in (path.parent / "debug.log.1").read_text()


def test_the_debug_flag_takes_body_and_refuses_anything_else(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert _parser().parse_args(["--debug"]).debug == "requests"
    assert _parser().parse_args(["--debug=body"]).debug == "body"
    assert _parser().parse_args([]).debug is None
    with pytest.raises(SystemExit):
        _parser().parse_args(["--debug=all"])
    assert "invalid choice: 'all'" in capsys.readouterr().err
