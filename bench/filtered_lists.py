"""Filtered server lists: what `:servers status=ERROR host=...` costs against the full list.

Run: .venv/bin/python bench/filtered_lists.py [--sizes 10000,100000] [--repeat 3]

Per size, `bench/fake_cloud.py` serves that many servers (3% in ERROR, as its records draw
them) in this process; stackdeck's OpenStack backend lists them (every project, pages of
1,000) in full, then with Nova's filters. Each line is a median over --repeat runs: the
time, the requests sent to Nova, the servers listed, and the time as a share of the full
list measured in the same run (the baseline).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from fake_cloud import FakeCloud  # noqa: E402

from tui.backend.openstack import OpenStackBackend  # noqa: E402
from tui.backend.server_filters import ServerFilters  # noqa: E402


async def listed(
    backend: OpenStackBackend, cloud: FakeCloud, filters: ServerFilters
) -> tuple[float, int, int]:
    before = sum(n for k, n in cloud.requests().items() if "servers" in k)
    start = time.perf_counter()
    count = sum([len(page) async for page in backend.servers(all_projects=True, filters=filters)])
    took = time.perf_counter() - start
    sent = sum(n for k, n in cloud.requests().items() if "servers" in k) - before
    return took, sent, count


async def measure(size: int, repeat: int) -> None:
    cloud = FakeCloud(servers=size).start()
    try:
        with tempfile.TemporaryDirectory() as directory:
            os.environ["OS_CLIENT_CONFIG_FILE"] = str(cloud.write_clouds_yaml(Path(directory)))
            backend = OpenStackBackend("bench")
            await backend.connect()
            first = [s async for page in backend.servers(all_projects=True) for s in page]
            host = next(s.host for s in first if s.host)
            cases = {
                "full list": ServerFilters(),
                "status=ERROR": ServerFilters(status="ERROR"),
                f"status=ERROR host={host}": ServerFilters(status="ERROR", host=host),
            }
            results = {
                name: [await listed(backend, cloud, f) for _ in range(repeat)]
                for name, f in cases.items()
            }
            await backend.close()
    finally:
        cloud.stop()
    base = statistics.median(r[0] for r in results["full list"])
    print(f"\n{size:,} servers (median of {repeat})")
    print("| list | time | requests to Nova | servers | share of the full list |")
    print("|---|---:|---:|---:|---:|")
    for name, runs in results.items():
        took = statistics.median(r[0] for r in runs)
        sent = statistics.median(r[1] for r in runs)
        count = runs[0][2]
        print(f"| {name} | {took:.3f} s | {sent:g} | {count:,} | {took / base:.1%} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    for size in (int(s) for s in args.sizes.split(",")):
        asyncio.run(measure(size, args.repeat))


if __name__ == "__main__":
    main()
