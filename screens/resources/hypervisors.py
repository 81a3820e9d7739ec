"""Hypervisors: compute hosts, their load, and the servers on each."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Sequence
from typing import Any

from tui.backend.base import Backend
from tui.backend.models import Hypervisor
from tui.resource import Col, Drill, Resource, Scope, attr, where
from tui.screens.resources.columns import number_col, state_col, usage_col
from tui.screens.resources.host_procedures import DRAIN_ACTION, EVACUATE_ACTION


def list_hypervisors(backend: Backend, scope: Scope) -> AsyncIterator[list[Hypervisor]]:
    host = scope.get("host")
    pages = backend.hypervisors()
    return pages if host is None else where(pages, lambda h: host in (h.host, h.name))


def servers_on_host(row: Hypervisor) -> Scope:
    """The host's servers (enter), or the migrations from or to it (O)."""
    return Scope(all_projects=True, filters=(("host", row.host),), label=f"host {row.host}")


def totals(rows: Sequence[Hypervisor]) -> str:
    """What `openstack hypervisor stats show` said (removed from Nova in 2.88), summed here."""
    vcpus = sum(h.vcpus for h in rows)
    used = sum(h.vcpus_used for h in rows)
    ram = sum(h.memory_mb for h in rows) / 1024
    ram_used = sum(h.memory_mb_used for h in rows) / 1024
    disk = sum(h.local_gb for h in rows)
    disk_used = sum(h.local_gb_used for h in rows)
    vms = sum(h.running_vms for h in rows)
    down = sum(1 for h in rows if h.state != "up" or h.status != "enabled")
    return (
        f"vCPU {used}/{vcpus}  RAM {ram_used:.0f}/{ram:.0f} GiB  disk {disk_used}/{disk} GB"
        f"  VMs {vms}" + (f"  {down} down or disabled" if down else "")
    )


def _cpu(raw: Any) -> str:
    """cpu_info: a dict from 2.28 on, a JSON string before (or junk from some drivers)."""
    if isinstance(raw, str):
        text = raw
        try:
            raw = json.loads(text)
        except ValueError:
            return text
    if not isinstance(raw, dict):
        return ""
    topology = raw.get("topology") or {}
    shape = ", ".join(
        f"{topology[k]} {k}" for k in ("sockets", "cores", "threads") if topology.get(k)
    )
    what = " ".join(str(raw[k]) for k in ("vendor", "model", "arch") if raw.get(k))
    return what + (f"  ({shape})" if shape else "")


def facts(h: Hypervisor) -> list[tuple[str, str]]:
    """What `openstack hypervisor show` says first: capacity, usage, state, service."""
    raw = h.raw
    service = raw.get("service") or {}
    state = f"{h.state or '?'} / {h.status or '?'}"
    if h.disabled_reason:
        state += f": {h.disabled_reason}"
    free_ram = (h.memory_mb - h.memory_mb_used) / 1024
    return [
        ("Hypervisor", f"{h.name}  {h.type} {raw.get('hypervisor_version', '')}".rstrip()),
        ("Host IP", h.host_ip),
        ("State / status", state),
        ("Service", f"{service.get('host', h.host)}  id {service.get('id', '')}".rstrip()),
        ("CPU", _cpu(raw.get("cpu_info")) or "not reported"),
        ("vCPUs used", f"{h.vcpus_used} of {h.vcpus}"),
        (
            "RAM used",
            f"{h.memory_mb_used / 1024:.1f} of {h.memory_mb / 1024:.1f} GiB"
            f" ({free_ram:.1f} GiB free)",
        ),
        ("Disk used", f"{h.local_gb_used} of {h.local_gb} GB"),
        ("Running VMs", str(h.running_vms)),
    ]


HYPERVISORS = Resource(
    name="hypervisors",
    title="Hypervisors",
    aliases=("hypervisor", "hv", "hosts", "computes"),
    columns=(
        Col("Name", attr("name"), min_width=8, max_width=32),
        state_col("State", "state", min_width=5),
        state_col("Status", "status", min_width=6),
        Col("Type", attr("type"), min_width=4, max_width=10),
        Col("Host IP", attr("host_ip"), min_width=7, max_width=39),
        number_col("VMs", "running_vms"),
        usage_col("vCPUs", "vcpus_used", "vcpus"),
        usage_col("RAM GiB", "memory_mb_used", "memory_mb", scale=1024),
        usage_col("Disk GB", "local_gb_used", "local_gb"),
        Col("Disabled reason", attr("disabled_reason"), min_width=6, max_width=30),
    ),
    list=list_hypervisors,
    get=lambda b, i: b.hypervisor(i),
    drills=(
        Drill("enter", "servers", servers_on_host, "Servers on this host"),
        Drill("O", "migrations", servers_on_host, "Its migrations"),
    ),
    actions=(DRAIN_ACTION, EVACUATE_ACTION),
    needs_admin=True,
    summary=totals,
    facts=facts,
)
