"""Compute hosts, one body for the memory backend and devcloud's real Nova: hypervisors, compute
services (disable with a reason and back), host aggregates (their whole life), the zones of
every service, and the policy refusals a project member gets.

devcloud is shared: a compute service is disabled only for a moment and enabled again, never
forced down; the aggregate `ct-compute-<run>-aggregate` has no zone and is deleted at the end.
"""

from __future__ import annotations

import contextlib
import dataclasses
import uuid
from collections.abc import AsyncIterator

import pytest
import pytest_asyncio

from tests.contract.conftest import Lab
from tests.contract.support import audited, collect, policy, refused
from tui.backend.audit import AuditLog
from tui.backend.errors import BackendError, Conflict, Forbidden, NotFound
from tui.backend.models import Aggregate, ComputeService

COVERS = frozenset(
    {
        "hypervisors",
        "hypervisor",
        "compute_services",
        "compute_service",
        "set_compute_service",
        "aggregates",
        "aggregate",
        "create_aggregate",
        "delete_aggregate",
        "add_aggregate_host",
        "remove_aggregate_host",
        "set_aggregate_metadata",
        "service_zones",
        "availability_zones",
    }
)

pytestmark = pytest.mark.asyncio(loop_scope="module")

RUN = uuid.uuid4().hex[:6]
AGGREGATE = f"ct-compute-{RUN}-aggregate"
NOWHERE = f"ct-compute-{RUN}-nowhere"
MISSING = str(uuid.UUID(int=0xBADC0DE))


async def computes(lab: Lab) -> list[ComputeService]:
    services = await collect(lab.admin.compute_services())
    return [s for s in services if s.binary == "nova-compute"]


# -- hypervisors -------------------------------------------------------------------------------


async def test_hypervisors_list_page_and_show(lab: Lab) -> None:
    listed = await collect(lab.admin.hypervisors())
    assert len(listed) >= 2
    for hv in listed:
        assert hv.id and hv.name and hv.host and hv.type and hv.host_ip
        assert hv.state in ("up", "down") and hv.status in ("enabled", "disabled")
        assert hv.vcpus > 0 and hv.memory_mb > 0 and hv.local_gb > 0
        assert min(hv.vcpus_used, hv.memory_mb_used, hv.running_vms) >= 0
    pages = [page async for page in lab.admin.hypervisors(page_size=1)]
    assert {len(p) for p in pages} == {1}
    assert [h.id for p in pages for h in p] == [h.id for h in listed]
    first = listed[0]
    shown = await lab.admin.hypervisor(first.id)
    assert (shown.id, shown.name, shown.host, shown.vcpus, shown.memory_mb) == (
        first.id,
        first.name,
        first.host,
        first.vcpus,
        first.memory_mb,
    )


async def test_a_hypervisors_servers_count_matches_the_server_list(lab: Lab) -> None:
    async def counts() -> list[tuple[int, int]]:
        return [
            (hv.running_vms, len(await collect(lab.admin.servers(host=hv.host))))
            for hv in await collect(lab.admin.hypervisors())
        ]

    # devcloud is shared: other tests boot and delete while the two lists are read
    await lab.until(counts, lambda pairs: all(a == b for a, b in pairs), "equal counts")


async def test_a_missing_hypervisor_or_service_is_a_404(lab: Lab) -> None:
    await refused(
        lab.admin.hypervisor(MISSING),
        NotFound,
        404,
        f"Hypervisor with ID '{MISSING}' could not be found.",
    )
    # Nova shows no single service: the backends look in the list, and say so alike
    with pytest.raises(NotFound) as caught:
        await lab.admin.compute_service(MISSING)
    assert caught.value.status == 404
    assert caught.value.message == f"Compute service {MISSING} could not be found."


# -- compute services ----------------------------------------------------------------------------


async def test_compute_services_one_per_hypervisor_and_the_controllers(lab: Lab) -> None:
    services = await collect(lab.admin.compute_services())
    binaries = {s.binary for s in services}
    assert {"nova-conductor", "nova-scheduler", "nova-compute"} <= binaries
    hosts = {h.host for h in await collect(lab.admin.hypervisors())}
    assert {s.host for s in services if s.binary == "nova-compute"} == hosts
    for service in services:
        assert service.id and service.host and service.updated
        assert service.state in ("up", "down") and service.status in ("enabled", "disabled")
        assert (service.zone == "internal") == (service.binary != "nova-compute")
    one = next(s for s in services if s.binary == "nova-compute")
    # the same service, but for its heartbeat: it beats between two reads (every 10 s)
    assert beatless(await lab.admin.compute_service(one.id)) == beatless(one)
    on_host = await collect(lab.admin.compute_services(host=one.host))
    assert beatless(one) in map(beatless, on_host) and {s.host for s in on_host} == {one.host}


def beatless(service: ComputeService) -> ComputeService:
    return dataclasses.replace(service, updated="")


async def test_disable_with_a_reason_then_enable(lab: Lab) -> None:
    service = next(s for s in await computes(lab) if s.status == "enabled" and s.state == "up")
    reason = f"ct-compute-{RUN} contract"
    await lab.admin.set_compute_service(service, enabled=False, reason=reason)
    try:
        disabled = await lab.admin.compute_service(service.id)
        assert (disabled.status, disabled.disabled_reason) == ("disabled", reason)
        assert (disabled.state, disabled.forced_down) == ("up", False)
        hv = next(h for h in await collect(lab.admin.hypervisors()) if h.host == service.host)
        assert (hv.status, hv.disabled_reason) == ("disabled", reason)
    finally:
        await lab.admin.set_compute_service(service, enabled=True)
    enabled = await lab.admin.compute_service(service.id)
    assert (enabled.status, enabled.disabled_reason) == ("enabled", "")


# -- aggregates ----------------------------------------------------------------------------------


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def aggregate(lab: Lab) -> AsyncIterator[Aggregate]:
    made = await lab.admin.create_aggregate(AGGREGATE)
    try:
        yield made
    finally:
        with contextlib.suppress(NotFound):
            current = await lab.admin.aggregate(made.id)
            for host in current.hosts:
                await lab.admin.remove_aggregate_host(current, host)
            await lab.admin.delete_aggregate(current)


async def test_a_new_aggregate_is_empty_and_listed(lab: Lab, aggregate: Aggregate) -> None:
    assert aggregate.id and aggregate.uuid and aggregate.name == AGGREGATE
    assert (aggregate.hosts, aggregate.metadata, aggregate.availability_zone) == ((), (), "")
    assert aggregate.created
    listed = {a.id: a for a in await collect(lab.admin.aggregates())}
    assert listed[aggregate.id].name == AGGREGATE
    assert (await lab.admin.aggregate(aggregate.id)).uuid == aggregate.uuid
    await refused(
        lab.admin.create_aggregate(AGGREGATE),
        Conflict,
        409,
        f"Aggregate {AGGREGATE} already exists.",
    )


async def test_hosts_join_and_leave_an_aggregate(lab: Lab, aggregate: Aggregate) -> None:
    host = (await computes(lab))[0].host
    joined = await lab.admin.add_aggregate_host(aggregate, host)
    assert joined.hosts == (host,) and joined.id == aggregate.id
    assert (await lab.admin.aggregate(aggregate.id)).hosts == (host,)
    await refused(
        lab.admin.add_aggregate_host(aggregate, host),
        Conflict,
        409,
        f"Aggregate {aggregate.id} already has host {host}.",
    )
    await refused(
        lab.admin.add_aggregate_host(aggregate, NOWHERE),
        NotFound,
        404,
        f"Compute host {NOWHERE} could not be found.",
    )
    with pytest.raises(BackendError) as not_empty:
        await lab.admin.delete_aggregate(joined)
    assert not_empty.value.status == 400, not_empty.value.summary()
    assert "Host aggregate is not empty" in not_empty.value.message
    left = await lab.admin.remove_aggregate_host(joined, host)
    assert left.hosts == ()
    await refused(
        lab.admin.remove_aggregate_host(left, host),
        NotFound,
        404,
        f"Cannot remove host {host} in aggregate {aggregate.id}",
    )


async def test_aggregate_metadata_set_and_unset(lab: Lab, aggregate: Aggregate) -> None:
    tagged = await lab.admin.set_aggregate_metadata(aggregate, {"ct-ssd": "true", "ct-gen": "3"})
    assert dict(tagged.metadata) == {"ct-ssd": "true", "ct-gen": "3"}
    untagged = await lab.admin.set_aggregate_metadata(tagged, {"ct-gen": None})
    assert dict(untagged.metadata) == {"ct-ssd": "true"}
    assert dict((await lab.admin.aggregate(aggregate.id)).metadata) == {"ct-ssd": "true"}
    with pytest.raises(BackendError) as bad:
        await lab.admin.set_aggregate_metadata(aggregate, {"ct/bad": "1"})
    assert bad.value.status == 400 and "'ct/bad' does not match" in bad.value.message


async def test_an_aggregate_made_with_a_zone_then_deleted(lab: Lab) -> None:
    zone = f"ct-compute-{RUN}-zone"
    made = await lab.admin.create_aggregate(f"{AGGREGATE}-zoned", zone)
    try:
        assert made.availability_zone == zone
        shown = await lab.admin.aggregate(made.id)
        assert (shown.availability_zone, dict(shown.metadata)) == (
            zone,
            {"availability_zone": zone},
        )
    finally:
        await lab.admin.delete_aggregate(made)
    await refused(
        lab.admin.aggregate(made.id), NotFound, 404, f"Aggregate {made.id} could not be found."
    )
    assert made.id not in {a.id for a in await collect(lab.admin.aggregates())}


# -- zones ---------------------------------------------------------------------------------------


async def test_zones_hold_every_compute_host_once(lab: Lab) -> None:
    hosts = {h.host for h in await collect(lab.admin.hypervisors())}
    zones = await lab.admin.availability_zones()
    assert [z.name for z in zones] == sorted(z.name for z in zones)
    internal = next(z for z in zones if z.name == "internal")
    assert internal.hosts and not set(internal.hosts) & hosts
    compute = [h for z in zones if z.name != "internal" for h in z.hosts]
    assert sorted(compute) == sorted(hosts)
    assert all(z.available for z in zones)
    services = {s.host: s.zone for s in await computes(lab)}
    assert {h: z.name for z in zones for h in z.hosts if h in hosts} == services


async def test_service_zones_of_nova_cinder_and_neutron(lab: Lab) -> None:
    zones = await lab.admin.service_zones()
    by_service: dict[str, list[str]] = {}
    for zone in zones:
        by_service.setdefault(zone.service, []).append(zone.name)
    assert set(by_service) == {"compute", "block-storage", "network"}
    compute = [z for z in zones if z.service == "compute"]
    plain = {z.name for z in await lab.admin.availability_zones()}
    assert {z.name for z in compute} == plain
    internal = next(z for z in compute if z.name == "internal")
    assert {h.binary for h in internal.hosts} >= {"nova-conductor", "nova-scheduler"}
    hosts = {h.host for z in compute if z.name != "internal" for h in z.hosts}
    assert hosts == {h.host for h in await collect(lab.admin.hypervisors())}
    assert all(h.binary == "nova-compute" for z in compute if z.name != "internal" for h in z.hosts)
    # Neutron's router zones come with an L3 agent (devcloud has none)
    assert (
        {"network"}
        <= {z.resource for z in zones if z.service == "network"}
        <= {
            "network",
            "router",
        }
    )


async def test_a_member_sees_zones_without_hosts(lab: Lab) -> None:
    member = lab.owner
    zones = await member.availability_zones()
    assert zones and all(z.hosts == () for z in zones)
    assert "internal" not in {z.name for z in zones}
    compute = [z for z in await member.service_zones() if z.service == "compute"]
    assert {z.name for z in compute} == {z.name for z in zones}
    assert all(z.hosts == () for z in compute)


# -- the audit log -----------------------------------------------------------------------------


async def test_every_host_write_is_audited_with_its_outcome(lab: Lab, audit: AuditLog) -> None:
    assert audited(audit, lab) == [
        ("disable-service", "ok"),
        ("enable-service", "ok"),
        ("create-aggregate", "ok"),
        ("create-aggregate", "409"),
        ("add-aggregate-host", "ok"),
        ("add-aggregate-host", "409"),
        ("add-aggregate-host", "404"),
        ("delete-aggregate", "400"),
        ("remove-aggregate-host", "ok"),
        ("remove-aggregate-host", "404"),
        ("set-aggregate-metadata", "ok"),
        ("set-aggregate-metadata", "ok"),
        ("set-aggregate-metadata", "400"),
        ("create-aggregate", "ok"),
        ("delete-aggregate", "ok"),
    ]


# -- what a project member may not do -------------------------------------------------------------


async def test_a_member_may_not_see_or_change_hosts(lab: Lab) -> None:
    member = lab.owner
    for call, rule in (
        (collect(member.hypervisors()), "os_compute_api:os-hypervisors:list-detail"),
        (collect(member.compute_services()), "os_compute_api:os-services:list"),
        (collect(member.aggregates()), "os_compute_api:os-aggregates:index"),
        (member.create_aggregate(f"{AGGREGATE}-member"), "os_compute_api:os-aggregates:create"),
    ):
        await refused(call, Forbidden, 403, policy(rule))
