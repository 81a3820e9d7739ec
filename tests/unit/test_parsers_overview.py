"""The overview's and the pools' parsers on real devcloud payloads (tests/fixtures/api)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tui.backend.models import NetworkAgent, Server, Volume, VolumePool
from tui.backend.openstack import error_message
from tui.backend.timestamps import not_after, parse_utc

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "api"


def load(name: str) -> Any:
    return json.loads((FIXTURES / f"{name}.json").read_text())


def test_devcloud_pool_with_a_driver_that_cannot_tell_its_capacity() -> None:
    (pool,) = [VolumePool.from_api(p) for p in load("get_pools_detail")["pools"]]
    assert (pool.name, pool.backend_name, pool.storage_protocol) == (
        "controller@fake#fake",
        "fake",
        "fake",
    )
    assert pool.total_gb is None and pool.free_gb is None and pool.used_percent is None
    assert pool.allocated_gb is not None and pool.provisioned_gb == 0.0
    assert pool.reserved_percentage == 100 and not pool.qos_support
    assert parse_utc(pool.updated) is not None


def test_api_reference_pools_have_capacity() -> None:
    pools = [VolumePool.from_api(p) for p in load("get_pools_detail_apiref")["pools"]]
    assert [(p.name, p.total_gb, p.free_gb) for p in pools] == [
        ("pool1", 1024.0, 100.0),
        ("pool2", 512.0, 200.0),
    ]
    assert round(pools[0].used_percent or 0) == 90 and pools[1].qos_support
    assert pools[0].updated == "2014-10-28T00:00:00-00:00"


def test_servers_filtered_by_status_and_task_state() -> None:
    errors = [Server.from_api(s) for s in load("servers_detail_status_error")["servers"]]
    assert errors and {s.status for s in errors} == {"ERROR"}
    assert "broken-1" in {s.name for s in errors}
    assert all(parse_utc(s.updated) for s in errors)
    busy = [Server.from_api(s) for s in load("servers_detail_task_state")["servers"]]
    assert all(s.task_state == "spawning" for s in busy)


def test_volumes_filtered_by_time_and_host() -> None:
    old = [Volume.from_api(v) for v in load("volumes_detail_updated_before")["volumes"]]
    assert old and all(v.status == "available" for v in old)
    now = datetime.now(UTC)
    assert all(not_after(str(v.raw["updated_at"]), now) for v in old)  # Cinder's "...000000"
    on_host = [Volume.from_api(v) for v in load("volumes_detail_on_host")["volumes"]]
    assert on_host and {v.host for v in on_host} == {"controller@fake#fake"}


def test_what_a_member_gets() -> None:
    assert [NetworkAgent.from_api(a) for a in load("agents_member")["agents"]] == []
    for name in ("error_403_get_pools", "error_403_servers_all_tenants"):
        assert "Policy doesn't allow" in error_message(load(name), "fallback"), name
