"""Progress lines with elapsed time, and the one error type the CLI reports."""

from __future__ import annotations

import threading
import time
from collections import deque
from pathlib import Path

_START = time.monotonic()
_LOCK = threading.Lock()


def elapsed() -> float:
    return time.monotonic() - _START


def step(message: str) -> None:
    """Print one progress line, prefixed by the seconds since the command started."""
    with _LOCK:
        print(f"[devcloud {elapsed():6.1f}s] {message}", flush=True)


def tail(path: Path, lines: int = 30) -> str:
    try:
        with path.open(errors="replace") as handle:
            return "".join(deque(handle, maxlen=lines))
    except OSError:
        return f"(no log at {path})\n"


class DevcloudError(Exception):
    """A step or a service failed; ``log`` is the file whose tail explains why."""

    def __init__(self, service: str, message: str, log: Path | None = None) -> None:
        super().__init__(f"{service}: {message}")
        self.service = service
        self.log = log

    def report(self) -> str:
        text = f"devcloud: FAILED: {self}\n"
        if self.log is not None:
            text += f"--- last lines of {self.log} ---\n{tail(self.log)}"
        return text
