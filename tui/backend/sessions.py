"""Terminal sessions: a program behind a pseudo-terminal, as a byte pipe a terminal view drives.

`TerminalSession` is all the terminal widget knows about. `LocalPtySession` runs a local
program in a real PTY; the SSH session implements the same protocol over asyncssh.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import fcntl
import os
import shlex
import signal
import struct
import termios
from collections.abc import Mapping, Sequence
from typing import Protocol

READ_SIZE = 16 * 1024
TERM = "xterm-256color"
HANGUP_GRACE = 0.5
EXIT_WAIT = 1.0
QUIET_AFTER_EXIT = 0.1
STALE_VARIABLES = ("COLUMNS", "LINES")
IUTF8 = getattr(termios, "IUTF8", 0x4000)


class TerminalSession(Protocol):
    """A program attached to a terminal: bytes out of it, keystrokes into it."""

    title: str

    @property
    def exit_status(self) -> int | None:
        """The program's exit status once it has ended, else None."""
        ...

    async def read(self) -> bytes:
        """Up to ~16 KiB of output as soon as any is available; b"" once the program ended."""
        ...

    def write(self, data: bytes) -> None:
        """Send keystrokes (or terminal replies) to the program, without blocking."""
        ...

    def resize(self, cols: int, rows: int) -> None:
        """Tell the program's terminal its new size."""
        ...

    async def close(self) -> None:
        """End the program and release everything the session holds."""
        ...


def set_window_size(fd: int, cols: int, rows: int) -> None:
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))


def enable_utf8_input(fd: int) -> None:
    """Let the line discipline erase whole UTF-8 characters (IUTF8)."""
    attributes = termios.tcgetattr(fd)
    attributes[0] |= IUTF8
    termios.tcsetattr(fd, termios.TCSANOW, attributes)


def child_environment(extra: Mapping[str, str] | None) -> dict[str, str]:
    environment = {k: v for k, v in os.environ.items() if k not in STALE_VARIABLES}
    environment["TERM"] = TERM
    environment.update(extra or {})
    return environment


def _claim_controlling_terminal() -> None:
    """Run in the child after setsid(): make its stdin (the PTY slave) its controlling TTY,
    and let a hang-up end it even when stackdeck itself runs under `nohup`."""
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)
    signal.signal(signal.SIGHUP, signal.SIG_DFL)


def _resolve(future: asyncio.Future[None]) -> None:
    if not future.done():
        future.set_result(None)


def shell_status(returncode: int) -> int:
    """An exit status as a shell reports it: 128 + N for a program killed by signal N."""
    return 128 - returncode if returncode < 0 else returncode


class LocalPtySession:
    """A local program in a real pseudo-terminal, in its own session and process group."""

    def __init__(self, process: asyncio.subprocess.Process, master: int, title: str) -> None:
        self.title = title
        self._process = process
        self._master = master
        self._loop = asyncio.get_running_loop()
        self._exited = asyncio.ensure_future(process.wait())
        self._readable: asyncio.Future[None] | None = None
        self._pending = bytearray()

    @classmethod
    async def start(
        cls,
        argv: Sequence[str],
        cols: int,
        rows: int,
        env: Mapping[str, str] | None = None,
        cwd: str | os.PathLike[str] | None = None,
    ) -> LocalPtySession:
        """Run `argv` in a new PTY of `cols` x `rows`; `env` is added to the current environment."""
        master, slave = os.openpty()
        try:
            set_window_size(master, cols, rows)
            enable_utf8_input(slave)
            process = await asyncio.create_subprocess_exec(
                *argv,
                stdin=slave,
                stdout=slave,
                stderr=slave,
                env=child_environment(env),
                cwd=cwd,
                start_new_session=True,
                preexec_fn=_claim_controlling_terminal,
            )
        except BaseException:
            os.close(master)
            raise
        finally:
            os.close(slave)
        os.set_blocking(master, False)
        return cls(process, master, title=shlex.join(argv))

    @property
    def pid(self) -> int:
        """The program's process id, which is also its process group and session id."""
        return self._process.pid

    @property
    def exit_status(self) -> int | None:
        code = self._process.returncode
        return None if code is None else shell_status(code)

    async def read(self) -> bytes:
        while self._master >= 0:
            try:
                return os.read(self._master, READ_SIZE)
            except BlockingIOError:
                pass
            except OSError as error:
                if error.errno != errno.EIO:
                    raise
                break
            if not await self._wait_readable():
                break
        await self._wait_exit(EXIT_WAIT)
        return b""

    async def _wait_readable(self) -> bool:
        """Wait for output. False once the program has exited and its terminal stays quiet.

        The terminal reports EOF (EIO) only when every holder of the PTY has closed it; a
        background job left behind by the program must not keep the session open.
        """
        readable = self._readable = self._loop.create_future()
        self._loop.add_reader(self._master, _resolve, readable)
        try:
            if not self._exited.done():
                await asyncio.wait({readable, self._exited}, return_when=asyncio.FIRST_COMPLETED)
            if not readable.done():
                await asyncio.wait({readable}, timeout=QUIET_AFTER_EXIT)
            return readable.done()
        finally:
            self._readable = None
            readable.cancel()
            if self._master >= 0:
                self._loop.remove_reader(self._master)

    def write(self, data: bytes) -> None:
        if self._master < 0 or not data:
            return
        if self._pending:
            self._pending += data
            return
        written = self._write_some(data)
        if written < len(data):
            self._pending += data[written:]
            self._loop.add_writer(self._master, self._flush_pending)

    def _write_some(self, data: bytes | bytearray) -> int:
        try:
            return os.write(self._master, data)
        except BlockingIOError:
            return 0
        except OSError:
            return len(data)

    def _flush_pending(self) -> None:
        del self._pending[: self._write_some(self._pending)]
        if not self._pending:
            self._loop.remove_writer(self._master)

    def resize(self, cols: int, rows: int) -> None:
        if self._master >= 0 and cols > 0 and rows > 0:
            set_window_size(self._master, cols, rows)

    async def close(self) -> None:
        """Hang up: SIGHUP to the process group and the terminal, SIGKILL after a grace."""
        if self._master >= 0:
            self._signal_group(signal.SIGHUP)
            self._release_terminal()
        if not await self._wait_exit(HANGUP_GRACE):
            self._signal_group(signal.SIGKILL)
            await self._exited

    def _release_terminal(self) -> None:
        master, self._master = self._master, -1
        self._loop.remove_reader(master)
        self._loop.remove_writer(master)
        self._pending.clear()
        if self._readable is not None:
            _resolve(self._readable)
        os.close(master)

    def _signal_group(self, signum: int) -> None:
        if self._process.returncode is None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self._process.pid, signum)

    async def _wait_exit(self, timeout: float) -> bool:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(asyncio.shield(self._exited), timeout)
        return self._exited.done()
