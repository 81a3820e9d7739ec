"""Memory over many refreshes: a 10,000-server list refreshed by changes, again and again.

Run: .venv/bin/python bench/refresh_memory.py [--servers 10000] [--refreshes 1000]
     [--percent 0.1] [--every 100] [--tracemalloc]

`bench/fake_cloud.py` serves the servers in a process of its own; stackdeck runs in this one
(Textual's `App.run_test()` at 120x40, the real OpenStack backend). Before each refresh
`--percent` of the servers change at the fake cloud (a tenth of them deleted, as many
created), then `r` is pressed and the refresh awaited (every 30th lists afresh, as the
screen does). Every `--every` refreshes it prints the process' RSS, the objects the cyclic
GC tracks, the rows loaded and, with --tracemalloc (slower), Python's allocated bytes. The
first print is the baseline (after one refresh, so first-use caches are in it); the last
line is the growth from it. Memory is flat when the growth does not rise with the count.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from big_lists import SIZE, FakeProcess, idle_workers, isolated_env, settle, shown_total  # noqa: E402


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def sample(app: Any, traced: bool) -> dict[str, float]:
    gc.collect()
    table = app.screen.query_one("#table")
    return {
        "rss": rss_mb(),
        "objects": len(gc.get_objects()),
        "rows": table.total_count,
        "traced": tracemalloc.get_traced_memory()[0] / 2**20 if traced else float("nan"),
    }


def show(count: int, found: dict[str, float], seconds: float) -> None:
    print(
        f"{count:>6}  RSS {found['rss']:7.1f} MB  GC objects {found['objects']:>9,}  "
        f"rows {found['rows']:>7,.0f}  traced {found['traced']:7.1f} MB  {seconds:6.1f} s",
        flush=True,
    )


async def refreshes(fake: FakeProcess, args: argparse.Namespace) -> None:
    from tui.app import StackdeckApp
    from tui.backend.openstack import OpenStackBackend
    from tui.config import Settings

    app = StackdeckApp(
        OpenStackBackend("bench", read_only=True),
        Settings(cloud="bench", start_resource="servers", refresh_seconds=0),
    )
    started = time.perf_counter()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot, lambda: shown_total(app) is not None, timeout=600)
        if args.tracemalloc:
            tracemalloc.start()
        baseline: dict[str, float] = {}
        for count in range(1, args.refreshes + 1):
            fake.change(args.percent)
            await pilot.press("r")
            await idle_workers(app, pilot)
            if count == 1 or count % args.every == 0 or count == args.refreshes:
                found = sample(app, args.tracemalloc)
                baseline = baseline or found
                show(count, found, time.perf_counter() - started)
        grown = {k: found[k] - baseline[k] for k in found}
        print(
            f"growth after {args.refreshes - 1} refreshes: RSS {grown['rss']:+.1f} MB, "
            f"GC objects {grown['objects']:+,.0f}, rows {grown['rows']:+,.0f}, "
            f"traced {grown['traced']:+.2f} MB"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--servers", type=int, default=10_000)
    parser.add_argument("--refreshes", type=int, default=1000)
    parser.add_argument("--percent", type=float, default=0.1)
    parser.add_argument("--every", type=int, default=100)
    parser.add_argument("--tracemalloc", action="store_true")
    args = parser.parse_args()
    with (
        tempfile.TemporaryDirectory(prefix="refresh-memory-") as tmp,
        FakeProcess(args.servers, Path(tmp)) as fake,
    ):
        env = isolated_env(fake, Path(tmp) / "home")
        os.environ.update({k: v for k, v in env.items() if k.startswith(("OS_", "XDG_"))})
        print(
            f"{args.servers:,} servers, {args.refreshes:,} refreshes, {args.percent}% changed "
            f"before each; {os.cpu_count()} cores, load {os.getloadavg()[0]:.2f}",
            flush=True,
        )
        asyncio.run(refreshes(fake, args))
    return 0


if __name__ == "__main__":
    sys.exit(main())
