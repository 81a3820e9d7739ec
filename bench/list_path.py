"""Where a full server list's time and memory go, stage by stage, against raw paging.

Run: .venv/bin/python bench/list_path.py [--sizes 10000,100000] [--repeat 3]

Nova 2.90 ``servers/detail`` pages of 1,000 servers are built as bytes (the records of
`bench/table.py`), then each stage of stackdeck's list path runs over all pages, every
stage including the ones before it:

- ``json.loads``: the baseline (what raw paging with keystoneauth + json does after I/O);
- ``decode``: stackdeck's decode of a page (`decoded`, with the text gate);
- ``models``: decode + the list's models (`ComputeAPI`'s page parser);
- ``table``: decode + models + `ResourceTable.load` with the servers columns, in an app.

Each stage keeps every page's result, as a list does, and reports its time and the ratio to
the baseline. Memory is measured in a fresh process per stage (`--memory STAGE N`): peak RSS
of the whole process (Textual and openstacksdk imported first, as in the app) and Python's
own allocations per row (tracemalloc).
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import statistics
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.table import (  # noqa: E402
    SIZE,
    ResourceTableApp,
    rss_mb,
    server_columns,
    synthetic_servers,
)

PAGE = 1000
STAGES = ("json.loads", "decode", "models", "table")


class Reply:
    """What the list path reads of a `requests.Response`."""

    def __init__(self, content: bytes) -> None:
        self.content = content
        self.status_code = 200
        self.headers: dict[str, str] = {}


def pages_of(count: int) -> tuple[list[bytes], dict[str, str]]:
    records, projects = synthetic_servers(count)
    pages = []
    for start in range(0, count, PAGE):
        chunk = records[start : start + PAGE]
        body: dict[str, Any] = {"servers": chunk}
        if start + PAGE < count:
            marker = chunk[-1]["id"]
            body["servers_links"] = [
                {"rel": "next", "href": f"http://nova/v2.1/servers/detail?marker={marker}"}
            ]
        pages.append(json.dumps(body).encode())
    return pages, projects


def page_parser(projects: dict[str, str]) -> Callable[[bytes], list[Any]]:
    """decode + models, as the openstack backend does for one page of servers."""
    from tui.backend.openstack import OpenStackBackend

    backend = OpenStackBackend("bench")
    backend._project_names = projects

    def parse(content: bytes) -> list[Any]:
        backend._request = lambda *args, **kwargs: Reply(content)  # type: ignore[method-assign]
        rows, _ = backend._list_page(
            "compute",
            "/servers/detail",
            "servers",
            backend._parse_server,
            {},
            None,
            "list servers",
            backend._server_rows,
        )
        return rows

    return parse


def decoder() -> Callable[[bytes], Any]:
    from tui.backend.openstack.core import decoded

    return lambda content: decoded(Reply(content))


def timed_pages(pages: list[bytes], step: Callable[[bytes], Any]) -> tuple[float, float, list[Any]]:
    kept = []
    gc.collect()
    start = time.perf_counter()
    first = 0.0
    for content in pages:
        kept.append(step(content))
        if not first:
            first = time.perf_counter() - start
    return time.perf_counter() - start, first, kept


async def timed_table(
    pages: list[bytes], parse: Callable[[bytes], list[Any]]
) -> tuple[float, float]:
    app = ResourceTableApp(server_columns())
    async with app.run_test(size=SIZE) as pilot:
        from tui.widgets.resource_table import ResourceTable

        table = app.query_one(ResourceTable)
        await pilot.pause()
        gc.collect()
        start = time.perf_counter()
        first = 0.0
        for number, content in enumerate(pages):
            table.load(parse(content), replace=number == 0)
            if not first:
                first = time.perf_counter() - start
        await pilot.pause()
        return time.perf_counter() - start, first


def run_times(count: int, repeat: int) -> None:
    pages, projects = pages_of(count)
    size = sum(map(len, pages))
    print(f"\n{count:,} servers: {len(pages)} pages, {size / 1e6:.1f} MB of JSON")
    parse = page_parser(projects)
    steps: dict[str, Callable[[bytes], Any]] = {
        "json.loads": json.loads,
        "decode": decoder(),
        "models": parse,
    }
    results: dict[str, list[tuple[float, float]]] = {stage: [] for stage in STAGES}
    for _ in range(repeat):
        for stage, step in steps.items():
            total, first, kept = timed_pages(pages, step)
            del kept
            results[stage].append((total, first))
        results["table"].append(asyncio.run(timed_table(pages, parse)))
    base = statistics.median(t for t, _ in results["json.loads"])
    for stage in STAGES:
        total = statistics.median(t for t, _ in results[stage])
        first = statistics.median(f for _, f in results[stage])
        print(
            f"  {stage:<11} total {total * 1000:8.1f} ms"
            f"  per page {total / len(pages) * 1000:6.2f} ms"
            f"  first page {first * 1000:6.2f} ms  x{total / base:5.2f} json.loads"
        )


def measure_memory(stage: str, count: int, *, trace: bool) -> None:
    """One stage in this process: peak RSS and allocations per row, printed as JSON."""
    import openstack  # noqa: F401  # the app's imports, so RSS is the whole process's
    import textual.app  # noqa: F401

    projects = json.loads(_saved(count).with_suffix(".json").read_text())
    pages = _read_pages(count)  # one page in memory at a time, as from the network
    step = {"json.loads": json.loads, "decode": decoder(), "models": page_parser(projects)}
    gc.collect()
    start_rss = rss_mb()
    if trace:
        tracemalloc.start()
    if stage == "table":
        asyncio.run(_hold_table(pages, page_parser(projects)))
        current = _traced[0] if trace else 0
    else:
        kept = [step[stage](content) for content in pages]
        gc.collect()
        current = tracemalloc.get_traced_memory()[0] if trace else 0
        assert kept
    tracemalloc.stop()
    peak = _high_water_mb()  # not ru_maxrss: that one keeps the parent's across exec
    print(json.dumps({"start": start_rss, "peak": peak, "per_row": current / count}))


def _high_water_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _saved(count: int) -> Path:
    return Path(f"/tmp/stackdeck-list-path-{count}.pages")


def _save_pages(count: int) -> None:
    pages, projects = pages_of(count)
    with _saved(count).open("wb") as out:
        for content in pages:
            out.write(len(content).to_bytes(8, "big") + content)
    _saved(count).with_suffix(".json").write_text(json.dumps(projects))


def _read_pages(count: int) -> Iterator[bytes]:
    with _saved(count).open("rb") as source:
        while size := source.read(8):
            yield source.read(int.from_bytes(size, "big"))


async def _hold_table(pages: Iterable[bytes], parse: Callable[[bytes], list[Any]]) -> None:
    from tui.widgets.resource_table import ResourceTable

    app = ResourceTableApp(server_columns())
    async with app.run_test(size=SIZE) as pilot:
        table = app.query_one(ResourceTable)
        for number, content in enumerate(pages):
            table.load(parse(content), replace=number == 0)
        await pilot.pause()
        gc.collect()
        global _traced
        _traced = tracemalloc.get_traced_memory()


_traced = (0, 0)


def run_memory(count: int) -> None:
    print(f"\nmemory at {count:,} servers (fresh process per stage, pages read one by one)")
    _save_pages(count)
    for stage in STAGES:
        m, traced = (_measured(stage, count, *trace) for trace in ((), ("--trace",)))
        print(
            f"  {stage:<11} peak RSS {m['peak']:6.0f} MB (after imports {m['start']:4.0f} MB)"
            f"  kept: {traced['per_row']:6.0f} B/row (tracemalloc, in another run)"
        )


def _measured(stage: str, count: int, *flags: str) -> dict[str, float]:
    command = [sys.executable, __file__, "--memory", stage, str(count), *flags]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    measured: dict[str, float] = json.loads(out.strip().splitlines()[-1])
    return measured


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--memory", nargs=2, metavar=("STAGE", "N"))
    parser.add_argument("--no-memory", action="store_true")
    parser.add_argument("--trace", action="store_true", help="with --memory: tracemalloc")
    args = parser.parse_args()
    if args.memory:
        measure_memory(args.memory[0], int(args.memory[1]), trace=args.trace)
        return
    sizes = [int(s) for s in args.sizes.split(",")]
    for count in sizes:
        run_times(count, args.repeat)
    if not args.no_memory:
        for count in sizes:
            run_memory(count)


if __name__ == "__main__":
    main()
