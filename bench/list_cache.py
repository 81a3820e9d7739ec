"""Benchmark the list cache: writing and reading 10k and 100k servers, against parsing the
same servers from Nova's JSON (json.loads of the page bodies + the models' parser), measured
in the same run. Medians of --repeat runs.

Run: .venv/bin/python bench/list_cache.py [--rows 10000 100000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tui.backend.memory.data import server_json  # noqa: E402
from tui.backend.models import Server  # noqa: E402
from tui.list_cache import Identity, ListCache, list_key  # noqa: E402


def median_ms(fn: object, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()  # type: ignore[operator]
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    hosts = [f"compute{i}" for i in range(1, 21)]
    for n in args.rows:
        run(n, hosts, args.repeat)


def run(n: int, hosts: list[str], repeat: int) -> None:
    records = [server_json(i, 50, hosts) for i in range(n)]
    bodies = [json.dumps({"servers": records[i : i + 1000]}).encode() for i in range(0, n, 1000)]
    rows = [Server.from_api(r) for r in records]
    del records

    def parse_api() -> None:
        for body in bodies:
            [Server.from_api(r) for r in json.loads(body)["servers"]]

    with tempfile.TemporaryDirectory() as tmp:
        cache = ListCache(Path(tmp))
        name = list_key(Identity("bench", "", "", ""), "servers", True, ())
        write = median_ms(lambda: cache.store(name, "servers", rows), repeat)
        read = median_ms(lambda: cache.load(name), repeat)
        size = (Path(tmp) / name).stat().st_size
    api = median_ms(parse_api, repeat)
    print(
        f"{n:>7} servers: cache read {read:7.0f} ms, write {write:7.0f} ms, "
        f"file {size / 2**20:5.1f} MiB | parsing Nova's JSON {api:7.0f} ms "
        f"(read = {read / api:.2f}x of it)"
    )


if __name__ == "__main__":
    main()
