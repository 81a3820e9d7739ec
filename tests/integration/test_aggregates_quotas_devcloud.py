"""Host aggregates and availability zones against devcloud's real Nova, Neutron, Cinder, and
the quota screens (the quota calls themselves: tests/contract/test_quotas_contract.py)."""

from __future__ import annotations

from pathlib import Path
from uuid import uuid4

import pytest

from tui.backend.audit import AuditLog
from tui.backend.errors import BackendError, Forbidden
from tui.backend.openstack import OpenStackBackend


async def collect(pages) -> list:  # type: ignore[no-untyped-def]
    return [item async for page in pages for item in page]


async def test_aggregate_lifecycle(devcloud: Path, tmp_path: Path) -> None:
    audit = AuditLog(tmp_path / "audit.jsonl")
    backend = OpenStackBackend("devcloud-admin", audit=audit)
    await backend.connect()
    name = f"sdtest-agg-{uuid4().hex[:6]}"
    zone = f"sdtest-az-{uuid4().hex[:6]}"
    zoned = await backend.create_aggregate(f"{name}-az", zone)
    try:
        assert (zoned.name, zoned.availability_zone, zoned.hosts) == (f"{name}-az", zone, ())
        assert zoned.uuid and zoned.id.isdigit()
        busy = await collect(backend.servers(all_projects=True, host="compute1"))
        assert busy, "the seed runs servers on compute1"
        with pytest.raises(BackendError) as moving:
            await backend.add_aggregate_host(zoned, "compute1")
        # Nova will not move a host with servers into another zone, nor unset a zone.
        assert moving.value.status == 409
        assert "availability zone of the host would change" in moving.value.message
        with pytest.raises(BackendError) as unzone:
            await backend.set_aggregate_metadata(zoned, {"availability_zone": None})
        assert unzone.value.status == 400 and "empty named" in unzone.value.message
    finally:
        await backend.delete_aggregate(zoned)
    created = await backend.create_aggregate(name)
    try:
        listed = {a.id: a for a in await collect(backend.aggregates())}
        assert listed[created.id].name == name and not listed[created.id].availability_zone
        added = await backend.add_aggregate_host(created, "compute1")
        assert added.hosts == ("compute1",)
        with pytest.raises(BackendError) as refused:
            await backend.delete_aggregate(added)
        assert refused.value.status == 400 and "not empty" in refused.value.message
        meta = await backend.set_aggregate_metadata(
            added, {"highspec": "true", "filter_tenant_id": "demo"}
        )
        assert ("highspec", "true") in meta.metadata
        assert ("filter_tenant_id", "demo") in meta.metadata
        with pytest.raises(BackendError) as bad_key:
            await backend.set_aggregate_metadata(meta, {"bad key!": "x"})
        assert bad_key.value.status == 400 and "does not match" in bad_key.value.message
        unset = await backend.set_aggregate_metadata(meta, {"highspec": None})
        assert "highspec" not in dict(unset.metadata)
        assert dict(unset.metadata)["filter_tenant_id"] == "demo"
        removed = await backend.remove_aggregate_host(unset, "compute1")
        assert removed.hosts == ()
        assert (await backend.aggregate(created.id)).hosts == ()
    finally:
        fresh = await backend.aggregate(created.id)
        for host in fresh.hosts:
            fresh = await backend.remove_aggregate_host(fresh, host)
        await backend.delete_aggregate(fresh)
    assert created.id not in {a.id for a in await collect(backend.aggregates())}
    assert [r.action for r in audit.records()] == [
        "create-aggregate",
        "add-aggregate-host",
        "set-aggregate-metadata",
        "delete-aggregate",
        "create-aggregate",
        "add-aggregate-host",
        "delete-aggregate",
        "set-aggregate-metadata",
        "set-aggregate-metadata",
        "set-aggregate-metadata",
        "remove-aggregate-host",
        "delete-aggregate",
    ]
    results = [r.result[:10] for r in audit.records()]
    assert (results[1], results[2], results[6]) == ("error: 409", "error: 400", "error: 400")
    await backend.close()


async def test_availability_zones_of_every_service(admin: OpenStackBackend) -> None:
    zones = await admin.service_zones()
    compute = [z for z in zones if z.service == "compute"]
    hosts = {h for z in compute for h in z.host_names}
    assert {"compute1", "compute2"} <= hosts
    nova = next(z for z in compute if z.name == "nova")
    assert nova.available
    internal = next(z for z in compute if z.name == "internal")
    assert {"nova-conductor", "nova-scheduler"} <= {h.binary for h in internal.hosts}
    assert all(h.active for h in internal.hosts)
    assert any(z.service == "block-storage" and z.name == "nova" for z in zones)
    assert any(z.service == "network" and z.resource == "network" for z in zones)
    boot_zones = await admin.availability_zones()  # the boot form's list still works
    assert "nova" in {z.name for z in boot_zones}


async def test_zones_without_hosts_for_a_member(demo: OpenStackBackend) -> None:
    zones = await demo.service_zones()
    compute = [z for z in zones if z.service == "compute"]
    assert "nova" in {z.name for z in compute}
    assert all(not z.hosts for z in compute)


async def test_aggregates_are_admin_only(demo: OpenStackBackend) -> None:
    with pytest.raises(Forbidden):
        await collect(demo.aggregates())


async def test_app_screens_on_devcloud(devcloud: Path) -> None:
    from tests.app.test_compute_network_volume_screens import pick
    from tests.app_helpers import screen_text, settle, wait_for
    from tests.integration.test_app_devcloud import app_for, current
    from tui.screens.form import FormScreen

    app = app_for("devcloud-admin")
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot, rounds=400)
        for command, expected in (("agg", "highspec=true"), ("az", "compute1"), ("quotas", "Nova")):
            await pilot.press("colon", *command, "enter")
            await settle(pilot, rounds=400)
            assert current(app).error is None, command
            assert expected in screen_text(pilot), command
        mine = current(app)
        await pilot.press("p")
        await wait_for(pilot, lambda: isinstance(app.screen, FormScreen))
        await pick(pilot, "project_id", "demo")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: app.screen is not mine and app.screen.name == "quotas")
        await settle(pilot, rounds=400)
        rows = {r.id: r for r in current(app).table.rows_in_view()}
        assert rows["compute/instances"].in_use >= 1 and rows["block-storage/volumes"].in_use >= 1
        assert "project demo" in screen_text(pilot)

    member = app_for("devcloud-demo")
    async with member.run_test(size=(140, 40)) as pilot:
        await settle(pilot, rounds=400)
        await pilot.press("colon", *"quotas", "enter")
        await settle(pilot, rounds=400)
        assert current(member).error is None and "Neutron" in screen_text(pilot)
        await pilot.press("colon", *"agg", "enter")
        await settle(pilot, rounds=400)
        assert "Host aggregates need admin rights here (HTTP 403)" in screen_text(pilot)
