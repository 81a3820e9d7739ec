"""What is still missing before the cloud counts as registered (os-services, hypervisors)."""

from __future__ import annotations

from datetime import datetime

from .api import AdminClient, reported_since
from .configs import COMPUTE_HOSTS

# (binary, host, the devcloud service that runs it)
NOVA_SERVICES = (
    *(("nova-compute", host, f"nova-{host}") for host in COMPUTE_HOSTS),
    ("nova-conductor", "controller", "nova-conductor"),
    ("nova-scheduler", "controller", "nova-scheduler"),
)
VOLUME_SERVICE = ("cinder-volume", "controller@fake", "cinder-volume")


def nova_services_missing(
    client: AdminClient, since: dict[str, datetime], names: tuple[str, ...] | None = None
) -> list[str]:
    """Nova services (all, or the devcloud services ``names``) not yet up since their start."""
    services = {(s["binary"], s["host"]): s for s in client.compute_services()}
    return [
        f"{binary} on {host}"
        for binary, host, name in NOVA_SERVICES
        if (names is None or name in names)
        and not ((binary, host) in services and reported_since(services[binary, host], since[name]))
    ]


def hypervisors_missing(client: AdminClient) -> list[str]:
    """Compute hosts not listed as hypervisors (the API lists only hosts mapped to a cell)."""
    hypervisors = client.hypervisor_names()
    return [f"hypervisor {host}" for host in COMPUTE_HOSTS if host not in hypervisors]


def volume_missing(client: AdminClient, since: dict[str, datetime]) -> list[str]:
    """cinder-volume up since its start, and its pool known to the scheduler."""
    binary, host, name = VOLUME_SERVICE
    ready = any(
        s["binary"] == binary and s["host"] == host and reported_since(s, since[name])
        for s in client.volume_services()
    )
    if not ready:
        return [f"{binary} on {host}"]
    if not any(pool.startswith(f"{host}#") for pool in client.volume_pools()):
        return [f"pool {host}#fake in cinder-scheduler"]
    return []
