"""Every process the devcloud runs, in start order, and how to tell that it is healthy."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field

from . import paths as p
from .paths import Paths

INFRA = "infra"
API = "api"
DAEMON = "daemon"


@dataclass(frozen=True)
class Service:
    name: str
    kind: str
    argv: tuple[str, ...]
    port: int | None = None
    health_url: str | None = None
    env: dict[str, str] = field(default_factory=dict)
    user: str | None = None


def base_env(paths: Paths) -> dict[str, str]:
    """The environment every service starts with: the venv first on PATH (privsep-helper)."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("OS_", "VIRTUAL_ENV", "PYTHON"))
    }
    env["PATH"] = f"{paths.venv / 'bin'}:{env.get('PATH', '/usr/sbin:/usr/bin:/sbin:/bin')}"
    env["PYTHONUNBUFFERED"] = "1"
    return env


def _gunicorn(
    paths: Paths,
    name: str,
    port: int,
    target: str,
    health: str,
    env: dict[str, str],
    argv: list[str] | None = None,
) -> Service:
    command = (
        str(paths.bin("gunicorn")),
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        "1",
        "--worker-class",
        "gthread",
        "--threads",
        "4",
        "--timeout",
        "300",
        "--graceful-timeout",
        "5",
        "--no-control-socket",
        # No keep-alive: a client reusing a connection just as the server closes it gets
        # "Remote end closed connection without response" (seen with 2 s polling).
        "--keep-alive",
        "0",
        "--name",
        f"devcloud-{name}",
        "stackdeck_devcloud_plugins.wsgi:application",
    )
    wsgi_env = {"DEVCLOUD_WSGI_TARGET": target, **env}
    if argv:
        wsgi_env["DEVCLOUD_WSGI_ARGV"] = json.dumps(argv)
    return Service(name, API, command, port, f"http://127.0.0.1:{port}{health}", wsgi_env)


def infra_services(paths: Paths) -> list[Service]:
    erl_args = "-kernel inet_dist_use_interface {127,0,0,1}"
    rabbit_env = {
        "HOME": str(paths.data / "rabbitmq"),
        "RABBITMQ_CONF_ENV_FILE": str(paths.etc / "rabbitmq/rabbitmq-env.conf"),
        "RABBITMQ_CONFIG_FILE": str(paths.etc / "rabbitmq/rabbitmq.conf"),
        "RABBITMQ_ENABLED_PLUGINS_FILE": str(paths.etc / "rabbitmq/enabled_plugins"),
        "RABBITMQ_NODENAME": "devcloud@localhost",
        "RABBITMQ_NODE_IP_ADDRESS": "127.0.0.1",
        "RABBITMQ_NODE_PORT": str(p.AMQP_PORT),
        "RABBITMQ_DIST_PORT": str(p.RABBIT_DIST_PORT),
        "RABBITMQ_MNESIA_BASE": str(paths.data / "rabbitmq/mnesia"),
        "RABBITMQ_LOG_BASE": str(paths.data / "rabbitmq/log"),
        "RABBITMQ_PID_FILE": str(paths.data / "rabbitmq/rabbitmq.pid"),
        "RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS": erl_args,
        "ERL_EPMD_ADDRESS": "127.0.0.1",
        "ERL_EPMD_PORT": str(p.EPMD_PORT),
    }
    return [
        Service(
            "mariadb",
            INFRA,
            ("/usr/sbin/mariadbd", f"--defaults-file={paths.etc}/my.cnf"),
            p.DB_PORT,
        ),
        Service(
            "epmd",
            INFRA,
            ("/usr/bin/epmd", "-address", "127.0.0.1", "-port", str(p.EPMD_PORT)),
            p.EPMD_PORT,
            user="rabbitmq",
        ),
        Service(
            "rabbitmq",
            INFRA,
            ("/usr/lib/rabbitmq/bin/rabbitmq-server",),
            p.AMQP_PORT,
            env=rabbit_env,
            user="rabbitmq",
        ),
    ]


def api_services(paths: Paths) -> list[Service]:
    etc = paths.etc
    neutron_env = {
        "OS_NEUTRON_CONFIG_DIR": str(etc / "neutron"),
        "OS_NEUTRON_CONFIG_FILES": "neutron.conf;ml2_conf.ini",
    }
    return [
        _gunicorn(
            paths,
            "keystone",
            5000,
            "keystone.wsgi.api",
            "/v3",
            {"OS_KEYSTONE_CONFIG_DIR": str(etc / "keystone")},
        ),
        _gunicorn(
            paths,
            "placement",
            8778,
            "placement.wsgi.api",
            "/",
            {"OS_PLACEMENT_CONFIG_DIR": str(etc / "placement")},
        ),
        _gunicorn(
            paths,
            "nova-api",
            8774,
            "nova.wsgi.osapi_compute",
            "/",
            {"OS_NOVA_CONFIG_DIR": str(etc / "nova")},
        ),
        _gunicorn(
            paths,
            "glance",
            9292,
            "glance.wsgi.api",
            "/versions",
            {"OS_GLANCE_CONFIG_DIR": str(etc / "glance")},
        ),
        _gunicorn(paths, "neutron-api", 9696, "neutron.wsgi.api", "/", neutron_env),
        _gunicorn(
            paths,
            "cinder-api",
            8776,
            "cinder.wsgi.api",
            "/",
            {},
            ["cinder-api", "--config-file", str(etc / "cinder/cinder.conf")],
        ),
    ]


def _daemon(paths: Paths, name: str, command: str, *configs: str) -> Service:
    argv = [str(paths.bin(command))]
    for config in configs:
        argv += ["--config-file", str(paths.etc / config)]
    return Service(name, DAEMON, tuple(argv))


def daemon_services(paths: Paths, with_dhcp: bool) -> list[Service]:
    neutron = ("neutron/neutron.conf", "neutron/ml2_conf.ini")
    daemons = [
        _daemon(paths, "neutron-rpc-server", "neutron-rpc-server", *neutron),
        _daemon(paths, "nova-conductor", "nova-conductor", "nova/nova.conf"),
        _daemon(paths, "nova-scheduler", "nova-scheduler", "nova/nova.conf"),
        _daemon(
            paths,
            "nova-compute1",
            "devcloud-nova-compute",
            "nova/nova.conf",
            "nova/nova-compute1.conf",
        ),
        _daemon(
            paths,
            "nova-compute2",
            "devcloud-nova-compute",
            "nova/nova.conf",
            "nova/nova-compute2.conf",
        ),
        _daemon(paths, "cinder-scheduler", "cinder-scheduler", "cinder/cinder.conf"),
        _daemon(paths, "cinder-volume", "cinder-volume", "cinder/cinder.conf"),
    ]
    if with_dhcp:
        daemons.append(
            _daemon(
                paths,
                "neutron-dhcp-agent",
                "neutron-dhcp-agent",
                *neutron,
                "neutron/dhcp_agent.ini",
            )
        )
    return daemons


def all_services(paths: Paths, with_dhcp: bool) -> list[Service]:
    return infra_services(paths) + api_services(paths) + daemon_services(paths, with_dhcp)
