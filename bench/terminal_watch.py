"""A program on a pseudo-terminal, watched for what it draws: when a text first arrived.

Every chunk the program writes is kept with the time it arrived, so a wait reports when the
text was drawn, not when we looked. Times are seconds since the program was started.
"""

from __future__ import annotations

import os
import pty
import re
import select
import signal
import struct
import termios
import time
from pathlib import Path

QUIET = 0.15  # seconds without output after which a drawn text counts as final


class Terminal:
    def __init__(self, argv: list[str], env: dict[str, str], size: tuple[int, int]) -> None:
        self.argv, self.env, self.size = argv, env, size
        self.output = bytearray()
        self.arrivals: list[tuple[int, float]] = []  # (end offset of a chunk, its time)
        self.pid = 0
        self.fd = -1
        self.started = 0.0

    def __enter__(self) -> Terminal:
        self.started = time.perf_counter()
        self.pid, self.fd = pty.fork()
        if self.pid == 0:
            columns, lines = self.size
            fcntl_size = struct.pack("HHHH", lines, columns, 0, 0)
            import fcntl

            fcntl.ioctl(0, termios.TIOCSWINSZ, fcntl_size)
            os.execve(self.argv[0], self.argv, self.env)
        return self

    def __exit__(self, *_: object) -> None:
        os.kill(self.pid, signal.SIGKILL)
        os.waitpid(self.pid, 0)
        os.close(self.fd)

    def _read(self, timeout: float) -> bool:
        ready, _, _ = select.select([self.fd], [], [], timeout)
        if not ready:
            return False
        try:
            chunk = os.read(self.fd, 1 << 20)
        except OSError:  # the program ended
            raise RuntimeError(f"{self.argv[0]} ended: {self.tail()}") from None
        self.output += chunk
        self.arrivals.append((len(self.output), time.perf_counter() - self.started))
        return True

    def _arrival(self, offset: int) -> float:
        for end, when in self.arrivals:
            if end >= offset:
                return when
        return self.arrivals[-1][1]

    def tail(self) -> str:
        text = re.sub(rb"\x1b\[[0-9;?]*[a-zA-Z]", b" ", bytes(self.output[-3000:]))
        return " ".join(text.decode(errors="replace").split())[-400:]

    def wait_for(self, pattern: re.Pattern[bytes], timeout: float, start: int = 0) -> float:
        """When `pattern` was first drawn (at or after output offset `start`)."""
        deadline = time.perf_counter() + timeout
        while True:
            found = pattern.search(self.output, start)
            if found:
                return self._arrival(found.end())
            if time.perf_counter() > deadline:
                raise TimeoutError(f"{self.argv[0]} never drew {pattern.pattern!r}: {self.tail()}")
            self._read(0.05)

    def wait_for_final(self, text: bytes, busy: bytes, timeout: float, start: int = 0) -> float:
        """When `text` was drawn without `busy` right after it (e.g. the count, loading over)."""
        deadline = time.perf_counter() + timeout
        seen = start
        while True:
            at = self.output.find(text, seen)
            while at >= 0:
                after = bytes(self.output[at : at + 200])
                if busy in after:
                    seen = at + 1
                elif len(self.output) - at >= 200 or not self._read(QUIET):
                    return self._arrival(at + len(text))
                at = self.output.find(text, seen)
            if time.perf_counter() > deadline:
                raise TimeoutError(f"{self.argv[0]} never drew {text!r} finally: {self.tail()}")
            self._read(0.05)

    def peak_rss_mb(self) -> float:
        """The program's peak resident memory so far (VmHWM)."""
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
        return float("nan")
