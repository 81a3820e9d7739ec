"""Aggregates, zones and quotas parse the real payloads captured from devcloud, and the
in-memory cloud answers in the same shapes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tui.backend.memory import MemoryBackend
from tui.backend.memory.quotas import DEFAULTS
from tui.backend.models import Aggregate, QuotaUsage, ServiceZone, quota_usages
from tui.backend.openstack import error_message

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "api"
PROJECT = "0c4bbf0af99d41dd94d7d3c0d2fc12d7"


def load(name: str) -> Any:
    return json.loads((FIXTURES / f"{name}.json").read_text())


@pytest.mark.parametrize("name", ["aggregates", "aggregates_2.41"])
def test_aggregates(name: str) -> None:
    aggregates = {a.name: a for a in map(Aggregate.from_api, load(name)["aggregates"])}
    highspec, az2 = aggregates["highspec"], aggregates["az2"]
    assert (highspec.id, highspec.hosts, highspec.availability_zone) == ("1", ("compute1",), "")
    assert highspec.metadata == (("highspec", "true"),)
    assert highspec.uuid and highspec.created.startswith("20")
    assert az2.availability_zone == "az2" and ("ssd", "true") in az2.metadata


def test_compute_zones_with_hosts_and_services() -> None:
    zones = {
        z.name: z
        for z in map(
            ServiceZone.from_api, load("os_availability_zone_detail")["availabilityZoneInfo"]
        )
    }
    assert zones["nova"].host_names == ("compute1",)
    internal = zones["internal"]
    assert {h.binary for h in internal.hosts} == {"nova-conductor", "nova-scheduler"}
    assert all(h.available and h.active and h.updated for h in internal.hosts)
    assert zones["az2"].id == "compute/compute/az2"


def test_zones_of_a_member_have_no_hosts() -> None:
    zones = [ServiceZone.from_api(d) for d in load("os_availability_zone")["availabilityZoneInfo"]]
    assert zones and all(z.hosts == () and z.available for z in zones)


def test_cinder_and_neutron_zones() -> None:
    cinder = [
        ServiceZone.from_api(d, "block-storage")
        for d in load("os_availability_zone_volume")["availabilityZoneInfo"]
    ]
    assert [(z.name, z.resource, z.available) for z in cinder] == [("nova", "volume", True)]
    neutron = [
        ServiceZone.from_api(d, "network")
        for d in load("availability_zones_network")["availability_zones"]
    ]
    assert ("nova", "network", True) in [(z.name, z.resource, z.available) for z in neutron]


def rows(service: str, usage: str, key: str, defaults: str) -> dict[str, QuotaUsage]:
    found = quota_usages(service, PROJECT, load(usage)[key], load(defaults)[key])
    return {r.resource: r for r in found}


def test_nova_quota_set_with_usage() -> None:
    nova = rows("compute", "quota_set_detail_compute", "quota_set", "quota_defaults_compute")
    assert "id" not in nova and "fixed_ips" not in nova
    instances = nova["instances"]
    assert instances.in_use >= 2 and instances.limit == 10 and instances.default == 10
    assert instances.free == instances.limit - instances.in_use and not instances.differs
    assert dict((r, lim) for r, lim, _u in instances.service_limits)["ram"] == nova["ram"].limit


def test_neutron_quota_details_say_used() -> None:
    neutron = rows("network", "quota_details_network", "quota", "quota_default_network")
    assert neutron["port"].in_use >= 1 and neutron["port"].limit == 500
    pool = neutron["subnetpool"]
    assert pool.unlimited and pool.free is None and pool.percent is None


def test_cinder_quota_set_with_usage_and_per_type_quotas() -> None:
    cinder = rows("block-storage", "quota_set_usage_volume", "quota_set", "quota_defaults_volume")
    assert cinder["volumes"].in_use >= 1 and cinder["gigabytes"].in_use >= 1
    assert any(name.startswith("volumes_") for name in cinder), "per-volume-type quotas"


def test_percent_and_over_quota() -> None:
    body = {
        "a": {"limit": 10, "in_use": 9, "reserved": 0},
        "b": {"limit": 10, "in_use": 8, "reserved": 4},
        "c": {"limit": 0, "in_use": 1, "reserved": 0},
        "d": {"limit": -1, "in_use": 7, "reserved": 0},
    }
    got = {r.resource: r for r in quota_usages("compute", PROJECT, body)}
    assert (got["a"].percent, got["a"].over) == (90.0, False)
    assert (got["b"].used, got["b"].over, got["b"].free) == (12, True, -2)
    assert got["c"].over and got["c"].percent == float("inf")
    assert got["d"].unlimited and not got["d"].over and got["d"].default is None


def test_refusals_read_as_the_services_say_them() -> None:
    below = error_message(load("error_400_quota_below_usage"), "")
    assert below.startswith("Quota limit 1 for instances must be greater than or equal to")
    assert "not empty" in error_message(load("error_400_aggregate_not_empty"), "")
    assert "another project" in error_message(load("error_403_quota_other_project"), "")
    assert "os-quota-sets:update" in error_message(load("error_403_quota_update"), "")


async def test_memory_answers_in_the_captured_shapes() -> None:
    backend = MemoryBackend()
    captured = {
        "compute": set(load("quota_defaults_compute")["quota_set"]) - {"id"},
        "network": set(load("quota_default_network")["quota"]),
    }
    assert set(DEFAULTS["compute"]) == captured["compute"]
    assert set(DEFAULTS["network"]) == captured["network"]
    cinder = set(load("quota_defaults_volume")["quota_set"]) - {"id"}
    assert set(DEFAULTS["block-storage"]) <= cinder  # devcloud adds its volume types'
    mine = await backend.quotas(backend.info.project_id)
    assert {r.service for r in mine} == {"compute", "network", "block-storage"}
    aggregate = (await anext(backend.aggregates()))[0]
    assert set(aggregate.raw) == set(load("aggregates_2.41")["aggregates"][0])


async def test_memory_refuses_every_write_when_read_only() -> None:
    from tui.backend.errors import ReadOnlyError

    backend = MemoryBackend(read_only=True)
    aggregate = (await anext(backend.aggregates()))[0]
    project = backend.info.project_id
    for call in (
        backend.create_aggregate("x"),
        backend.delete_aggregate(aggregate),
        backend.add_aggregate_host(aggregate, "compute4"),
        backend.remove_aggregate_host(aggregate, aggregate.hosts[0]),
        backend.set_aggregate_metadata(aggregate, {"a": "b"}),
        backend.update_quotas("compute", project, {"instances": 50}),
    ):
        with pytest.raises(ReadOnlyError):
            await call
    assert backend.writes == []
