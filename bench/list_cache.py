"""Benchmark the list cache: writing and reading 10k and 100k servers (msgspec objects),
against the same rows written and read with the stdlib `json` (the first cache format: one
JSON array per row, models built from it), and against parsing the same servers from Nova's
JSON (json.loads of the page bodies + the models' parser), all measured in the same run.
Medians of --repeat runs.

Run: .venv/bin/python bench/list_cache.py [--rows 10000 100000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from dataclasses import fields
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tui.backend.memory.data import server_json  # noqa: E402
from tui.backend.models import Address, Server  # noqa: E402
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
        stdlib_write, stdlib_read, stdlib_size = stdlib_json(rows, Path(tmp) / "stdlib", repeat)
    api = median_ms(parse_api, repeat)
    print(
        f"{n:>7} servers: cache read {read:7.0f} ms, write {write:7.0f} ms, "
        f"file {size / 2**20:5.1f} MiB | stdlib json read {stdlib_read:7.0f} ms, "
        f"write {stdlib_write:7.0f} ms, file {stdlib_size / 2**20:5.1f} MiB "
        f"(read {stdlib_read / read:.1f}x, write {stdlib_write / write:.1f}x slower) | "
        f"parsing Nova's JSON {api:7.0f} ms (cache read = {read / api:.2f}x of it)"
    )


def stdlib_json(rows: list[Server], path: Path, repeat: int) -> tuple[float, float, int]:
    """The same rows through the stdlib json: one array per row (addresses nested), the
    models built from it; write and read times and the file's size."""
    names = [f.name for f in fields(Server) if f.name != "raw"]
    at = names.index("addresses")

    def write() -> None:
        body = []
        for row in rows:
            values: list[Any] = [getattr(row, name) for name in names]
            values[at] = [astuple(a) for a in row.addresses]
            body.append(values)
        path.write_bytes(json.dumps(body, separators=(",", ":")).encode())

    def read() -> None:
        built = []
        for values in json.loads(path.read_bytes()):
            values[at] = tuple(Address(*a) for a in values[at])
            values[-1] = tuple(values[-1])  # security groups
            built.append(Server(*values))

    write_ms = median_ms(write, repeat)
    return write_ms, median_ms(read, repeat), path.stat().st_size


def astuple(address: Address) -> list[Any]:
    return [getattr(address, f.name) for f in fields(address)]


if __name__ == "__main__":
    main()
