"""``devcloud/run up|down|status|seed|reset``: the command line contract of the devcloud."""

from __future__ import annotations

import argparse
import fcntl
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor, as_completed
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from . import bootstrap, dhcp, registration
from .api import AdminClient
from .configs import COMPUTE_HOSTS, render_all, write_clouds_yaml
from .console import DevcloudError, step
from .install import ensure_packages, ensure_venv
from .paths import Paths
from .procs import (
    group_members,
    http_status,
    is_alive,
    port_open,
    read_pidfile,
    rss_kib,
    spawn,
    stop,
)
from .services import API, DAEMON, INFRA, Service, all_services, base_env

API_TIMEOUT = 300.0
REGISTER_TIMEOUT = 240.0
INFRA_TIMEOUT = 120.0
STOP_TIMEOUT = 20.0
COMPUTES = tuple(f"nova-{host}" for host in COMPUTE_HOSTS)


@dataclass(frozen=True)
class StatusRow:
    name: str
    port: int | None
    pid: int | None
    health: str
    ok: bool
    rss_kib: int


class Cloud:
    """The devcloud's processes and the steps that bring them up."""

    def __init__(self, paths: Paths, with_dhcp: bool = False) -> None:
        self.paths = paths
        self.with_dhcp = with_dhcp
        self.services = {s.name: s for s in all_services(paths, with_dhcp)}
        self.launched: dict[str, datetime] = {}
        self.reported: set[str] = set()

    # -- processes -----------------------------------------------------------------------

    def alive(self, name: str) -> bool:
        record = read_pidfile(self.paths.pidfile(name))
        return record is not None and is_alive(record)

    def ensure_running(self, name: str) -> None:
        if self.alive(name):
            return
        service = self.services[name]
        if service.port is not None and port_open(service.port):
            raise DevcloudError(
                name,
                f"port {service.port} on 127.0.0.1 is taken by a process this devcloud did not "
                "start (another devcloud or a system service?)",
            )
        step(f"start {name}")
        now = datetime.now(UTC).replace(tzinfo=None, microsecond=0)
        self.launched[name] = now - timedelta(seconds=1)
        spawn(
            service.argv,
            self.paths.pidfile(name),
            self.paths.logfile(name),
            {**base_env(self.paths), **service.env},
            user=service.user,
            cwd=self.paths.root,
        )

    def healthy(self, service: Service) -> bool:
        if not self.alive(service.name):
            return False
        if service.health_url:
            status = http_status(service.health_url)
            return status is not None and status < 500
        return service.port is None or port_open(service.port)

    def wait(
        self,
        name: str | tuple[str, ...],
        missing: Callable[[], list[str]],
        timeout: float,
        what: str,
    ) -> None:
        """Poll until nothing is ``missing``; fail early, with its log, if a watched service exits.

        Every 15 s it prints what it still waits for, so a CI log shows where time goes.
        """
        watched = (name,) if isinstance(name, str) else name
        deadline = time.monotonic() + timeout
        next_note = time.monotonic() + 15
        while left := _safely(missing):
            for dead in (n for n in watched if not self.alive(n)):
                raise DevcloudError(
                    dead, f"exited while waiting for {what}", self.paths.logfile(dead)
                )
            if time.monotonic() > deadline:
                raise DevcloudError(
                    watched[0],
                    f"no {what} after {timeout:.0f}s; missing: {', '.join(left)}",
                    self.paths.logfile(watched[0]),
                )
            if time.monotonic() > next_note:
                step(f"still waiting for {', '.join(left)}")
                next_note += 15
            time.sleep(0.5)

    def wait_healthy(self, name: str, timeout: float = API_TIMEOUT) -> None:
        service = self.services[name]
        self.wait(
            name, lambda: [] if self.healthy(service) else [f"{name} to answer"], timeout, "answer"
        )
        if name not in self.reported:
            self.reported.add(name)
            step(f"{name} answers" if service.kind == API else f"{name} ready")

    # -- up ------------------------------------------------------------------------------

    def up(self) -> None:
        paths = self.paths
        paths.ensure_dirs()
        ensure_packages(paths, self.with_dhcp)
        ensure_venv(paths)
        render_all(paths)
        write_clouds_yaml(paths)
        bootstrap.make_state_dirs(paths)
        self.start_database_and_broker()
        self.setup_and_start_apis()
        self.wait_healthy("rabbitmq", INFRA_TIMEOUT)
        for service in self.services.values():
            if service.kind == DAEMON and service.name not in COMPUTES:
                self.ensure_running(service.name)
        for service in self.services.values():
            if service.kind == API:
                self.wait_healthy(service.name)
        self.start_computes()
        self.wait_registration()
        if not paths.marker("seed").exists():
            self.seed()

    def start_database_and_broker(self) -> None:
        bootstrap.init_mariadb_datadir(self.paths)
        self.ensure_running("mariadb")
        self.ensure_running("epmd")
        self.wait_healthy("epmd", INFRA_TIMEOUT)
        self.ensure_running("rabbitmq")
        socket = self.paths.mysql_socket
        self.wait(
            "mariadb",
            lambda: [] if socket.exists() else ["mariadb socket"],
            INFRA_TIMEOUT,
            "socket",
        )
        self.wait_healthy("mariadb", INFRA_TIMEOUT)
        bootstrap.create_databases(self.paths)

    def setup_and_start_apis(self) -> None:
        """Sync the schemas in parallel; start each API as soon as its schema is ready."""
        paths = self.paths
        chains: list[Callable[[], None]] = [
            self.keystone_chain,
            self.nova_chain,
            lambda: (bootstrap.sync_placement(paths), self.ensure_running("placement")),
            lambda: (bootstrap.sync_glance(paths), self.ensure_running("glance")),
            lambda: (bootstrap.sync_neutron(paths), self.ensure_running("neutron-api")),
            lambda: (bootstrap.sync_cinder(paths), self.ensure_running("cinder-api")),
        ]
        with ThreadPoolExecutor(max_workers=len(chains)) as pool:
            futures = [pool.submit(chain) for chain in chains]
        for future in futures:
            future.result()

    def nova_chain(self) -> None:
        bootstrap.sync_nova(self.paths)
        # The conductor early: the computes start once it has reported (start_computes).
        for name in ("nova-api", "nova-conductor", "nova-scheduler"):
            self.ensure_running(name)

    def keystone_chain(self) -> None:
        bootstrap.sync_keystone(self.paths)
        self.ensure_running("keystone")
        self.wait_healthy("keystone")
        if not self.paths.marker("catalog").exists():
            step("service users, projects and catalog (openstacksdk)")
            self.venv_script("catalog.py", self.paths.logfile("setup-catalog"))
            self.paths.marker("catalog").touch()

    def start_computes(self) -> None:
        """Start the computes once the conductor serves RPC.

        A compute whose first ping finds no conductor queue (RabbitMQ just restarted) waits
        10 s before it pings again; waiting for the conductor's first report avoids that.
        """
        if not all(self.alive(name) for name in COMPUTES):
            client = AdminClient()
            since = self.since()
            self.wait(
                "nova-conductor",
                lambda: registration.nova_services_missing(client, since, ("nova-conductor",)),
                REGISTER_TIMEOUT,
                "nova-conductor up",
            )
        for name in COMPUTES:
            self.ensure_running(name)

    def since(self) -> dict[str, datetime]:
        """When each service was started by this command (long ago if it was running)."""
        return {name: self.launched.get(name, datetime.min) for name in self.services}

    def wait_registration(self) -> None:
        """Both computes up as services and hypervisors, cells discovered, cinder-volume up."""
        client = AdminClient()
        since = self.since()
        nova = ("nova-compute1", "nova-compute2", "nova-conductor", "nova-scheduler")
        self.wait(
            nova,
            lambda: registration.nova_services_missing(client, since),
            REGISTER_TIMEOUT,
            "nova services up",
        )
        step("nova-conductor, nova-scheduler, compute1, compute2 up (os-services)")
        bootstrap.discover_hosts(self.paths)
        self.wait(
            nova,
            lambda: registration.hypervisors_missing(client),
            REGISTER_TIMEOUT,
            "both hypervisors listed",
        )
        step("compute1 and compute2 listed as hypervisors (cells discovered)")
        self.wait(
            "cinder-volume",
            lambda: registration.volume_missing(client, since),
            REGISTER_TIMEOUT,
            "cinder-volume up",
        )
        step("cinder-volume up, its pool known to cinder-scheduler")
        if self.with_dhcp:
            self.wait(
                "neutron-dhcp-agent",
                lambda: dhcp.agent_missing(client),
                dhcp.AGENT_TIMEOUT,
                "DHCP agent alive",
            )
            dhcp.agent_alive(client)

    def seed(self) -> None:
        step("seed (openstacksdk, through the public APIs)")
        self.venv_script("seed.py", None)
        self.paths.marker("seed").touch()
        step("seed done")

    def venv_script(self, script: str, logfile: Path | None) -> None:
        env = {**base_env(self.paths), "OS_CLIENT_CONFIG_FILE": str(self.paths.clouds_yaml)}
        argv = [str(self.paths.bin("python")), str(self.paths.scripts / script)]
        if logfile is None:
            result = subprocess.run(argv, env=env, check=False)
        else:
            with logfile.open("ab") as log:
                result = subprocess.run(
                    argv, env=env, stdout=log, stderr=subprocess.STDOUT, check=False
                )
        if result.returncode != 0:
            raise DevcloudError(script, f"exited with status {result.returncode}", logfile)

    # -- down / status ---------------------------------------------------------------------

    def down(self) -> None:
        run_dir = self.paths.run
        if not run_dir.is_dir():
            step("nothing to stop")
            return
        known = {s.name: s.kind for s in all_services(self.paths, with_dhcp=True)}
        recorded = [f.stem for f in run_dir.glob("*.pid")]
        tiers = [
            [n for n in recorded if known.get(n) != INFRA],
            [n for n in recorded if n == "rabbitmq"],
            [n for n in recorded if known.get(n) == INFRA and n != "rabbitmq"],
        ]
        dhcp.before_down(self.paths)
        for tier in tiers:
            with ThreadPoolExecutor(max_workers=max(len(tier), 1)) as pool:
                futures = {pool.submit(stop, self.paths.pidfile(n), STOP_TIMEOUT): n for n in tier}
                for future in as_completed(futures):
                    if future.result():
                        step(f"stopped {futures[future]}")
        # again: the agent may have restarted one while it was stopping
        dhcp.before_down(self.paths)
        dhcp.after_down(self.paths)

    def status_row(self, service: Service) -> StatusRow:
        record = read_pidfile(self.paths.pidfile(service.name))
        alive = record is not None and is_alive(record)
        ok = self.healthy(service)
        if service.health_url:
            code = http_status(service.health_url) if ok else None
            health = f"API answers (HTTP {code})" if ok else "API not answering"
        elif service.port:
            health = f"port {service.port} open" if ok else "down"
        else:
            health = "process alive" if ok else "down"
        members = group_members(record) if record and alive else []
        return StatusRow(
            service.name,
            service.port,
            record.pid if alive and record else None,
            health,
            ok,
            rss_kib(members),
        )


def _safely(missing: Callable[[], list[str]]) -> list[str]:
    """What is missing; a connection or HTTP error means a service still starting."""
    try:
        return missing()
    except OSError as err:  # URLError and HTTPError are OSErrors
        return [f"an API ({err})"]


def repo_root() -> Path:
    """This checkout; DEVCLOUD_REPO names another one whose running devcloud to act on."""
    other = os.environ.get("DEVCLOUD_REPO")
    return Path(other).resolve() if other else Path(__file__).resolve().parents[2]


def cmd_up(cloud: Cloud) -> int:
    step(f"up{' (with DHCP agent)' if cloud.with_dhcp else ''}")
    cloud.up()
    step("devcloud is up")
    print(f"export OS_CLIENT_CONFIG_FILE={cloud.paths.clouds_yaml}", flush=True)
    return 0


def cmd_down(cloud: Cloud) -> int:
    cloud.down()
    step("down")
    return 0


def cmd_status(cloud: Cloud) -> int:
    rows = [cloud.status_row(service) for service in cloud.services.values()]
    print(f"{'SERVICE':<20} {'PORT':<6} {'PID':<8} {'RSS MiB':>8}  HEALTH")
    for row in rows:
        print(
            f"{row.name:<20} {row.port or '-':<6} {row.pid or '-':<8} "
            f"{row.rss_kib / 1024:>8.0f}  {row.health}"
        )
    healthy = all(row.ok for row in rows)
    total = sum(row.rss_kib for row in rows) / 1024
    print(f"total RSS {total:.0f} MiB; {'all healthy' if healthy else 'NOT healthy'}")
    return 0 if healthy else 1


def cmd_seed(cloud: Cloud) -> int:
    cloud.seed()
    return 0


def cmd_reset(cloud: Cloud) -> int:
    cloud.down()
    for path in cloud.paths.wiped_on_reset():
        if path.is_dir():
            shutil.rmtree(path)
        else:
            path.unlink(missing_ok=True)
    step("state wiped (venv and apt packages kept)")
    return 0


def cmd_stop_service(cloud: Cloud, name: str) -> int:
    """Stop one process (a compute node "crashing"), leaving the rest of the cloud up."""
    if name not in cloud.services:
        raise DevcloudError(name, f"no such service; one of {', '.join(cloud.services)}")
    stopped = stop(cloud.paths.pidfile(name), STOP_TIMEOUT)
    step(f"stopped {name}" if stopped else f"{name} was not running")
    return 0


def cmd_start_service(cloud: Cloud, name: str) -> int:
    """Start one stopped process again (with its usual command, environment and log)."""
    if name not in cloud.services:
        raise DevcloudError(name, f"no such service; one of {', '.join(cloud.services)}")
    cloud.ensure_running(name)
    cloud.wait_healthy(name)
    return 0


COMMANDS: dict[str, Callable[[Cloud], int]] = {
    "up": cmd_up,
    "down": cmd_down,
    "status": cmd_status,
    "seed": cmd_seed,
    "reset": cmd_reset,
}
# commands on one service: `devcloud/run stop-service nova-compute1`
SERVICE_COMMANDS: dict[str, Callable[[Cloud, str], int]] = {
    "stop-service": cmd_stop_service,
    "start-service": cmd_start_service,
}


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="devcloud/run", description="An all-in-one real OpenStack on 127.0.0.1."
    )
    parser.add_argument("command", choices=[*COMMANDS, *SERVICE_COMMANDS])
    parser.add_argument("service", nargs="?", help="for stop-service / start-service")
    parser.add_argument(
        "--with-dhcp",
        action="store_true",
        default=os.environ.get("DEVCLOUD_DHCP") == "1",
        help="also run the real neutron-dhcp-agent (or DEVCLOUD_DHCP=1)",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if os.geteuid() != 0:
        print("devcloud/run must run as root (apt, MariaDB and RabbitMQ users)", file=sys.stderr)
        return 2
    if args.command in SERVICE_COMMANDS and not args.service:
        print(f"devcloud/run {args.command} needs a service name", file=sys.stderr)
        return 2
    paths = Paths(repo_root())
    try:
        # One command at a time per checkout: an `up` racing a `down` would leave half a cloud.
        with exclusive_lock(paths.lock_file_path) if args.command != "status" else nullcontext():
            with_dhcp = args.with_dhcp or paths.pidfile("neutron-dhcp-agent").exists()
            cloud = Cloud(paths, with_dhcp=with_dhcp)
            if args.command in SERVICE_COMMANDS:
                return SERVICE_COMMANDS[args.command](cloud, args.service)
            return COMMANDS[args.command](cloud)
    except DevcloudError as err:
        print(err.report(), file=sys.stderr, flush=True)
        return 1


@contextmanager
def exclusive_lock(path: Path) -> Iterator[None]:
    """Hold an exclusive flock on ``path``, waiting (and saying so) while another holds it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            step(f"waiting for another devcloud/run ({handle.read().strip() or 'unknown'})")
            fcntl.flock(handle, fcntl.LOCK_EX)
        handle.truncate(0)
        handle.write(f"pid {os.getpid()}: {' '.join(sys.argv[1:])}\n")
        handle.flush()
        yield
