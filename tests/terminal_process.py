"""Running `stackdeck` itself on a pseudo-terminal: start it, read what it draws, type, wait."""

from __future__ import annotations

import contextlib
import os
import pty
import select
import signal
import socket
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

STACKDECK = Path(sys.executable).parent / "stackdeck"


@dataclass
class TerminalProcess:
    pid: int
    fd: int
    seen: bytes = b""

    def read_until(self, marker: bytes, seconds: float) -> bool:
        deadline = time.monotonic() + seconds
        while marker not in self.seen and time.monotonic() < deadline:
            self._read(0.2)
        return marker in self.seen

    def type(self, *keys: bytes, gap: float = 0.3) -> None:
        """Each of `keys` in turn, reading the screen for `gap` seconds after each."""
        for key in keys:
            os.write(self.fd, key)
            deadline = time.monotonic() + gap
            while time.monotonic() < deadline:
                self._read(deadline - time.monotonic())

    def exit_status(self, seconds: float) -> int | None:
        """The exit code if the process ends within `seconds`, else None."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            done, status = os.waitpid(self.pid, os.WNOHANG)
            if done:
                return os.waitstatus_to_exitcode(status)
            self._read(0.05)
        return None

    def _read(self, seconds: float) -> None:
        ready, _, _ = select.select([self.fd], [], [], seconds)
        if ready:
            with contextlib.suppress(OSError):
                self.seen += os.read(self.fd, 65536)


@contextlib.contextmanager
def stackdeck(args: list[str], env: dict[str, str]) -> Iterator[TerminalProcess]:
    """`stackdeck ARGS` on a 100x30 terminal; killed at the end if it is still running."""
    pid, fd = pty.fork()
    if pid == 0:
        os.chdir("/")
        full = {k: v for k, v in os.environ.items() if k not in ("TEXTUAL_THEME", "NO_COLOR")}
        full.update(TERM="xterm-256color", COLUMNS="100", LINES="30", **env)
        os.execve(str(STACKDECK), ["stackdeck", *args], full)
    process = TerminalProcess(pid, fd)
    try:
        yield process
    finally:
        with contextlib.suppress(ProcessLookupError, ChildProcessError):
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
        os.close(fd)


@dataclass
class SilentServer:
    """Accepts TCP connections on 127.0.0.1 and never answers (a hung API)."""

    port: int = 0
    connected: threading.Event = field(default_factory=threading.Event)
    _socket: socket.socket | None = None
    _held: list[socket.socket] = field(default_factory=list)

    def __enter__(self) -> SilentServer:
        self._socket = socket.create_server(("127.0.0.1", 0))
        self.port = self._socket.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()
        return self

    def _accept(self) -> None:
        assert self._socket is not None
        with contextlib.suppress(OSError):
            while True:
                conn, _ = self._socket.accept()
                self._held.append(conn)
                self.connected.set()

    def __exit__(self, *exc: object) -> None:
        assert self._socket is not None
        self._socket.close()
        for conn in self._held:
            conn.close()


def clouds_yaml(path: Path, name: str, auth_url: str, **extra: str) -> Path:
    """A clouds.yaml with one cloud (dev-only credentials) at `auth_url`."""
    lines = [
        "clouds:",
        f"  {name}:",
        "    auth:",
        f"      auth_url: {auth_url}",
        "      username: admin",
        "      password: admin",
        "      project_name: admin",
        "      user_domain_name: Default",
        "      project_domain_name: Default",
        "    region_name: RegionOne",
        "    identity_api_version: 3",
        *(f"    {key}: {value}" for key, value in extra.items()),
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
