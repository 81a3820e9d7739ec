"""Projects whose quotas differ from the defaults (``neutron quota-list``, for Nova and Cinder
too): one row per project and limit; ``enter`` opens that project's quotas."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence

from tui.backend.base import Backend
from tui.backend.models import QuotaOverride
from tui.backend.quota_classes import QuotaScan
from tui.context import Context
from tui.resource import Col, Drill, Resource, Scope, in_context
from tui.screens.resources.columns import project_col
from tui.screens.resources.quotas import SERVICE_LABEL, limit_text, project_quotas_scope

REMEMBERED = "quota-overrides"  # the scan of the last listing, which the header tells


async def list_overrides(
    context: Context, backend: Backend, scope: Scope
) -> AsyncIterator[list[QuotaOverride]]:
    scan = context.remembered[REMEMBERED] = QuotaScan()
    async for page in backend.quota_overrides(scan):
        for row in page:
            if row.project != row.project_id:
                context.names.projects.setdefault(row.project_id, row.project)
        yield page


def _labels(services: Sequence[str]) -> str:
    return " and ".join(SERVICE_LABEL.get(s, s) for s in services)


def scan_text(scan: QuotaScan | None) -> str:
    """What was read: "Neutron: its list · Nova and Cinder: 40 projects read (1 skipped)"."""
    if scan is None:
        return ""
    parts = [f"{_labels(scan.listed)}: its list of projects set"] if scan.listed else []
    if scan.per_project:
        read = f"{scan.read}/{scan.projects}" if scan.read < scan.projects else f"{scan.read}"
        skipped = f" ({len(scan.skipped)} skipped)" if scan.skipped else ""
        parts.append(f"{_labels(scan.per_project)}: {read} projects read{skipped}")
    return " · ".join(parts)


def overrides_summary(context: Context, rows: Sequence[QuotaOverride]) -> str:
    projects = len({r.project_id for r in rows})
    found = f"{projects} project{'s' if projects != 1 else ''} not default"
    read = scan_text(context.remembered.get(REMEMBERED))
    return f"{found} · read {read}" if read else found


def _service(row: QuotaOverride) -> str:
    return SERVICE_LABEL.get(row.service, row.service)


def _default(row: QuotaOverride) -> str:
    return "?" if row.default is None else limit_text(row.default)


QUOTA_OVERRIDES = Resource(
    name="quota-overrides",
    title="Quotas not default",
    aliases=("quota-list", "quota-override"),
    columns=(
        project_col(),
        Col("Service", _service, min_width=4, max_width=7),
        Col("Resource", lambda r: r.resource, min_width=8, max_width=28),
        Col(
            "Limit",
            lambda r: limit_text(r.limit),
            min_width=5,
            max_width=11,
            align="right",
            style=lambda r: "bold yellow",
            sort_key=lambda r: r.limit,
        ),
        Col("Default", _default, min_width=7, max_width=11, align="right"),
    ),
    list=in_context(list_overrides),
    label=lambda r: r.name,
    summary=in_context(overrides_summary),
    drills=(
        Drill(
            "enter",
            "quotas",
            in_context(lambda context, r: project_quotas_scope(context, r.project_id)),
            "This project's quotas",
        ),
    ),
    needs_admin=True,
)
