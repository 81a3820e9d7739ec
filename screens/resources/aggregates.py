"""Nova host aggregates and the availability zones of every service, with their hosts."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from dataclasses import replace

from tui.backend.base import Backend
from tui.backend.models import ZONE_SERVICES, Aggregate, Server, ServiceZone, ZoneHost
from tui.forms import Choice, Field, Form, Values, valid_name
from tui.resource import Action, Col, Drill, Resource, Scope, attr, where
from tui.screens.resources.actions import row_call
from tui.screens.resources.choices import collect
from tui.screens.resources.columns import count_col, state_style
from tui.screens.resources.hypervisors import HYPERVISORS
from tui.screens.resources.lists import once, scoped
from tui.screens.resources.servers import SERVERS

METADATA_KEY = re.compile(r"^[a-zA-Z0-9-_:. ]{1,255}$")
MAX_METADATA_VALUE = 255

# -- aggregates -----------------------------------------------------------------------------


def list_aggregates(backend: Backend, scope: Scope) -> AsyncIterator[list[Aggregate]]:
    return backend.aggregates()


def _metadata_text(aggregate: Aggregate) -> str:
    return ", ".join(f"{k}={v}" for k, v in aggregate.metadata)


def _hosts_scope(aggregate: Aggregate) -> Scope:
    return scoped("hosts", ",".join(aggregate.hosts), f"aggregate {aggregate.name}")


def create_form(_row: object) -> Form:
    return Form(
        title="Create host aggregate",
        description="Hosts are added afterwards (A). An availability zone makes the "
        "aggregate's hosts a zone users can boot into.",
        fields=(
            Field("name", "Name", required=True, validate=valid_name),
            Field(
                "availability_zone",
                "Availability zone",
                placeholder="(none: the hosts stay in their zone)",
                validate=valid_name,
            ),
        ),
        submit_label="Create",
    )


async def create(backend: Backend, row: object, values: Values) -> Aggregate:
    return await backend.create_aggregate(values["name"], values.get("availability_zone") or "")


def _delete_message(aggregate: Aggregate) -> str:
    if not aggregate.hosts:
        return f"Delete host aggregate {aggregate.name}."
    return (
        f"{aggregate.name} still has {len(aggregate.hosts)} host(s): Nova refuses to delete "
        "an aggregate that is not empty. Empty it first (X), or go on to see Nova's answer."
    )


def add_host_form(aggregate: Aggregate) -> Form:
    async def hosts(backend: Backend, values: Values) -> list[Choice]:
        services = await collect(backend.compute_services())
        return [
            Choice(s.host, s.host, f"zone {s.zone}, {s.status}, {s.state}")
            for s in services
            if s.binary == "nova-compute" and s.host not in aggregate.hosts
        ]

    return Form(
        title=f"Add a host to {aggregate.name}",
        description="Compute hosts not in this aggregate yet."
        + (
            f" They join zone {aggregate.availability_zone}." if aggregate.availability_zone else ""
        ),
        fields=(Field("host", "Host", kind="choice", required=True, choices=hosts),),
        submit_label="Add",
    )


async def add_host(backend: Backend, aggregate: Aggregate, values: Values) -> Aggregate:
    return await backend.add_aggregate_host(aggregate, values["host"])


def remove_host_form(aggregate: Aggregate) -> Form:
    async def hosts(backend: Backend, values: Values) -> list[Choice]:
        return [Choice(h, h) for h in aggregate.hosts]

    return Form(
        title=f"Remove a host from {aggregate.name}",
        fields=(Field("host", "Host", kind="choice", required=True, choices=hosts),),
        submit_label="Remove",
    )


async def remove_host(backend: Backend, aggregate: Aggregate, values: Values) -> Aggregate:
    return await backend.remove_aggregate_host(aggregate, values["host"])


async def _hosts_to_remove(backend: Backend, aggregate: Aggregate) -> list[str]:
    return list(aggregate.hosts)


async def empty(backend: Backend, aggregate: Aggregate, values: Values) -> Aggregate:
    for host in aggregate.hosts:
        aggregate = await backend.remove_aggregate_host(aggregate, host)
    return aggregate


def valid_metadata(value: object, _values: Values) -> str | None:
    pairs = value if isinstance(value, tuple) else ()
    if not pairs:
        return "give at least one key=value"
    for key, text in pairs:
        if not METADATA_KEY.match(key):
            return f"key '{key}': 1-255 of letters, digits, space and - _ : ."
        if len(text) > MAX_METADATA_VALUE:
            return f"value of '{key}' is longer than {MAX_METADATA_VALUE} characters"
    return None


def set_metadata_form(aggregate: Aggregate) -> Form:
    return Form(
        title=f"Set metadata of {aggregate.name}",
        description="Existing keys get the new value. Scheduler filters read these, e.g. "
        "filter_tenant_id=<project id> (tenant isolation), highspec=true (flavor extra specs "
        "aggregate_instance_extra_specs:highspec=true).",
        fields=(
            Field(
                "metadata",
                "Metadata",
                kind="keyvalue",
                required=True,
                placeholder="key=value, key=value",
                validate=valid_metadata,
            ),
        ),
        submit_label="Set",
    )


async def set_metadata(backend: Backend, aggregate: Aggregate, values: Values) -> Aggregate:
    return await backend.set_aggregate_metadata(aggregate, dict(values["metadata"]))


def unset_metadata_form(aggregate: Aggregate) -> Form:
    async def keys(backend: Backend, values: Values) -> list[Choice]:
        return [Choice(k, k, v) for k, v in aggregate.metadata]

    return Form(
        title=f"Unset metadata of {aggregate.name}",
        fields=(Field("keys", "Keys", kind="multi", required=True, choices=keys),),
        submit_label="Unset",
    )


async def unset_metadata(backend: Backend, aggregate: Aggregate, values: Values) -> Aggregate:
    return await backend.set_aggregate_metadata(aggregate, dict.fromkeys(values["keys"]))


AGGREGATES = Resource(
    name="aggregates",
    title="Host aggregates",
    aliases=("aggregate", "agg", "host-aggregates"),
    columns=(
        Col("Name", attr("name"), min_width=8, max_width=30),
        Col("AZ", attr("availability_zone"), min_width=2, max_width=16),
        count_col("Hosts", lambda a: len(a.hosts)),
        Col("Host names", lambda a: ", ".join(a.hosts), min_width=8, max_width=40),
        Col("Metadata", _metadata_text, min_width=8, max_width=40),
        Col("Created", attr("created"), min_width=10, max_width=19),
    ),
    list=list_aggregates,
    get=lambda b, i: b.aggregate(i),
    needs_admin=True,
    drills=(
        Drill("enter", "aggregate-hosts", _hosts_scope, "The aggregate's hosts"),
        Drill("s", "aggregate-servers", _hosts_scope, "Servers on the aggregate's hosts"),
    ),
    actions=(
        Action(
            "create",
            "n",
            "Create aggregate",
            create,
            form=create_form,
            on_row=False,
            follow="list",
        ),
        Action("add_host", "A", "Add a host", add_host, form=add_host_form, progress="adding"),
        Action(
            "remove_host",
            "R",
            "Remove a host",
            remove_host,
            lambda a: bool(a.hosts),
            confirm="yes",
            form=remove_host_form,
            progress="removing",
            message=lambda a: (
                f"Remove a host from {a.name}: its servers stay, but the scheduler stops "
                "treating it as part of this aggregate"
                + (f" and zone {a.availability_zone}." if a.availability_zone else ".")
            ),
        ),
        Action(
            "empty",
            "X",
            "Remove every host",
            empty,
            lambda a: bool(a.hosts),
            confirm="count",
            preview=_hosts_to_remove,
            progress="emptying",
        ),
        Action(
            "set_metadata",
            "M",
            "Set metadata",
            set_metadata,
            form=set_metadata_form,
            progress="setting",
        ),
        Action(
            "unset_metadata",
            "U",
            "Unset metadata",
            unset_metadata,
            lambda a: bool(a.metadata),
            form=unset_metadata_form,
            progress="unsetting",
        ),
        Action(
            "delete",
            "ctrl+d",
            "Delete aggregate",
            row_call(lambda b, aggregate: b.delete_aggregate(aggregate)),
            confirm="name",
            progress="deleting",
            follow="gone",
            message=_delete_message,
        ),
    ),
)


def _host_set(scope: Scope) -> set[str]:
    return {h for h in (scope.get("hosts") or "").split(",") if h}


def list_aggregate_hosts(backend: Backend, scope: Scope) -> AsyncIterator[list[object]]:
    hosts = _host_set(scope)
    return where(backend.hypervisors(), lambda h: h.host in hosts or h.name in hosts)


async def list_aggregate_servers(backend: Backend, scope: Scope) -> AsyncIterator[list[Server]]:
    for host in sorted(_host_set(scope)):
        async for page in backend.servers(all_projects=True, host=host):
            yield page


AGGREGATE_HOSTS = replace(
    HYPERVISORS,
    name="aggregate-hosts",
    title="Aggregate hosts",
    aliases=(),
    list=list_aggregate_hosts,
    scope_key="hosts",
    reached_from="an aggregate in :aggregates (enter)",
)

AGGREGATE_SERVERS = replace(
    SERVERS,
    name="aggregate-servers",
    title="Aggregate servers",
    aliases=(),
    list=list_aggregate_servers,
    changes=None,  # by host: refreshed in full
    all_projects_toggle=False,
    scope_key="hosts",
    reached_from="an aggregate in :aggregates (s)",
)

# -- availability zones ---------------------------------------------------------------------


def _zone_state(zone: ServiceZone | ZoneHost) -> str:
    return "available" if zone.available else "unavailable"


def list_zones(backend: Backend, scope: Scope) -> AsyncIterator[list[ServiceZone]]:
    return once(backend.service_zones())


def _zone_hosts_scope(zone: ServiceZone) -> Scope:
    return scoped("zone", zone.name, f"zone {zone.name}")


AVAILABILITY_ZONES = Resource(
    name="availability-zones",
    title="Availability zones",
    aliases=("az", "azs", "zones", "availability-zone"),
    columns=(
        Col("Zone", attr("name"), min_width=4, max_width=24),
        Col("Service", lambda z: ZONE_SERVICES.get(z.service, z.service), min_width=4, max_width=8),
        Col("Holds", attr("resource"), min_width=5, max_width=8),
        Col(
            "State",
            _zone_state,
            min_width=9,
            max_width=11,
            style=lambda z: "" if z.available else "bold red",
        ),
        count_col("Hosts", lambda z: len(z.host_names)),
        Col("Host names", lambda z: ", ".join(z.host_names), min_width=8, max_width=50),
    ),
    list=list_zones,
    drills=(
        Drill("enter", "zone-hosts", _zone_hosts_scope, "Hosts of this zone, services up/down"),
    ),
)


async def list_zone_hosts(backend: Backend, scope: Scope) -> AsyncIterator[list[ZoneHost]]:
    name = scope.get("zone")
    zones = await backend.service_zones()
    hosts = [h for z in zones if z.service == "compute" and name in (None, z.name) for h in z.hosts]
    yield hosts


def _enabled(host: ZoneHost) -> str:
    return "enabled" if host.available else "disabled"


def _up(host: ZoneHost) -> str:
    return "up" if host.active else "down"


def _host_scope(host: ZoneHost) -> Scope:
    return Scope(all_projects=True, filters=(("host", host.host),), label=f"host {host.host}")


ZONE_HOSTS = Resource(
    name="zone-hosts",
    title="Zone hosts",
    aliases=("az-hosts",),
    columns=(
        Col("Host", attr("host"), min_width=6, max_width=30),
        Col("Service", attr("binary"), min_width=8, max_width=20),
        Col("Zone", attr("zone"), min_width=4, max_width=20),
        Col("Status", _enabled, min_width=7, max_width=8, style=state_style(_enabled)),
        Col("State", _up, min_width=4, max_width=5, style=state_style(_up)),
        Col("Updated", attr("updated"), min_width=10, max_width=26),
    ),
    list=list_zone_hosts,
    label=lambda h: f"{h.binary}@{h.host}",
    drills=(
        Drill("enter", "compute-services", _host_scope, "The host's compute services"),
        Drill("s", "servers", _host_scope, "Servers on this host"),
    ),
)
