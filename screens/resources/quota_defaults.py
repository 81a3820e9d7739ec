"""Default quotas of Nova, Neutron and Cinder, and editing Nova's and Cinder's (their quota
class ``default``; Neutron's are neutron.conf's ``[quotas]``, which no API changes)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Sequence

from tui.backend.base import Backend
from tui.backend.models import QuotaUsage
from tui.backend.quota_classes import NO_NEUTRON_CLASSES
from tui.context import Context
from tui.forms import Choice, ChoiceLoader, Field, Form, Values
from tui.resource import Action, Col, Resource, Scope, in_context
from tui.screens.resources.quotas import RESOURCE_COL, SERVICE_COL, SERVICE_LABEL, limit_text

CLASS_SERVICES = ("compute", "block-storage")  # the services with a quota-class API
REMEMBERED = "quota-defaults"  # the rows last listed, which the edit form starts from


async def list_defaults(
    context: Context, backend: Backend, scope: Scope
) -> AsyncIterator[list[QuotaUsage]]:
    rows = await backend.quota_defaults(scope.get("project_id") or backend.info.project_id)
    context.remembered[REMEMBERED] = rows
    yield rows


def _limits(context: Context, row: QuotaUsage) -> dict[str, tuple[tuple[str, int, int], ...]]:
    """Each editable service's defaults, from the list as it was last read."""
    rows: Sequence[QuotaUsage] = context.remembered.get(REMEMBERED) or (row,)
    found = {r.service: r.service_limits for r in rows if r.service in CLASS_SERVICES}
    return {service: found[service] for service in CLASS_SERVICES if service in found}


def _field(service: str, index: int) -> str:
    return f"{'nova' if service == 'compute' else 'cinder'}_{index}"


def _services_choice(services: Sequence[str]) -> ChoiceLoader:
    async def load(backend: Backend, values: Values) -> list[Choice]:
        return [Choice(s, SERVICE_LABEL.get(s, s), "quota class default") for s in services]

    return load


def defaults_form(context: Context, row: QuotaUsage) -> Form:
    limits = _limits(context, row)
    services = tuple(limits)
    chosen = row.service if row.service in limits else next(iter(services), "")

    def shown_for(service: str) -> Callable[[Values], bool]:
        return lambda values: values.get("service") == service

    fields = [
        Field(
            "service",
            "Service",
            kind="choice",
            required=True,
            default=chosen,
            choices=_services_choice(services),
        )
    ]
    for service, entries in limits.items():
        fields += [
            Field(
                _field(service, i),
                resource,
                kind="int",
                required=True,
                default=limit,
                minimum=-1,
                help=f"now {limit_text(limit)}",
                visible=shown_for(service),
            )
            for i, (resource, limit, _used) in enumerate(entries)
        ]

    def unchanged(values: Values) -> dict[str, str]:
        service = str(values.get("service") or "")
        if service not in limits:
            return {"service": "Nova or Cinder: Neutron's defaults have no API"}
        if changed_defaults(limits[service], service, values):
            return {}
        return {_field(service, 0): "no default changed: change one, or esc to cancel"}

    return Form(
        title="Default quotas of every project (quota class default)",
        description=(
            "Whole numbers, -1 = unlimited. Only the defaults you change are sent; projects "
            f"with a limit of their own keep it. {NO_NEUTRON_CLASSES}"
        ),
        fields=tuple(fields),
        check=unchanged,
        submit_label="Update defaults",
    )


def changed_defaults(
    entries: tuple[tuple[str, int, int], ...], service: str, values: Values
) -> dict[str, int]:
    return {
        resource: values[_field(service, i)]
        for i, (resource, limit, _used) in enumerate(entries)
        if values.get(_field(service, i)) != limit
    }


async def edit_defaults(
    context: Context, backend: Backend, row: QuotaUsage, values: Values
) -> None:
    service = str(values["service"])
    entries = _limits(context, row)[service]
    await backend.update_quota_defaults(service, changed_defaults(entries, service, values))


def defaults_summary(rows: Sequence[QuotaUsage]) -> str:
    return "Nova, Cinder: e edits (quota class default) · Neutron: neutron.conf [quotas]"


QUOTA_DEFAULTS = Resource(
    name="quota-defaults",
    title="Default quotas",
    aliases=("default-quotas", "quota-classes", "quota-class"),
    columns=(
        SERVICE_COL,
        RESOURCE_COL,
        Col("Default", lambda r: limit_text(r.limit), min_width=7, max_width=11, align="right"),
    ),
    list=in_context(list_defaults),
    label=lambda r: r.name,
    summary=defaults_summary,
    actions=(
        Action(
            "edit_defaults",
            "e",
            "Edit the default quotas (Nova, Cinder)",
            in_context(edit_defaults),
            form=in_context(defaults_form),
            progress="updating",
            follow="list",
        ),
    ),
)
