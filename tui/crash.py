"""Crash files: the full report of an unexpected failure, kept out of the operator's terminal.

The app shows a one-line summary and the session goes on; the traceback goes to
``$XDG_STATE_HOME/stackdeck/crash-<UTC time>.txt`` (file 0600, directory 0700). A failure
that repeats (a render, a timer) is written once per session. Tracebacks carry no local
variables, so no password or token held in one can reach the file. No Textual here.
"""

from __future__ import annotations

import os
import re
import sys
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from tui.text import safe

SUMMARY_LIMIT = 300
_EXCEPTION_LINE = re.compile(r"[A-Za-z_][\w.]*(Error|Exception|Exit|Interrupt)\b")


@dataclass(frozen=True, slots=True)
class Crash:
    """One recorded failure: what to tell the operator and where the details are."""

    what: str
    summary: str
    path: Path | None  # None when the file could not be written
    error: str = ""  # why it could not be written
    repeated: bool = False


def summary(exc: BaseException) -> str:
    """``AttributeError: 'NoneType' object has no attribute 'name'``: one line, made safe."""
    message = str(exc).strip()
    first = message.splitlines()[0] if message else ""
    text = f"{type(exc).__name__}: {first}" if first else type(exc).__name__
    if len(text) > SUMMARY_LIMIT:
        text = text[: SUMMARY_LIMIT - 1] + "…"
    return safe(text)


def report_text(exc: BaseException, what: str) -> str:
    from tui import __version__

    lines = [
        f"stackdeck {__version__}: an unexpected failure{f' — {what}' if what else ''}",
        f"time: {time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime())}",
        f"python: {sys.version.split()[0]}",
        "",
        "".join(traceback.format_exception(exc)),
    ]
    return safe("\n".join(lines), multiline=True)


def default_crash_dir() -> Path:
    from tui.config import state_dir

    return state_dir()


def _same(text: str) -> str:
    return text


class CrashLog:
    """The crash files of one session; a failure seen before is not written again."""

    def __init__(
        self, directory: Path | None = None, redact: Callable[[str], str] | None = None
    ) -> None:
        self._directory = directory
        self._redact = redact or _same
        self._seen: dict[tuple[object, ...], Crash] = {}
        self.crashes: list[Crash] = []

    @property
    def directory(self) -> Path:
        return self._directory or default_crash_dir()

    def record(self, exc: BaseException, what: str = "") -> Crash:
        signature = _signature(exc)
        if (seen := self._seen.get(signature)) is not None:
            return Crash(seen.what, seen.summary, seen.path, seen.error, repeated=True)
        crash = self._file(what, summary(exc), report_text(exc, what))
        self._seen[signature] = crash
        return crash

    def record_report(self, report: str, what: str) -> Crash:
        """A failure known only by its printed report (Textual's own, when it ended the app):
        its last ``SomeError: message`` line sums it up."""
        lines = [line.strip() for line in safe(report, multiline=True).splitlines()]
        named = [line for line in lines if _EXCEPTION_LINE.match(line)]
        last = (named or [line for line in lines if line] or ["unknown failure"])[-1]
        header = f"stackdeck: an unexpected failure — {what}\n\n"
        return self._file(what, last[:SUMMARY_LIMIT], header + report)

    def _file(self, what: str, short: str, report: str) -> Crash:
        try:
            path: Path | None = self._write(self._redact(safe(report, multiline=True)))
            error = ""
        except OSError as failure:
            path, error = None, f"{type(failure).__name__}: {failure.strerror or failure}"
        crash = Crash(safe(what), self._redact(safe(short)), path, safe(error))
        self.crashes.append(crash)
        return crash

    def _write(self, report: str) -> Path:
        directory = self.directory
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.chmod(directory, 0o700)
        stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
        for attempt in range(1, 1000):
            suffix = "" if attempt == 1 else f"-{attempt}"
            path = directory / f"crash-{stamp}{suffix}.txt"
            try:
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            except FileExistsError:
                continue
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                out.write(report)
            return path
        raise FileExistsError(f"too many crash files in {directory}")


def _signature(exc: BaseException) -> tuple[object, ...]:
    frames = tuple((f.filename, f.lineno) for f in traceback.extract_tb(exc.__traceback__))
    return (type(exc), str(exc), frames)
