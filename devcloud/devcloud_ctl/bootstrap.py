"""One-time setup: MariaDB datadir and databases, schema syncs, keystone bootstrap, cells.

Each command runs once: a marker under ``.devcloud/state`` records that it succeeded, so a
warm ``up`` skips it and a failed first ``up`` resumes where it stopped.
"""

from __future__ import annotations

import shutil
from collections.abc import Sequence

from . import paths as p
from .console import step
from .paths import Paths
from .procs import run
from .services import base_env

DATABASES = (
    "keystone",
    "placement",
    "nova_api",
    "nova",
    "nova_cell0",
    "glance",
    "neutron",
    "cinder",
)


def once(paths: Paths, key: str, argv: Sequence[str], log: str) -> None:
    marker = paths.marker(key)
    if marker.exists():
        return
    step(key)
    run(argv, paths.logfile(log), base_env(paths), what=key)
    marker.touch()


def init_mariadb_datadir(paths: Paths) -> None:
    datadir = paths.data / "mysql"
    if (datadir / "mysql").is_dir():
        return
    step("mariadb-install-db")
    for path in (datadir, paths.mysql_socket.parent):
        path.mkdir(parents=True, exist_ok=True)
        shutil.chown(path, "mysql", "mysql")
    run(
        [
            "mariadb-install-db",
            f"--defaults-file={paths.etc}/my.cnf",
            "--user=mysql",
            "--auth-root-authentication-method=socket",
            "--skip-test-db",
        ],
        paths.logfile("setup-mariadb"),
        what="mariadb-install-db",
    )


def create_databases(paths: Paths) -> None:
    user = f"'{p.DB_USER}'@'127.0.0.1'"
    sql = [f"CREATE USER IF NOT EXISTS {user} IDENTIFIED BY '{p.DB_PASSWORD}';"]
    for name in DATABASES:
        sql.append(f"CREATE DATABASE IF NOT EXISTS {name} CHARACTER SET utf8;")
        sql.append(f"GRANT ALL PRIVILEGES ON {name}.* TO {user};")
    once(
        paths,
        "create-databases",
        ["mariadb", f"--defaults-file={paths.etc}/my.cnf", "-uroot", "-e", " ".join(sql)],
        "setup-mariadb",
    )


def _cfg(paths: Paths, *configs: str) -> list[str]:
    args = []
    for config in configs:
        args += ["--config-file", str(paths.etc / config)]
    return args


def sync_keystone(paths: Paths) -> None:
    manage = [str(paths.bin("keystone-manage")), *_cfg(paths, "keystone/keystone.conf")]
    owner = ["--keystone-user", "root", "--keystone-group", "root"]
    url = "http://127.0.0.1:5000/v3/"
    once(paths, "keystone-db-sync", [*manage, "db_sync"], "setup-keystone")
    once(paths, "keystone-fernet-setup", [*manage, "fernet_setup", *owner], "setup-keystone")
    once(
        paths, "keystone-credential-setup", [*manage, "credential_setup", *owner], "setup-keystone"
    )
    once(
        paths,
        "keystone-bootstrap",
        [
            *manage,
            "bootstrap",
            "--bootstrap-password",
            p.ADMIN_PASSWORD,
            "--bootstrap-username",
            "admin",
            "--bootstrap-project-name",
            "admin",
            "--bootstrap-role-name",
            "admin",
            "--bootstrap-service-name",
            "keystone",
            "--bootstrap-region-id",
            p.REGION,
            "--bootstrap-admin-url",
            url,
            "--bootstrap-internal-url",
            url,
            "--bootstrap-public-url",
            url,
        ],
        "setup-keystone",
    )


def sync_placement(paths: Paths) -> None:
    once(
        paths,
        "placement-db-sync",
        [
            str(paths.bin("placement-manage")),
            *_cfg(paths, "placement/placement.conf"),
            "db",
            "sync",
        ],
        "setup-placement",
    )


def sync_nova(paths: Paths) -> None:
    manage = [str(paths.bin("nova-manage")), *_cfg(paths, "nova/nova.conf")]
    once(paths, "nova-api-db-sync", [*manage, "api_db", "sync"], "setup-nova")
    once(paths, "nova-map-cell0", [*manage, "cell_v2", "map_cell0"], "setup-nova")
    once(
        paths,
        "nova-create-cell1",
        [*manage, "cell_v2", "create_cell", "--name", "cell1"],
        "setup-nova",
    )
    once(paths, "nova-db-sync", [*manage, "db", "sync"], "setup-nova")


def discover_hosts(paths: Paths) -> None:
    once(
        paths,
        "nova-discover-hosts",
        [
            str(paths.bin("nova-manage")),
            *_cfg(paths, "nova/nova.conf"),
            "cell_v2",
            "discover_hosts",
            "--verbose",
        ],
        "setup-nova",
    )


def sync_glance(paths: Paths) -> None:
    once(
        paths,
        "glance-db-sync",
        [str(paths.bin("glance-manage")), *_cfg(paths, "glance/glance-api.conf"), "db_sync"],
        "setup-glance",
    )


def sync_neutron(paths: Paths) -> None:
    once(
        paths,
        "neutron-db-upgrade",
        [
            str(paths.bin("neutron-db-manage")),
            *_cfg(paths, "neutron/neutron.conf", "neutron/ml2_conf.ini"),
            "upgrade",
            "heads",
        ],
        "setup-neutron",
    )


def sync_cinder(paths: Paths) -> None:
    once(
        paths,
        "cinder-db-sync",
        [str(paths.bin("cinder-manage")), *_cfg(paths, "cinder/cinder.conf"), "db", "sync"],
        "setup-cinder",
    )


def make_state_dirs(paths: Paths) -> None:
    data = paths.data
    for sub in (
        "keystone",
        "nova/lock",
        "compute1",
        "compute2",
        "glance/images",
        "glance/staging",
        "glance/tasks",
        "glance/lock",
        "neutron/lock",
        "cinder/lock",
        "cinder/coordination",
    ):
        (data / sub).mkdir(parents=True, exist_ok=True)
    for sub in ("rabbitmq/mnesia", "rabbitmq/log"):
        (data / sub).mkdir(parents=True, exist_ok=True)
    for path in (data / "rabbitmq", data / "rabbitmq/mnesia", data / "rabbitmq/log"):
        shutil.chown(path, "rabbitmq", "rabbitmq")
