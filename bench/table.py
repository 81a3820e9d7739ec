"""Benchmark the virtual resource table at 100,000 servers, against Textual's DataTable.

Run: .venv/bin/python bench/table.py [--rows N] [--baseline-rows N]

The issue's bar: one filter keystroke at 100,000 rows (filter + one full frame of lines)
under 50 ms. The script prints PASS or FAIL against it and exits non-zero on FAIL.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import random
import sys
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.pop("TEXTUAL_THEME", None)

from textual.app import App, ComposeResult  # noqa: E402
from textual.widgets import DataTable  # noqa: E402

from tui.backend.models import Server  # noqa: E402
from tui.resource import Col, bind  # noqa: E402
from tui.screens.resources.servers import SERVERS  # noqa: E402
from tui.widgets.resource_table import ResourceTable  # noqa: E402

PAGE = 1000
SIZE = (120, 40)
KEYSTROKE_BUDGET_MS = 50.0
STYLES = ROOT / "styles" / "table.tcss"


def uuid(generator: random.Random) -> str:
    h = f"{generator.getrandbits(128):032x}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def synthetic_servers(count: int, seed: int = 42) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """servers/detail records as Nova (microversion 2.79) returns them."""
    generator = random.Random(seed)
    projects = {uuid(generator).replace("-", ""): f"project-{n:03d}" for n in range(200)}
    project_ids = list(projects)
    roles = ("web", "db", "cache", "api", "worker", "etl", "k8s-node", "bastion")
    flavors = ("m1.tiny", "m1.small", "m1.medium", "m1.large", "c5.xlarge", "r5.2xlarge")
    states = (
        ("ACTIVE", None, 1, "active"),
        ("SHUTOFF", None, 4, "stopped"),
        ("ERROR", None, 0, "error"),
        ("BUILD", "spawning", 0, "building"),
        ("ACTIVE", "rebooting", 1, "active"),
        ("MIGRATING", "migrating", 1, "active"),
    )
    weights = (80, 10, 3, 3, 2, 2)
    records = []
    for i in range(count):
        status, task, power, vm_state = generator.choices(states, weights)[0]
        host = f"compute-{generator.randrange(1, 600):04d}"
        fixed = f"10.{generator.randrange(256)}.{generator.randrange(256)}.{i % 250 + 2}"
        addresses: dict[str, list[dict[str, Any]]] = {
            "private": [
                {
                    "addr": fixed,
                    "version": 4,
                    "OS-EXT-IPS:type": "fixed",
                    "OS-EXT-IPS-MAC:mac_addr": f"fa:16:3e:{i >> 16 & 255:02x}:"
                    f"{i >> 8 & 255:02x}:{i & 255:02x}",
                }
            ]
        }
        if generator.random() < 0.2:
            addresses["private"].append(
                {
                    "addr": f"203.0.{generator.randrange(113, 115)}.{generator.randrange(256)}",
                    "version": 4,
                    "OS-EXT-IPS:type": "floating",
                    "OS-EXT-IPS-MAC:mac_addr": addresses["private"][0]["OS-EXT-IPS-MAC:mac_addr"],
                }
            )
        flavor = generator.choice(flavors)
        records.append(
            {
                "id": uuid(generator),
                "name": f"{generator.choice(roles)}-{generator.choice('abc')}-{i:06d}",
                "status": status,
                "OS-EXT-STS:task_state": task,
                "OS-EXT-STS:power_state": power,
                "OS-EXT-STS:vm_state": vm_state,
                "OS-EXT-SRV-ATTR:host": host,
                "OS-EXT-SRV-ATTR:hypervisor_hostname": f"{host}.cloud.example.net",
                "OS-EXT-SRV-ATTR:instance_name": f"instance-{i:08x}",
                "OS-EXT-AZ:availability_zone": f"az-{generator.randrange(1, 4)}",
                "tenant_id": generator.choice(project_ids),
                "user_id": uuid(generator).replace("-", ""),
                "addresses": addresses,
                "flavor": {
                    "original_name": flavor,
                    "vcpus": 2,
                    "ram": 4096,
                    "disk": 40,
                    "ephemeral": 0,
                    "swap": 0,
                    "extra_specs": {},
                },
                "image": {"id": uuid(generator), "links": []},
                "key_name": "ops",
                "created": "2024-05-01T12:00:00Z",
                "updated": "2024-06-01T08:30:00Z",
                "locked": False,
                "metadata": {"role": "app"},
                "security_groups": [{"name": "default"}],
                "hostId": f"{generator.getrandbits(224):056x}",
                "config_drive": "",
                "progress": 0,
                "tags": [],
            }
        )
    return records, projects


def server_columns(projects: dict[str, str] | None = None) -> tuple[Col, ...]:
    """The server list's columns as a screen binds them: to a context (a demo cloud's) whose
    names know `projects` (id → name), as a connection learns them."""
    from tui.backend.memory import MemoryBackend
    from tui.context import Context

    context = Context(MemoryBackend(servers=0))
    context.names.learn("project", projects or {})
    return bind(SERVERS.columns, context)


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def ms(seconds: float) -> str:
    return f"{seconds * 1000:9.1f} ms"


@dataclass
class Results:
    lines: list[tuple[str, str]]

    def add(self, label: str, value: str) -> None:
        self.lines.append((label, value))
        print(f"  {label:<58} {value}", flush=True)


class ResourceTableApp(App[None]):
    CSS_PATH = str(STYLES)

    def __init__(self, columns: Sequence[Col]) -> None:
        super().__init__()
        self.columns = columns

    def compose(self) -> ComposeResult:
        yield ResourceTable(self.columns, key=lambda server: server.id)


class DataTableApp(App[None]):
    def compose(self) -> ComposeResult:
        yield DataTable()


async def timed(action: Callable[[], Awaitable[None] | None]) -> float:
    start = time.perf_counter()
    result = action()
    if result is not None:
        await result
    return time.perf_counter() - start


def frame(table: ResourceTable) -> None:
    for y in range(table.scrollable_content_region.height):
        table.render_line(y)


async def bench_resource_table(
    servers: list[Server], columns: Sequence[Col], results: Results
) -> tuple[float, float]:
    app = ResourceTableApp(columns)
    async with app.run_test(size=SIZE) as pilot:
        table = app.query_one(ResourceTable)
        table.focus()
        await pilot.pause()

        gc.collect()
        rss_before = rss_mb()
        start = time.perf_counter()
        table.load(servers[:PAGE], replace=True)
        first_page = time.perf_counter() - start
        for page in range(PAGE, len(servers), PAGE):
            table.load(servers[page : page + PAGE], replace=False)
        load = time.perf_counter() - start
        await pilot.pause()
        settled = time.perf_counter() - start
        gc.collect()
        rss_after = rss_mb()
        count = len(servers)
        results.add(f"load first page ({PAGE} rows)", ms(first_page))
        results.add(f"load {count:,} rows in pages of {PAGE} (load calls)", ms(load))
        results.add(f"load {count:,} rows + first frame (pilot.pause)", ms(settled))

        keystrokes: list[float] = []
        for query, note in (
            ("w", "1-char query, walks all rows"),
            ("we", "2-char query, extends previous"),
            ("web-", "extends previous"),
            ("web- act", "adds a term"),
            ("web-", "drops a term, walks all rows"),
            ("", "cleared"),
            ("compute-0042", "selective query, walks all rows"),
        ):

            def keystroke(query: str = query) -> None:
                table.filter_text = query
                frame(table)

            elapsed = await timed(keystroke)
            keystrokes.append(elapsed)
            results.add(f"filter {query!r:16} ({note}) -> {table.row_count:,}", ms(elapsed))
            await pilot.pause()
        table.filter_text = ""
        await pilot.pause()

        name_column = 0
        results.add(
            f"sort by {columns[name_column].title} ({count:,} rows)",
            ms(await timed(lambda: table.sort_by(name_column))),
        )
        results.add("flip sort order", ms(await timed(lambda: table.sort_by(name_column))))
        await pilot.pause()

        results.add(
            "pilot.press of an unbound key (harness overhead)",
            ms(await timed(lambda: pilot.press("f12"))),
        )

        def page_down() -> None:
            table.action_cursor_page_down()
            frame(table)

        results.add("pagedown action + full screen of render_line", ms(await timed(page_down)))
        results.add(
            "pagedown + frame (pilot.press + pause)",
            ms(await timed(lambda: pilot.press("pagedown"))),
        )

        async def jump_middle() -> None:
            table.cursor_row = count // 2
            await pilot.pause()

        results.add("jump to middle + frame (pilot.pause)", ms(await timed(jump_middle)))
        table.scroll_to(y=count // 3, animate=False)
        table._strips.clear()
        results.add(
            f"render_line x{table.scrollable_content_region.height} (full screen, cold cache)",
            ms(await timed(lambda: frame(table))),
        )
        results.add(
            f"render_line x{table.scrollable_content_region.height} (full screen, warm cache)",
            ms(await timed(lambda: frame(table))),
        )
        results.add("end (G) + frame", ms(await timed(lambda: pilot.press("G"))))
        results.add("RSS before load / after load", f"{rss_before:7.0f} MB / {rss_after:.0f} MB")
    return max(keystrokes), settled


async def bench_datatable(servers: list[Server], columns: Sequence[Col]) -> float:
    app = DataTableApp()
    async with app.run_test(size=SIZE) as pilot:
        table = app.query_one(DataTable)
        table.add_columns(*(column.title for column in columns))
        await pilot.pause()
        start = time.perf_counter()
        for page in range(0, len(servers), PAGE):
            rows = [
                [column.get(server) for column in columns] for server in servers[page : page + PAGE]
            ]
            table.add_rows(rows)
        await pilot.pause()
        return time.perf_counter() - start


async def bench_small(servers: list[Server], columns: Sequence[Col]) -> float:
    app = ResourceTableApp(columns)
    async with app.run_test(size=SIZE) as pilot:
        table = app.query_one(ResourceTable)
        await pilot.pause()
        start = time.perf_counter()
        for page in range(0, len(servers), PAGE):
            table.load(servers[page : page + PAGE], replace=page == 0)
        await pilot.pause()
        return time.perf_counter() - start


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--baseline-rows", type=int, default=10_000)
    args = parser.parse_args()

    rss_start = rss_mb()
    start = time.perf_counter()
    records, projects = synthetic_servers(args.rows)
    columns = server_columns(projects)
    servers = [Server.from_api(record, projects) for record in records]
    del records
    print(
        f"built {len(servers):,} Server models in {time.perf_counter() - start:.1f} s "
        f"(RSS {rss_start:.0f} MB -> {rss_mb():.0f} MB); screen {SIZE[0]}x{SIZE[1]}\n"
    )

    results = Results([])
    print(f"ResourceTable, {args.rows:,} rows")
    worst_keystroke, _ = await bench_resource_table(servers, columns, results)

    baseline = servers[: args.baseline_rows]
    print(f"\nBaseline, {len(baseline):,} rows in pages of {PAGE} + first frame")
    datatable = await bench_datatable(baseline, columns)
    ours = await bench_small(baseline, columns)
    results.add("DataTable.add_rows", ms(datatable))
    results.add("ResourceTable.load", ms(ours))
    results.add("ratio DataTable / ResourceTable", f"{datatable / ours:9.1f} x")

    verdict = "PASS" if worst_keystroke * 1000 < KEYSTROKE_BUDGET_MS else "FAIL"
    print(
        f"\n{verdict}: slowest filter keystroke at {args.rows:,} rows "
        f"{worst_keystroke * 1000:.1f} ms (budget {KEYSTROKE_BUDGET_MS:.0f} ms)"
    )
    return 0 if verdict == "PASS" else 1


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
