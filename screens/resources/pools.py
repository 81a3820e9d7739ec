"""Cinder backend pools: capacity per host@backend#pool, and the volumes on each."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Sequence

from tui.backend.base import Backend
from tui.backend.models import Volume, VolumePool
from tui.resource import Col, Drill, Resource, Row, Scope, attr
from tui.screens.resources.columns import yes_no
from tui.screens.resources.lists import once


def list_pools(backend: Backend, scope: Scope) -> AsyncIterator[list[VolumePool]]:
    return once(backend.volume_pools())


def _gb(value: float | None) -> str:
    if value is None:
        return "unknown"
    return f"{value:,.0f}" if value >= 100 else f"{value:,.1f}".replace(".0", "")


def gb_col(title: str, get: Callable[[VolumePool], float | None]) -> Col:
    return Col(
        title,
        lambda p: _gb(get(p)),
        min_width=5,
        max_width=10,
        align="right",
        sort_key=lambda p: -1.0 if get(p) is None else get(p),
    )


def _used(pool: VolumePool) -> str:
    used = pool.used_percent
    return "-" if used is None else f"{used:.0f}%"


def _used_style(pool: VolumePool) -> str:
    used = pool.used_percent or 0.0
    return "bold red" if used >= 90 else "yellow" if used >= 75 else ""


def volumes_in_pool(pool: VolumePool) -> Scope:
    def lister(backend: Backend, scope: Scope) -> AsyncIterator[list[Volume]]:
        return backend.volumes_on_host(pool.name)

    return Scope(all_projects=True, label=f"pool {pool.name}", lister=lister)


def _sum(rows: Sequence[VolumePool], get: Callable[[VolumePool], float | None]) -> str:
    """A column's total in GB, over the pools that report it ("unknown" if none does)."""
    known = [value for row in rows if (value := get(row)) is not None]
    return f"{_gb(sum(known))} GB" if known else "unknown"


def totals(rows: Sequence[VolumePool]) -> str:
    unknown = sum(1 for p in rows if p.total_gb is None)
    text = (
        f"{len(rows)} pool{'' if len(rows) == 1 else 's'}"
        f"  total {_sum(rows, lambda p: p.total_gb)}  free {_sum(rows, lambda p: p.free_gb)}"
        f"  allocated {_sum(rows, lambda p: p.allocated_gb)}"
        f"  provisioned {_sum(rows, lambda p: p.provisioned_gb)}"
    )
    return text + (f"  ({unknown} without capacity)" if unknown else "")


def _driver(pool: VolumePool) -> str:
    return f"{pool.vendor} {pool.driver_version}".strip()


def _updated(pool: VolumePool) -> str:
    """When the backend last reported, to the minute (Cinder adds microseconds)."""
    return pool.updated[:16].replace("T", " ")


def _ratio(row: Row) -> str:
    return str(row.max_over_subscription_ratio or "-")


POOLS = Resource(
    name="pools",
    title="Volume pools",
    aliases=("volume-pools", "backends", "pool", "get-pools"),
    columns=(
        Col("Pool", attr("name"), min_width=22, max_width=48),
        Col("Backend", attr("backend_name"), min_width=6, max_width=20),
        Col("Protocol", attr("storage_protocol"), min_width=4, max_width=10),
        Col(
            "Driver", lambda p: f"{p.vendor} {p.driver_version}".strip(), min_width=6, max_width=20
        ),
        gb_col("Total GB", lambda p: p.total_gb),
        gb_col("Free GB", lambda p: p.free_gb),
        gb_col("Alloc GB", lambda p: p.allocated_gb),
        gb_col("Prov GB", lambda p: p.provisioned_gb),
        Col(
            "Used",
            _used,
            min_width=4,
            max_width=5,
            align="right",
            style=_used_style,
            sort_key=lambda p: p.used_percent or 0.0,
        ),
        Col("Thin", lambda p: yes_no(p.thin_provisioning), min_width=3, max_width=4),
        Col("Oversub", _ratio, min_width=4, max_width=8, align="right"),
        Col("QoS", lambda p: yes_no(p.qos_support), min_width=3, max_width=3),
        Col("Updated", _updated, min_width=10, max_width=16),
    ),
    list=list_pools,
    label=lambda p: p.name,
    key=lambda p: p.name,
    drills=(Drill("enter", "volumes", volumes_in_pool, "Volumes in this pool"),),
    needs_admin=True,
    summary=totals,
    service=("block-storage", "volumev3", "volume"),
    service_name="Block Storage (Cinder)",
)
