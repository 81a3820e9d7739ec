"""A cached start against the loopback fake cloud: how soon the rows show and how soon they
are current, against a cold start's full list measured in the same run.

Run: .venv/bin/python bench/cached_start.py [--sizes 10000,100000] [--repeat 3]

Per size, `bench/fake_cloud.py` serves that many servers in its own process. In a fresh
interpreter per run (Textual's `App.run_test()` at 120x40, the real OpenStack backend, an
empty XDG cache): a cold start lists every server (the baseline: "full list"), its rows go
to the cache; then 1% of the servers change on the cloud (1/10 of them deleted, as many
created), and a second start shows the cached rows ("cached rows shown") and catches up by
Nova's changes-since ("current"), counting the requests it sent after the token. Medians of
--repeat runs.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from big_lists import SIZE, FakeProcess, idle_workers, isolated_env, settle, shown_total  # noqa: E402


async def run(fake: FakeProcess, env: dict[str, str]) -> dict[str, float]:
    os.environ.update({k: v for k, v in env.items() if k.startswith(("OS_", "XDG_", "STACKDECK"))})
    from tui.app import StackdeckApp
    from tui.backend.openstack import OpenStackBackend
    from tui.config import Settings
    from tui.screens.resource import ResourceScreen

    def app() -> StackdeckApp:
        return StackdeckApp(
            OpenStackBackend("bench", read_only=True),
            Settings(cloud="bench", start_resource="servers", refresh_seconds=0),
        )

    results: dict[str, float] = {}
    cold = app()
    started = time.perf_counter()  # run_test returns once the first screen is up
    async with cold.run_test(size=SIZE) as pilot:
        await settle(cold, pilot, lambda: shown_total(cold) == fake.servers, timeout=900)
        results["full"] = time.perf_counter() - started
        await idle_workers(cold, pilot)  # the list written to the cache
    fake.change(1.0)
    fake.requests()
    warm = app()
    started = time.perf_counter()
    async with warm.run_test(size=SIZE) as pilot:

        def screen() -> Any:
            shown = warm.screen
            return shown if isinstance(shown, ResourceScreen) else None

        await settle(warm, pilot, lambda: bool(screen() and screen().table.total_count), 900)
        results["cached"] = time.perf_counter() - started
        await settle(
            warm,
            pilot,
            lambda: screen().stale_since is None and not screen().fetching,
            timeout=900,
        )
        results["current"] = time.perf_counter() - started
        sent = fake.requests()
        results["requests"] = sum(n for path, n in sent.items() if "/servers" in path)
    return results


def child(url: str, clouds_yaml: str, servers: int) -> None:
    fake = FakeProcess(servers, Path(clouds_yaml).parent, url=url, clouds_yaml=clouds_yaml)
    with tempfile.TemporaryDirectory(prefix="cached-start-home-") as home:
        print(json.dumps(asyncio.run(run(fake, isolated_env(fake, Path(home))))))


def median(runs: list[dict[str, float]], key: str) -> float:
    return statistics.median(run[key] for run in runs)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        url, clouds_yaml, servers = args.child
        child(url, clouds_yaml, int(servers))
        return
    for size in [int(s) for s in args.sizes.split(",")]:
        runs: list[dict[str, float]] = []
        for _ in range(args.repeat):
            with (
                tempfile.TemporaryDirectory(prefix="cached-start-") as tmp,
                FakeProcess(size, Path(tmp)) as fake,
            ):
                out = subprocess.run(
                    [
                        sys.executable,
                        __file__,
                        "--child",
                        fake.url,
                        fake.clouds_yaml,
                        str(size),
                    ],
                    capture_output=True,
                    text=True,
                    check=True,
                ).stdout
                runs.append(json.loads(out.strip().splitlines()[-1]))

        full, cached, current = (median(runs, k) for k in ("full", "cached", "current"))
        print(
            f"{size:>7} servers: full list (cold start) {full:6.2f} s | cached start: rows "
            f"shown {cached:5.2f} s ({cached / full:.2f}x), current {current:5.2f} s "
            f"({current / full:.2f}x), {median(runs, 'requests'):.0f} server list request(s)"
        )


if __name__ == "__main__":
    main()
