"""Per-project quotas of Nova, Neutron and Cinder side by side, their defaults, and edits."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from typing import Any

from tui.backend.base import Backend
from tui.backend.models import ZONE_SERVICES, QuotaUsage
from tui.context import Context
from tui.forms import Field, Form, Values
from tui.resource import Action, Col, Drill, Resource, Scope, View, attr, in_context
from tui.screens.resources.choices import project_choices
from tui.screens.resources.lists import once

NEAR_FULL = 90.0
SERVICE_LABEL = {**ZONE_SERVICES, "compute": "Nova"}


def _project(backend: Backend, scope: Scope) -> str:
    return scope.get("project_id") or backend.info.project_id


def list_quotas(backend: Backend, scope: Scope) -> AsyncIterator[list[QuotaUsage]]:
    return once(backend.quotas(_project(backend, scope)))


def limit_text(value: int | None) -> str:
    if value is None:
        return ""
    return "unlimited" if value < 0 else str(value)


def _limit(row: QuotaUsage) -> str:
    return limit_text(row.limit) + (" *" if row.differs else "")


def _free(row: QuotaUsage) -> str:
    return "" if row.free is None else str(row.free)


def _percent(row: QuotaUsage) -> str:
    percent = row.percent
    if percent is None:
        return ""
    if row.over:
        return "over"
    return f"{percent:.0f}%"


def _usage_style(row: QuotaUsage) -> str:
    percent = row.percent
    if row.over:
        return "bold white on red"
    if percent is not None and percent >= NEAR_FULL:
        return "bold red"
    return ""


def _sort_percent(row: QuotaUsage) -> float:
    return -1.0 if row.percent is None else row.percent


def _number(title: str, get: str) -> Col:
    return Col(
        title,
        lambda r: str(getattr(r, get)),
        min_width=3,
        max_width=9,
        align="right",
        sort_key=lambda r: getattr(r, get),
    )


def _service(row: QuotaUsage) -> str:
    return SERVICE_LABEL.get(row.service, row.service)


def quota_summary(context: Context, rows: Sequence[QuotaUsage]) -> str:
    if not rows:
        return ""
    project = context.names.project(rows[0].project_id)
    near = sum(1 for r in rows if r.over or (r.percent or 0) >= NEAR_FULL)
    changed = sum(1 for r in rows if r.differs)
    parts = [f"project {project}"]
    if near:
        parts.append(f"{near} at ≥{NEAR_FULL:.0f}% or over")
    if changed:
        parts.append(f"{changed} * not default")
    return "  ".join(parts)


def _field_name(index: int) -> str:
    """Resource names may hold characters a widget id cannot (Cinder's per-type quotas)."""
    return f"limit_{index}"


def edit_form(context: Context, row: QuotaUsage) -> Form:
    limits = row.service_limits
    selected = next((i for i, entry in enumerate(limits) if entry[0] == row.resource), 0)

    def unchanged(values: Values) -> dict[str, str]:
        if any(values.get(_field_name(i)) != entry[1] for i, entry in enumerate(limits)):
            return {}
        return {_field_name(selected): "no limit changed: change one, or esc to cancel"}

    return Form(
        title=f"{_service(row)} quotas of project {context.names.project(row.project_id)}",
        description="Whole numbers, -1 = unlimited. Only the limits you change are sent.",
        fields=tuple(
            Field(
                _field_name(i),
                resource,
                kind="int",
                required=True,
                default=limit,
                minimum=-1,
                help=f"now {limit_text(limit)}, in use {used}",
            )
            for i, (resource, limit, used) in enumerate(limits)
        ),
        check=unchanged,
        submit_label="Update",
        focus=_field_name(selected),
    )


def changed_limits(row: QuotaUsage, values: Values) -> dict[str, int]:
    return {
        resource: values[_field_name(i)]
        for i, (resource, limit, _used) in enumerate(row.service_limits)
        if values.get(_field_name(i)) != limit
    }


async def edit(backend: Backend, row: QuotaUsage, values: Values) -> None:
    await backend.update_quotas(row.service, row.project_id, changed_limits(row, values))


def project_quotas_scope(context: Context, project_id: str) -> Scope:
    return Scope(
        filters=(("project_id", project_id),),
        label=f"project {context.names.project(project_id)}",
    )


async def _chosen(backend: Backend, values: Values) -> str:
    return str(values["project_id"])


def choose_project(row: QuotaUsage) -> Any:
    """A project picker that opens the chosen project's quotas (listing projects is admin's)."""
    from tui.screens.form import FormScreen

    class ProjectQuotas(FormScreen):
        def dismiss(self, result: Any = None) -> Any:
            done = super().dismiss(result)
            if result:
                scope = project_quotas_scope(self.context, result)
                self.app.call_later(
                    self.app.open_resource, "quotas", scope, push=True, context=self.context
                )
            return done

    form = Form(
        title="Quotas of another project",
        fields=(
            Field("project_id", "Project", kind="choice", required=True, choices=project_choices),
        ),
        submit=_chosen,
        submit_label="Show quotas",
    )
    return ProjectQuotas(form, {"project_id": row.project_id})


def _project_scope(context: Context, row: QuotaUsage) -> Scope:
    return project_quotas_scope(context, row.project_id)


SERVICE_COL = Col("Service", _service, min_width=4, max_width=7)
RESOURCE_COL = Col("Resource", attr("resource"), min_width=8, max_width=28)

QUOTAS = Resource(
    name="quotas",
    title="Quotas",
    aliases=("quota", "quota-sets"),
    columns=(
        SERVICE_COL,
        RESOURCE_COL,
        Col(
            "Limit",
            _limit,
            min_width=5,
            max_width=11,
            align="right",
            style=lambda r: "bold yellow" if r.differs else "",
            sort_key=lambda r: r.limit,
        ),
        _number("In use", "in_use"),
        _number("Reserved", "reserved"),
        Col(
            "Free",
            _free,
            min_width=4,
            max_width=9,
            align="right",
            sort_key=lambda r: r.free if r.free is not None else float("inf"),
        ),
        Col(
            "Used",
            _percent,
            min_width=4,
            max_width=6,
            align="right",
            style=_usage_style,
            sort_key=_sort_percent,
        ),
        Col("Default", lambda r: limit_text(r.default), min_width=7, max_width=9, align="right"),
    ),
    list=list_quotas,
    label=lambda r: r.name,
    summary=in_context(quota_summary),
    drills=(Drill("D", "quota-defaults", in_context(_project_scope), "Default quotas"),),
    views=(View("p", "project", "Another project's quotas", choose_project),),
    actions=(
        Action(
            "edit",
            "e",
            "Edit this service's quotas",
            edit,
            form=in_context(edit_form),
            progress="updating",
            follow="list",
        ),
    ),
)
