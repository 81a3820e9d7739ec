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


def first_frame(argv: list[str], marker: bytes, timeout: float = 30.0) -> float:
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
        return time.perf_counter() - start
    finally:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        os.close(fd)


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
    bare, frame, rows = [], [], []
    for _ in range(runs):
        bare.append(first_frame(bare_cmd, b"bare-app-ready"))
        frame.append(first_frame(deck_cmd, b"connect"))
        rows.append(first_frame(deck_cmd, b"web-01"))
    b, f, r = (statistics.median(x) for x in (bare, frame, rows))
    print(f"runs per program              {runs}")
    print(f"bare Textual app              {b * 1000:7.1f} ms  (median to first frame)")
    print(f"stackdeck --demo first frame  {f * 1000:7.1f} ms  (header drawn)")
    print(f"stackdeck --demo rows shown   {r * 1000:7.1f} ms  (server list drawn)")
    verdict = "PASS" if f / b <= TARGET else "FAIL"
    print(f"ratio first frame / bare      {f / b:7.2f}x   target <= {TARGET:.2f}x: {verdict}")
    print(f"ratio rows shown / bare       {r / b:7.2f}x")
    print(f"rows under one second         {'PASS' if r < 1.0 else 'FAIL'}")


if __name__ == "__main__":
    main()
