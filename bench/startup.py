"""Time to first frame: `stackdeck --demo` (until its server list shows) vs a bare Textual app.

Both run as fresh processes on a pseudo-terminal in the same run; each is started N times and
the median is compared. Usage: .venv/bin/python bench/startup.py [N]

Both start from compiled bytecode, as an installed wheel does (pip compiles at install) and
as any second start does. The bytecode is compiled first because this machine sets
PYTHONDONTWRITEBYTECODE: without it both programs compile every module on every start, which
costs ~250 ms of Textual alone and would hide what stackdeck itself adds.
"""

from __future__ import annotations

import compileall
import os
import pty
import select
import signal
import statistics
import sys
import sysconfig
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent
TARGET = 1.20  # first frame / bare Textual app


def first_frame(argv: list[str], marker: bytes, timeout: float = 30.0) -> tuple[float, float]:
    """Wall time and CPU time (user + system, all threads) until `marker` is on the terminal.

    The CPU time is what the program itself spent: on a loaded machine the wall time also
    counts the waits for a core, the CPU time hardly moves."""
    start = time.perf_counter()
    pid, fd = pty.fork()
    if pid == 0:
        env = {k: v for k, v in os.environ.items() if k not in ("TEXTUAL_THEME", "NO_COLOR")}
        env.update(TERM="xterm-256color", COLUMNS="120", LINES="40")
        os.execve(argv[0], argv, env)
    seen = b""
    try:
        while marker not in seen:
            if time.perf_counter() - start > timeout:
                raise TimeoutError(f"{argv} never showed {marker!r}")
            ready, _, _ = select.select([fd], [], [], 0.05)
            if ready:
                seen += os.read(fd, 65536)
        wall = time.perf_counter() - start
    finally:
        os.kill(pid, signal.SIGKILL)
        _, _, usage = os.wait4(pid, 0)
        os.close(fd)
    return wall, usage.ru_utime + usage.ru_stime


def compile_bytecode() -> None:
    targets = [Path(sysconfig.get_paths()["purelib"])]
    targets += [HERE.parent / d for d in ("tui", "screens", "widgets", "styles")]
    for target in targets:
        compileall.compile_dir(target, quiet=2, workers=0)


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 7
    compile_bytecode()
    bare_cmd = [sys.executable, str(HERE / "bare_app.py")]
    # the demo is an admin cloud, which starts on the health overview: ask for servers
    deck_cmd = [str(BIN / "stackdeck"), "--demo", "servers"]
    first_frame(bare_cmd, b"bare-app-ready")  # warm the OS file cache for both
    first_frame(deck_cmd, b"web-01")
    runs_of: dict[str, list[tuple[float, float]]] = {"bare": [], "frame": [], "rows": []}
    for _ in range(runs):
        runs_of["bare"].append(first_frame(bare_cmd, b"bare-app-ready"))
        runs_of["frame"].append(first_frame(deck_cmd, b"connect"))
        runs_of["rows"].append(first_frame(deck_cmd, b"web-01"))
    wall = {k: statistics.median(w for w, _ in v) for k, v in runs_of.items()}
    cpu = {k: statistics.median(c for _, c in v) for k, v in runs_of.items()}
    b, f, r = wall["bare"], wall["frame"], wall["rows"]
    print(f"runs per program              {runs}")
    print("                                 wall (median)   CPU (median)")
    print(f"bare Textual app              {b * 1000:9.1f} ms   {cpu['bare'] * 1000:9.1f} ms")
    print(f"stackdeck --demo first frame  {f * 1000:9.1f} ms   {cpu['frame'] * 1000:9.1f} ms")
    print(f"stackdeck --demo rows shown   {r * 1000:9.1f} ms   {cpu['rows'] * 1000:9.1f} ms")
    verdict = "PASS" if f / b <= TARGET else "FAIL"
    print(f"ratio first frame / bare      {f / b:9.2f}x   target <= {TARGET:.2f}x: {verdict}")
    print(f"ratio rows shown / bare       {r / b:9.2f}x")
    print(f"CPU ratio first frame / bare  {cpu['frame'] / cpu['bare']:9.2f}x   (load-proof)")
    print(f"CPU ratio rows shown / bare   {cpu['rows'] / cpu['bare']:9.2f}x")
    print(f"rows under one second         {'PASS' if r < 1.0 else 'FAIL'}")


if __name__ == "__main__":
    main()
