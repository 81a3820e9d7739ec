"""Drain a hypervisor, evacuate a failed host: the forms and row actions that start the
`drain` and `evacuate` runbooks (`tui/runbook/hosts.py`) from `:hv` and `:services`.

The action returns a `RunbookRequest`; the resource screen plans it and shows the preview
(every server and what will happen to it), which `y` runs.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from tui.backend.base import Backend
from tui.backend.errors import BackendError
from tui.backend.models import ComputeService, Hypervisor
from tui.context import Context
from tui.forms import Choice, Field, Form, Values
from tui.resource import Action, in_context
from tui.runbook.hosts import (
    DRAIN,
    EVACUATE,
    compute_service,
    default_reason,
    drain_params,
    evacuate_params,
    host_targets,
)
from tui.runbook.recipe import RunbookRequest

Host = Hypervisor | ComputeService

FENCING = (
    "Evacuation rebuilds every server of this host on another one. The host must be fenced "
    "first — powered off, or cut from storage and network — or a server may run twice and "
    "corrupt its disks."
)


def target_choices(host: str) -> Callable[[Backend, Values], Any]:
    async def load(backend: Backend, values: Values) -> Sequence[Choice]:
        found = await host_targets(backend, host)
        return [Choice("", "the scheduler chooses", "any enabled, up host")] + [
            Choice(
                c.host,
                c.host,
                f"{c.free_vcpus} vCPU, {c.free_ram_mb / 1024:.1f} GiB RAM free, "
                f"{c.running_vms} VMs",
            )
            for c in found
        ]

    return load


def _concurrency(context: Context) -> Field:
    return Field(
        "concurrency",
        "At once",
        kind="int",
        default=str(context.hosts.drain_concurrency),
        minimum=1,
        maximum=20,
        help="servers moved at the same time (drain_concurrency in config.toml)",
    )


def _target(host: str) -> Field:
    return Field(
        "target",
        "Target host",
        kind="choice",
        default="",
        choices=target_choices(host),
        help="empty: the scheduler picks a host for each server",
    )


def drain_form(context: Context, row: Host) -> Form:
    return Form(
        title=f"Drain {row.host}",
        description=(
            "Disables the host's compute service, then moves every server off it: "
            "live migration for ACTIVE and PAUSED ones. The preview lists each server first."
        ),
        fields=(
            Field(
                "reason",
                "Reason",
                required=True,
                default=default_reason(context.hosts.user),
                help="the compute service's disabled reason, seen by every operator",
            ),
            Field(
                "cold",
                "Cold-migrate SHUTOFF servers (and confirm)",
                kind="bool",
                default=False,
                help="else they stay on the host, listed as skipped",
            ),
            _target(row.host),
            _concurrency(context),
        ),
        submit_label="Preview",
    )


def evacuate_form(context: Context, row: Host) -> Form:
    forced = row.forced_down if isinstance(row, ComputeService) else False
    fields: list[Field] = []
    if not forced:
        fields.append(
            Field(
                "force_down",
                "Force the compute service down first",
                kind="bool",
                default=True,
                help="Nova then treats the host as dead at once, without waiting",
            )
        )
    fields += [
        Field(
            "fenced",
            "The host is fenced: no server of it can run anymore",
            kind="bool",
            default=False,
            help="required",
        ),
        _target(row.host),
        _concurrency(context),
    ]
    return Form(
        title=f"Evacuate {row.host}",
        description=FENCING,
        fields=tuple(fields),
        submit_label="Preview",
        check=lambda v: (
            {} if v.get("fenced") else {"fenced": "confirm that the host is fenced first"}
        ),
    )


async def _service(backend: Backend, row: Host) -> ComputeService:
    if isinstance(row, ComputeService):
        return row
    service = await compute_service(backend, row.host)
    if service is None:
        raise BackendError(f"{row.host} has no nova-compute service.")
    return service


async def drain(backend: Backend, row: Host, values: Values) -> RunbookRequest:
    service = await _service(backend, row)
    params = drain_params(
        row.host,
        service.id,
        str(values["reason"]),
        cold=bool(values.get("cold")),
        target=str(values.get("target") or ""),
    )
    return RunbookRequest(DRAIN, params, values.get("concurrency"))


async def evacuate(backend: Backend, row: Host, values: Values) -> RunbookRequest:
    service = await _service(backend, row)
    params = evacuate_params(
        row.host,
        service.id,
        force_down=bool(values.get("force_down")) and not service.forced_down,
        target=str(values.get("target") or ""),
    )
    return RunbookRequest(EVACUATE, params, values.get("concurrency"))


def _is_compute(row: Host) -> bool:
    return not isinstance(row, ComputeService) or row.binary == "nova-compute"


def drainable(row: Host) -> bool:
    return _is_compute(row) and row.state == "up"


def failed(row: Host) -> bool:
    forced = isinstance(row, ComputeService) and row.forced_down
    return _is_compute(row) and (row.state == "down" or forced)


DRAIN_ACTION = Action(
    "drain",
    "N",
    "Drain (move every server off)",
    drain,
    drainable,
    form=in_context(drain_form),
    follow="none",
)
EVACUATE_ACTION = Action(
    "evacuate",
    "V",
    "Evacuate (host failed)",
    evacuate,
    failed,
    form=in_context(evacuate_form),
    follow="none",
)
