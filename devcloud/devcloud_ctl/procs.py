"""Background processes the devcloud starts, tracked by PID files, stopped by process group.

A PID file holds ``<pid> <start time in clock ticks>``: the start time tells our process from
an unrelated one that reuses the PID. Every service is started in its own session, so its PID
is also its process group id and ``down`` can stop it with all of its children.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from .console import DevcloudError


@dataclass(frozen=True)
class ProcStat:
    pid: int
    state: str
    pgid: int
    start_ticks: int


@dataclass(frozen=True)
class ProcRecord:
    pid: int
    start_ticks: int


def proc_stat(pid: int) -> ProcStat | None:
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = raw[raw.rindex(")") + 2 :].split()
    return ProcStat(pid=pid, state=fields[0], pgid=int(fields[2]), start_ticks=int(fields[19]))


def read_pidfile(path: Path) -> ProcRecord | None:
    try:
        pid, ticks = path.read_text().split()
        return ProcRecord(int(pid), int(ticks))
    except (OSError, ValueError):
        return None


def is_alive(record: ProcRecord) -> bool:
    stat = proc_stat(record.pid)
    return stat is not None and stat.start_ticks == record.start_ticks and stat.state != "Z"


def group_members(record: ProcRecord) -> list[int]:
    """Live processes in the record's process group started no earlier than its leader."""
    members = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        stat = proc_stat(int(entry.name))
        if (
            stat
            and stat.pgid == record.pid
            and stat.state != "Z"
            and stat.start_ticks >= record.start_ticks
        ):
            members.append(stat.pid)
    return members


def rss_kib(pids: list[int]) -> int:
    """Resident memory of the given processes, in KiB."""
    total = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total


def spawn(
    argv: Sequence[str],
    pidfile: Path,
    logfile: Path,
    env: Mapping[str, str],
    user: str | None = None,
    cwd: Path | None = None,
) -> ProcRecord:
    """Start a detached background process logging to ``logfile``; record it in ``pidfile``."""
    with logfile.open("ab") as log:
        proc = subprocess.Popen(
            list(argv),
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            env=dict(env),
            cwd=cwd,
            start_new_session=True,
            user=user,
            group=user,
        )
    stat = proc_stat(proc.pid)
    record = ProcRecord(proc.pid, stat.start_ticks if stat else 0)
    pidfile.write_text(f"{record.pid} {record.start_ticks}\n")
    return record


def stop(pidfile: Path, timeout: float = 30.0) -> bool:
    """Stop the process group recorded in ``pidfile``; True if something was running."""
    record = read_pidfile(pidfile)
    if record is None:
        pidfile.unlink(missing_ok=True)
        return False
    found = bool(group_members(record))
    for sig, wait in ((signal.SIGTERM, timeout), (signal.SIGKILL, 10.0)):
        if not group_members(record):
            break
        _signal_group(record, sig)
        wait_until(lambda: not group_members(record), wait)
    pidfile.unlink(missing_ok=True)
    return found


def _signal_group(record: ProcRecord, sig: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(record.pid, sig)


def wait_until(predicate: Callable[[], bool], timeout: float, interval: float = 0.2) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return False


def port_open(port: int, host: str = "127.0.0.1") -> bool:
    try:
        with socket.create_connection((host, port), timeout=1.0):
            return True
    except OSError:
        return False


def http_status(url: str, timeout: float = 3.0) -> int | None:
    """The HTTP status the URL answers with (any status counts), or None if no answer."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return int(response.status)
    except urllib.error.HTTPError as err:
        return err.code
    except (urllib.error.URLError, OSError):
        return None


def run(
    argv: Sequence[str],
    logfile: Path,
    env: Mapping[str, str] | None = None,
    what: str = "",
    timeout: float = 600.0,
) -> None:
    """Run a setup command to completion, its output appended to ``logfile``."""
    name = what or Path(argv[0]).name
    with logfile.open("ab") as log:
        log.write(f"\n$ {' '.join(argv)}\n".encode())
        log.flush()
        try:
            result = subprocess.run(
                list(argv),
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                env=None if env is None else dict(env),
                timeout=timeout,
                check=False,
            )
        except subprocess.TimeoutExpired as err:
            raise DevcloudError(name, f"timed out after {timeout:.0f}s", logfile) from err
    if result.returncode != 0:
        raise DevcloudError(name, f"exited with status {result.returncode}", logfile)
