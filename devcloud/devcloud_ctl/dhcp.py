"""The optional real neutron-dhcp-agent (``up --with-dhcp``): readiness and cleanup.

The agent's dnsmasq processes daemonize (they leave the agent's process group) and its
``qdhcp-<network>`` namespaces and ``brq<network>`` bridges outlive it, so ``down`` removes
them by what the agent recorded under ``.devcloud/data/neutron/dhcp/<network_id>/``.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
from pathlib import Path

from .api import AdminClient
from .console import step
from .paths import Paths
from .procs import wait_until

AGENT_HOST = "netnode1"
AGENT_TIMEOUT = 180.0


def agent_missing(client: AdminClient) -> list[str]:
    agents = client.network_agents("neutron-dhcp-agent")
    alive = any(a["host"] == AGENT_HOST and a["alive"] for a in agents)
    return [] if alive else [f"neutron-dhcp-agent on {AGENT_HOST}"]


def agent_alive(client: AdminClient) -> None:
    """Once `up` saw the agent alive (nothing `agent_missing`): networks scheduled to it."""
    step(f"neutron-dhcp-agent alive on {AGENT_HOST}")
    schedule_networks(client)


def schedule_networks(client: AdminClient) -> None:
    """Host every DHCP-enabled network that has no agent yet on the agent.

    Networks created before the agent first reported are not auto-scheduled to it.
    """
    agent = next(a for a in client.network_agents("neutron-dhcp-agent") if a["host"] == AGENT_HOST)
    added = [
        net for net in sorted(client.dhcp_network_ids()) if not client.network_has_dhcp_agent(net)
    ]
    for network_id in added:
        client.add_network_to_dhcp_agent(agent["id"], network_id)
    if added:
        step(f"scheduled {len(added)} network(s) to the DHCP agent")


def network_dirs(paths: Paths) -> list[Path]:
    root = paths.data / "neutron" / "dhcp"
    return sorted(p for p in root.iterdir() if p.is_dir()) if root.is_dir() else []


def _dnsmasq_pid(network_dir: Path) -> int | None:
    """The dnsmasq serving this network, if it still runs (and is ours)."""
    try:
        pid = int((network_dir / "pid").read_text())
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
    except (OSError, ValueError):
        return None
    return pid if str(network_dir).encode() in cmdline else None


def before_down(paths: Paths) -> None:
    """Stop the dnsmasq processes the agent started."""
    pids = [pid for d in network_dirs(paths) if (pid := _dnsmasq_pid(d)) is not None]
    for pid in pids:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGTERM)
    wait_until(lambda: all(not Path(f"/proc/{pid}").exists() for pid in pids), 10.0)
    if pids:
        step(f"stopped {len(pids)} dnsmasq")


def after_down(paths: Paths) -> None:
    """Delete the agent's namespaces and bridges (the agent is stopped by now)."""
    for network_dir in network_dirs(paths):
        network_id = network_dir.name
        _ip("netns", "delete", f"qdhcp-{network_id}")
        _ip("link", "delete", f"brq{network_id[:11]}", "type", "bridge")


def _ip(*args: str) -> None:
    subprocess.run(["ip", *args], capture_output=True, check=False)
