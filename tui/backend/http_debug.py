"""`--debug`: every HTTP request stackdeck sends to the cloud, in a file an operator can
hand to a vendor: time, method, URL, status, how long it took and the request id, and with
`--debug=body` what was sent and what came back (docs/debug.md).

Nothing secret reaches the file. Headers are not written (the token travels in one); a
body's fields whose names say they hold a secret (`password`, `adminPass`, `auth_key`,
`private_key`, ...) are masked before anything else, so an answer carrying a secret is
masked before the session has registered it; every secret the session knows
(`tui.secrets.Secrets`: what was typed into a secret field, the tokens) is masked in every
line. Text from the cloud is written with its control characters made visible: `cat
debug.log` in a terminal runs no escape sequence a tenant put in a name. No Textual here.
"""

from __future__ import annotations

import json
import os
import re
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from tui.secrets import HIDDEN, Secrets
from tui.text import safe

FILE_NAME = "debug.log"
ROTATE_AT = 20 * 1024 * 1024  # at start, a bigger log moves to debug.log.1
BODY_LIMIT = 64 * 1024  # characters of a body written; the rest is counted
SECRET_FIELD = re.compile(r"pass|secret|token|auth_key|private_key|credential", re.IGNORECASE)


def masked(value: Any) -> Any:
    """A JSON value with the values of secret-looking fields replaced."""
    if isinstance(value, dict):
        return {
            k: HIDDEN if SECRET_FIELD.search(str(k)) and v else masked(v) for k, v in value.items()
        }
    if isinstance(value, list):
        return [masked(v) for v in value]
    return value


def body_text(body: Any) -> str:
    """What a body is, for the log: JSON re-written with its secret fields masked (ASCII, so
    no control character survives), other text made visible, bytes counted."""
    if body is None or body == b"" or body == "":
        return ""
    if isinstance(body, bytes):
        try:
            body = body.decode("utf-8")
        except UnicodeDecodeError:
            return f"({len(body)} bytes, not text)"
    if isinstance(body, str):
        try:
            body = json.loads(body)
        except ValueError:
            return safe(body, multiline=True)
    if isinstance(body, dict | list):
        return json.dumps(masked(body), sort_keys=True)
    return f"({type(body).__name__}: not logged)"  # a stream of chunks (an upload)


def _cut(text: str) -> str:
    if len(text) <= BODY_LIMIT:
        return text
    return f"{text[:BODY_LIMIT]}… ({len(text) - BODY_LIMIT} characters more)"


class HttpDebugLog:
    """The `--debug` file; one per process, written from any thread."""

    def __init__(self, path: Path, stream: IO[str], *, bodies: bool) -> None:
        self.path = path
        self.bodies = bodies
        self._stream = stream
        self._lock = threading.Lock()

    @classmethod
    def open(cls, directory: Path, *, bodies: bool) -> HttpDebugLog:
        """The log in `directory` (made 0700), opened to append (0600); a log grown past
        ROTATE_AT is moved aside first."""
        directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        path = directory / FILE_NAME
        if path.exists() and path.stat().st_size > ROTATE_AT:
            path.replace(directory / f"{FILE_NAME}.1")
        descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        os.chmod(path, 0o600)  # an older file made with a looser mode
        return cls(path, os.fdopen(descriptor, "a", encoding="utf-8"), bodies=bodies)

    def note(self, text: str) -> None:
        """A line of our own (the session's start: version and cloud)."""
        self._write(f"{_now()}  -- {safe(text)}\n")

    def answered(
        self,
        method: str,
        url: str,
        status: int,
        request_id: str | None,
        seconds: float,
        secrets: Secrets,
        *,
        sent: Any = None,
        received: bytes | None = None,
    ) -> None:
        """One request and its answer; the bodies when the log keeps them (`received` is
        None for an answer read as a stream: a download)."""
        line = (
            f"{_now()}  {method} {safe(url)}  {status}  {seconds:.3f} s"
            f"  {safe(request_id or 'no request id')}\n"
        )
        if self.bodies:
            if text := body_text(sent):
                line += f"    sent: {_cut(text)}\n"
            if received is None:
                line += "    received: (a stream, not read here)\n"
            elif text := body_text(received):
                line += f"    received: {_cut(text)}\n"
        self._write(secrets.redact(line))

    def failed(
        self, method: str, where: str, seconds: float, error: BaseException, secrets: Secrets
    ) -> None:
        """A request that got no answer (refused, timed out, no route)."""
        line = (
            f"{_now()}  {method} {safe(where)}  no answer  {seconds:.3f} s"
            f"  {type(error).__name__}: {safe(str(error))}\n"
        )
        self._write(secrets.redact(line))

    def close(self) -> None:
        with self._lock:
            self._stream.close()

    def _write(self, text: str) -> None:
        with self._lock:
            if not self._stream.closed:
                self._stream.write(text)
                self._stream.flush()


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
