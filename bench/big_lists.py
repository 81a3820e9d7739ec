"""Big lists: stackdeck vs raw API paging vs `openstack server list`, against a loopback cloud.

Run: .venv/bin/python bench/big_lists.py [--sizes 1000,10000,100000] [--repeat 3] [--no-cli]
     [--cli-max N] [--cli-repeat N] [--check]

Per size, `bench/fake_cloud.py` serves that many servers (Nova's JSON at microversion 2.90)
in its own process, and each measurement is a median over --repeat runs:

- raw paging: a fresh Python process (keystoneauth session + json.loads, pages of 1,000,
  every project; each page is counted and dropped) from its start to its exit: first page,
  full list, peak RSS. The baseline.
- `openstack server list --all-projects` (all pages; this client rejects `--limit -1`):
  wall time of the process, --cli-repeat runs (1), up to --cli-max servers (10,000: it
  spends ~15 ms of CPU per server here, 100k would take ~25 minutes).
- stackdeck: a fresh `stackdeck --os-cloud bench servers` on a pseudo-terminal (120x40), with
  empty XDG dirs (a cold start): time until the first server rows are drawn, until the
  header shows the full count with loading over, and the process' peak RSS (VmHWM).
- in-process (Textual's `App.run_test()` at 120x40, the real OpenStack backend against the
  same fake cloud): filter keystrokes (`/` then `w`, `e`, two backspaces: the slowest), a
  page down (median of 5), each timed from the key to the last frame it caused (drawn and
  turned into the terminal's bytes; not Textual's idle wait after it); `r` with nothing
  changed and `r` after 1% of the servers changed (1/10 of them deleted, as many created),
  from the key to the first frame that shows the list no longer fetching.

Targets (the big-clouds issue): full list <= 1.5x raw paging at 10k and 100k; refresh with
nothing changed <= 5% of a full list; keystroke and scroll frame <= 16.7 ms at 100k; peak RSS
<= 300 MB at 100k. Prints PASS/FAIL; exits 0 unless --check is given and something FAILs.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
BIN = Path(sys.executable).parent
CLI_CANDIDATES = (Path("/work/main/.devcloud/venv/bin/openstack"),)
SIZE = (120, 40)
FRAME_MS = 1000 / 60
# the filter's keystrokes timed: a first term (walks every row), one that narrows it (walks
# the matches), deleting back to none (every row shown again); the slowest one counts
FILTER_KEYS = ("w", "e", "backspace", "backspace")
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT))

from startup import compile_bytecode  # noqa: E402
from terminal_watch import Terminal  # noqa: E402

RAW_PAGING = r"""
import json, sys, time
from keystoneauth1 import session
from keystoneauth1.identity import v3
url, started = sys.argv[1], float(sys.argv[2])
auth = v3.Password(auth_url=url + "/identity/v3", username="admin", password="bench",
                   project_name="admin", user_domain_name="Default",
                   project_domain_name="Default")
s = session.Session(auth=auth)
endpoint = s.get_endpoint(service_type="compute", interface="public")
headers = {"OpenStack-API-Version": "compute 2.90"}
params = {"all_tenants": 1, "limit": 1000}
count, first = 0, None
while True:  # each page decoded, counted and dropped, as the big-clouds issue measured it
    body = json.loads(s.get(endpoint + "/servers/detail", params=params, headers=headers).content)
    count += len(body["servers"])
    first = first or time.time() - started
    nxt = [l for l in body.get("servers_links", []) if l.get("rel") == "next"]
    if not nxt or not body["servers"]:
        break
    params["marker"] = body["servers"][-1]["id"]
print(json.dumps({"first": first, "count": count}))
"""


@dataclass
class FakeProcess:
    """`bench/fake_cloud.py` in a process of its own, so it does not share our GIL."""

    servers: int
    directory: Path
    process: subprocess.Popen[str] | None = None
    url: str = ""
    clouds_yaml: str = ""

    def __enter__(self) -> FakeProcess:
        self.process = subprocess.Popen(
            [
                sys.executable,
                str(HERE / "fake_cloud.py"),
                "--servers",
                str(self.servers),
                "--dir",
                str(self.directory),
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.process.stdout is not None
        started = json.loads(self.process.stdout.readline())
        self.url, self.clouds_yaml = started["url"], started["clouds_yaml"]
        return self

    def __exit__(self, *_: object) -> None:
        if self.process is not None:
            assert self.process.stdin is not None
            self.process.stdin.close()
            self.process.wait(timeout=30)

    def call(self, method: str, path: str) -> Any:
        request = urllib.request.Request(self.url + path, method=method)
        with urllib.request.urlopen(request, timeout=120) as response:
            body = response.read()
        return json.loads(body) if body else None

    def change(self, percent: float) -> dict[str, int]:
        return dict(self.call("POST", f"/_bench/change?percent={percent}"))

    def requests(self) -> dict[str, int]:
        counts = self.call("GET", "/_bench/requests")
        self.call("POST", "/_bench/requests/reset")
        return {k: v for k, v in counts.items() if "/_bench/" not in k}


def isolated_env(fake: FakeProcess, home: Path) -> dict[str, str]:
    """A child's environment: the fake cloud's clouds.yaml, empty config/cache/state dirs."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OS_", "STACKDECK"))}
    for var in ("TEXTUAL_THEME", "NO_COLOR"):
        env.pop(var, None)
    env.update(
        OS_CLIENT_CONFIG_FILE=fake.clouds_yaml,
        HOME=str(home),
        XDG_CONFIG_HOME=str(home / "config"),
        XDG_CACHE_HOME=str(home / "cache"),
        XDG_STATE_HOME=str(home / "state"),
        XDG_DATA_HOME=str(home / "data"),
        TERM="xterm-256color",
        COLUMNS=str(SIZE[0]),
        LINES=str(SIZE[1]),
    )
    return env


def run_timed(argv: list[str], env: dict[str, str], timeout: float) -> tuple[float, float, str]:
    """Wall seconds from start to exit, peak RSS in MB (the child's own), stdout."""
    started = time.perf_counter()
    process = subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    assert process.stdout is not None
    output = process.stdout.read()
    deadline = time.perf_counter() + timeout
    while True:
        pid, status, usage = os.wait4(process.pid, os.WNOHANG)
        if pid:
            break
        if time.perf_counter() > deadline:
            process.kill()
            raise TimeoutError(f"{argv[0]} took over {timeout:.0f} s")
        time.sleep(0.01)
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode:
        raise RuntimeError(f"{' '.join(argv[:3])}… exited {process.returncode}")
    return time.perf_counter() - started, usage.ru_maxrss / 1024, output.decode()


def raw_paging(fake: FakeProcess, env: dict[str, str]) -> dict[str, float]:
    argv = [sys.executable, "-c", RAW_PAGING, fake.url, repr(time.time())]
    wall, rss, output = run_timed(argv, env, timeout=600)
    result = json.loads(output)
    assert result["count"] == fake.servers, result
    return {"first": result["first"], "full": wall, "rss": rss}


def openstack_cli(fake: FakeProcess, env: dict[str, str], cli: Path) -> dict[str, float]:
    argv = [str(cli), "--os-cloud", "bench", "server", "list", "--all-projects"]
    wall, rss, output = run_timed([*argv, "-f", "value", "-c", "ID"], env, timeout=3600)
    assert len(output.split()) == fake.servers, "the CLI listed a different count"
    return {"full": wall, "rss": rss}


def stackdeck_process(fake: FakeProcess, env: dict[str, str]) -> dict[str, float]:
    """A fresh stackdeck on a pty: first rows, full list (count shown, loading over), VmHWM."""
    total = f"[{fake.servers}]".encode()
    argv = [str(BIN / "stackdeck"), "--os-cloud", "bench", "servers"]
    with Terminal(argv, env, SIZE) as terminal:
        first = terminal.wait_for(re.compile(rb"[a-z]+-[abc]-\d{6}"), timeout=120)
        full = terminal.wait_for_final(total, busy=b"loading", timeout=900)
        rss = terminal.peak_rss_mb()
    return {"first": first, "full": full, "rss": rss}


# -- in-process: keys through Textual's pilot ---------------------------------------------


async def in_process(fake: FakeProcess, env: dict[str, str]) -> dict[str, float]:
    os.environ.update({k: v for k, v in env.items() if k.startswith(("OS_", "XDG_", "STACKDECK"))})
    from tui.app import StackdeckApp
    from tui.backend.openstack import OpenStackBackend
    from tui.config import Settings

    app = StackdeckApp(
        OpenStackBackend("bench", read_only=True),
        Settings(cloud="bench", start_resource="servers", refresh_seconds=0),
    )
    results: dict[str, float] = {}
    async with app.run_test(size=SIZE) as pilot:
        started = time.perf_counter()
        await settle(app, pilot, lambda: shown_total(app) == fake.servers, timeout=900)
        results["full"] = time.perf_counter() - started
        await idle_workers(app, pilot)  # the list's cache write: keys come after it
        frames = watch_frames(app)
        await pilot.press("slash")
        await pilot.pause()
        typed = [await key_to_frame(pilot, frames, key) for key in FILTER_KEYS]
        results["keystroke"], results["keystroke_cpu"] = max(typed)
        await pilot.press("escape")  # leave the filter box (the filter stays)
        await pilot.pause()
        if shown_total(app) != fake.servers:
            raise RuntimeError("the filter keystroke left the server list")
        pages = [await key_to_frame(pilot, frames, "pagedown") for _ in range(5)]
        results["scroll"] = statistics.median(wall for wall, _ in pages)
        results["scroll_cpu"] = statistics.median(cpu for _, cpu in pages)
        fake.requests()
        results["refresh"] = await timed_refresh(app, pilot, frames)
        results["refresh_requests"] = sum(fake.requests().values())
        fake.change(1.0)
        results["refresh_1pct"] = await timed_refresh(app, pilot, frames)
        results["refresh_1pct_requests"] = sum(fake.requests().values())
    return results


def shown_total(app: Any) -> int | None:
    """The list's row count once loading has ended, read from what the screen shows."""
    crumbs = app.screen.query("#crumbs")
    if not crumbs:
        return None
    text = str(crumbs.first().render())
    if "loading" in text:
        return None
    counted = re.search(r"\[(?:\d+/)?(\d+)\]", text)
    return int(counted.group(1)) if counted else None


async def settle(app: Any, pilot: Any, done: Callable[[], bool], timeout: float) -> None:
    deadline = time.perf_counter() + timeout
    while not done():
        if time.perf_counter() > deadline:
            raise TimeoutError("the list never finished loading")
        await pilot.pause(0.005)


async def idle_workers(app: Any, pilot: Any, timeout: float = 900) -> None:
    deadline = time.perf_counter() + timeout
    await pilot.pause()
    while any(worker.is_running for worker in app.workers):
        if time.perf_counter() > deadline:
            raise TimeoutError("a worker never ended")
        await asyncio.sleep(0.002)
    await pilot.pause()


Frame = tuple[float, float, bool]


def watch_frames(app: Any) -> list[Frame]:
    """When frames are finished from now on (wall clock, the UI thread's CPU clock, whether
    the list was still fetching): drawn, and made into what the terminal is sent (the
    headless driver skips that, so it is done here, as the terminal's would)."""
    from textual._compositor import CompositorUpdate

    frames: list[Frame] = []
    display = app._display

    def timed(screen: Any, renderable: Any) -> None:
        display(screen, renderable)
        if renderable is not None:
            if isinstance(renderable, CompositorUpdate):
                renderable.render_segments(app.console)
            busy = bool(getattr(app.screen, "fetching", False))
            frames.append((time.perf_counter(), time.thread_time(), busy))

    app._display = timed
    return frames


async def key_to_frame(pilot: Any, frames: list[Frame], key: str) -> tuple[float, float]:
    """From the key to the last frame it caused: what the user waits for, not the pilot's
    wait for the app to be idle after it. Wall time, and the UI thread's CPU time (on a
    loaded machine the wall time is mostly waiting for a core)."""
    frames.clear()
    started, cpu = time.perf_counter(), time.thread_time()
    await pilot.press(key)
    if not frames:
        raise RuntimeError(f"the key {key!r} drew no frame")
    return frames[-1][0] - started, frames[-1][1] - cpu


async def timed_refresh(app: Any, pilot: Any, frames: list[Frame]) -> float:
    """From `r` to the first frame that shows the list no longer fetching: what the
    operator waits for (the pilot's waits for an idle app after it are left out)."""
    frames.clear()
    started = time.perf_counter()
    await pilot.press("r")
    await idle_workers(app, pilot)
    first_busy = next((n for n, (*_, busy) in enumerate(frames) if busy), 0)
    fetched = [at for at, _, busy in frames[first_busy:] if not busy]
    if not fetched:
        raise RuntimeError("no frame showed the refreshed list")
    return fetched[0] - started


def in_process_child(url: str, clouds_yaml: str, servers: int) -> None:
    """Run in a fresh interpreter (`--in-process`), so earlier sizes leave nothing behind."""
    fake = FakeProcess(servers, Path(clouds_yaml).parent, url=url, clouds_yaml=clouds_yaml)
    with tempfile.TemporaryDirectory(prefix="big-lists-home-") as home:
        print(json.dumps(asyncio.run(in_process(fake, isolated_env(fake, Path(home))))))


# -- the report ---------------------------------------------------------------------------


@dataclass
class Row:
    label: str
    values: dict[int, str] = field(default_factory=dict)


def median_of(runs: list[dict[str, float]], key: str) -> float:
    return statistics.median(run[key] for run in runs)


def measure(size: int, args: argparse.Namespace, cli: Path | None) -> dict[str, float]:
    found: dict[str, float] = {}
    with (
        tempfile.TemporaryDirectory(prefix="big-lists-") as tmp,
        FakeProcess(size, Path(tmp)) as fake,
    ):
        home = Path(tmp) / "home"
        env = isolated_env(fake, home)
        fake.requests()
        raw = [raw_paging(fake, env) for _ in range(args.repeat)]
        deck = []
        for run in range(args.repeat):
            fake.requests()  # each start is a cold one: no list cached from the last
            deck.append(stackdeck_process(fake, isolated_env(fake, home / f"start-{run}")))
            asked = fake.requests()
            found["start_requests"] = sum(asked.values())
        print(
            "  requests of one stackdeck start:", ", ".join(f"{k} x{v}" for k, v in asked.items())
        )
        for key in ("first", "full", "rss"):
            found[f"raw_{key}"] = median_of(raw, key)
            found[f"deck_{key}"] = median_of(deck, key)
        if cli is not None and size <= args.cli_max:
            fake.requests()
            runs = [openstack_cli(fake, env, cli) for _ in range(args.cli_repeat)]
            found["cli_full"] = median_of(runs, "full")
            print(f"  requests of one CLI run: {sum(fake.requests().values()) // len(runs)}")
        fake.requests()
        keys = []
        for _ in range(args.repeat):
            argv = [sys.executable, __file__, "--in-process", fake.url, fake.clouds_yaml, str(size)]
            _, _, output = run_timed(argv, env, timeout=3600)
            keys.append(json.loads(output.strip().splitlines()[-1]))
        for key in keys[0]:
            found[f"app_{key}"] = median_of(keys, key)
    return found


def report(sizes: list[int], results: dict[int, dict[str, float]], cli_note: str) -> bool:
    def ms(value: float) -> str:
        return f"{value * 1000:,.0f} ms" if value < 10 else f"{value:,.1f} s"

    def ratio(a: str, b: str) -> Callable[[dict[str, float]], str]:
        return lambda r: f"{r[a] / r[b]:.2f}x"

    lines: list[tuple[str, Callable[[dict[str, float]], str]]] = [
        ("raw paging: first page (process start)", lambda r: ms(r["raw_first"])),
        ("raw paging: full list (process start to exit)", lambda r: ms(r["raw_full"])),
        ("raw paging: peak RSS", lambda r: f"{r['raw_rss']:.0f} MB"),
        (
            "openstack server list --all-projects",
            lambda r: ms(r["cli_full"]) if "cli_full" in r else "skipped",
        ),
        ("stackdeck [pty]: first rows drawn", lambda r: ms(r["deck_first"])),
        ("stackdeck [pty]: full list (count shown)", lambda r: ms(r["deck_full"])),
        ("stackdeck [pty]: peak RSS (VmHWM)", lambda r: f"{r['deck_rss']:.0f} MB"),
        ("stackdeck [pty]: requests per start", lambda r: f"{r['start_requests'] / 1:.0f}"),
        ("stackdeck [pilot]: full list", lambda r: ms(r["app_full"])),
        (
            "stackdeck [pilot]: filter keystroke to frame (slowest)",
            lambda r: f"{r['app_keystroke'] * 1000:.1f} ms",
        ),
        (
            "  its CPU time (UI thread)",
            lambda r: f"{r['app_keystroke_cpu'] * 1000:.1f} ms",
        ),
        ("stackdeck [pilot]: page down to frame", lambda r: f"{r['app_scroll'] * 1000:.1f} ms"),
        ("  its CPU time (UI thread)", lambda r: f"{r['app_scroll_cpu'] * 1000:.1f} ms"),
        ("stackdeck [pilot]: `r`, nothing changed", lambda r: ms(r["app_refresh"])),
        ("  requests", lambda r: f"{r['app_refresh_requests']:.0f}"),
        ("stackdeck [pilot]: `r`, 1% changed", lambda r: ms(r["app_refresh_1pct"])),
        ("  requests", lambda r: f"{r['app_refresh_1pct_requests']:.0f}"),
        ("ratio full list stackdeck / raw (<= 1.5x)", ratio("deck_full", "raw_full")),
        (
            "ratio refresh unchanged / full list (<= 5%)",
            lambda r: f"{r['app_refresh'] / r['app_full']:.0%}",
        ),
        (
            "ratio refresh 1% changed / full list",
            lambda r: f"{r['app_refresh_1pct'] / r['app_full']:.0%}",
        ),
    ]
    width = max(len(label) for label, _ in lines)
    print(f"\n{'':{width}}  " + "  ".join(f"{size:>12,}" for size in sizes))
    for label, show in lines:
        print(f"{label:{width}}  " + "  ".join(f"{show(results[s]):>12}" for s in sizes))
    if cli_note:
        print(f"\nopenstack CLI: {cli_note}")
    verdicts = []
    for size in sizes:
        r = results[size]
        checks = []
        if size >= 10_000:  # below, a full list is mostly start-up
            checks.append(("full <= 1.5x raw", r["deck_full"] / r["raw_full"] <= 1.5))
        checks.append(("unchanged refresh <= 5% of full", r["app_refresh"] <= 0.05 * r["app_full"]))
        if size >= 100_000:
            checks.append(("keystroke <= 16.7 ms", r["app_keystroke"] * 1000 <= FRAME_MS))
            checks.append(("scroll frame <= 16.7 ms", r["app_scroll"] * 1000 <= FRAME_MS))
            checks.append(("peak RSS <= 300 MB", r["deck_rss"] <= 300))
        for name, ok in checks:
            verdicts.append(ok)
            print(f"{'PASS' if ok else 'FAIL'}  {size:>7,}: {name}")
    return all(verdicts)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-cli", action="store_true", help="skip `openstack server list`")
    parser.add_argument(
        "--cli-max", type=int, default=10_000, help="skip the CLI above this many servers"
    )
    parser.add_argument("--cli-repeat", type=int, default=1, help="runs of the CLI per size")
    parser.add_argument("--check", action="store_true", help="exit 1 when a target FAILs")
    parser.add_argument("--in-process", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.in_process:
        url, clouds_yaml, servers = args.in_process
        in_process_child(url, clouds_yaml, int(servers))
        return 0
    sizes = [int(s.replace("_", "")) for s in args.sizes.split(",")]
    cli, note = None, ""
    if args.no_cli:
        note = "skipped (--no-cli)"
    else:
        found = [c for c in CLI_CANDIDATES if c.exists()]
        on_path = subprocess.run(["which", "openstack"], capture_output=True, text=True).stdout
        cli = found[0] if found else (Path(on_path.strip()) if on_path.strip() else None)
        note = f"{cli}, up to {args.cli_max:,} servers" if cli else "skipped: none found"
    compile_bytecode()
    results = {}
    for size in sizes:
        print(f"measuring {size:,} servers ({args.repeat} runs each)…", flush=True)
        results[size] = measure(size, args, cli)
    print(
        f"\n{os.uname().nodename}, {os.cpu_count()} cores, Python {sys.version.split()[0]}, "
        f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, load {os.getloadavg()[0]:.2f}"
    )
    passed = report(sizes, results, note)
    return 1 if args.check and not passed else 0


if __name__ == "__main__":
    sys.exit(main())
