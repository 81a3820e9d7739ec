"""Quotas against devcloud's real Nova, Neutron, Cinder, and the aggregates and zones screens
(the backend's aggregates and zones: tests/contract/test_hosts_contract.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui.backend.audit import AuditLog
from tui.backend.errors import BackendError, Forbidden
from tui.backend.openstack import OpenStackBackend


async def collect(pages) -> list:  # type: ignore[no-untyped-def]
    return [item async for page in pages for item in page]


async def project_id(backend: OpenStackBackend, name: str) -> str:
    return next(p.id for p in await collect(backend.projects()) if p.name == name)


async def test_quotas_of_demo_with_usage_and_defaults(admin: OpenStackBackend) -> None:
    demo_id = await project_id(admin, "demo")
    rows = {r.id: r for r in await admin.quotas(demo_id)}
    assert {r.service for r in rows.values()} == {"compute", "network", "block-storage"}
    assert rows["compute/instances"].in_use >= 1
    assert rows["compute/cores"].limit != 0
    assert "compute/fixed_ips" not in rows, "asked at 2.57+: no proxied network quotas"
    assert rows["network/port"].in_use >= 1
    assert rows["block-storage/volumes"].in_use >= 1
    assert rows["block-storage/gigabytes"].in_use >= 1
    assert all(r.default is not None for r in rows.values())
    defaults = {r.id: r.limit for r in await admin.quota_defaults(demo_id)}
    assert {"compute/instances", "network/port", "block-storage/volumes"} <= set(defaults)
    assert rows["network/subnetpool"].unlimited or defaults["network/subnetpool"] >= -1


async def test_update_one_quota_per_service_and_back(devcloud: Path, tmp_path: Path) -> None:
    audit = AuditLog(tmp_path / "audit.jsonl")
    backend = OpenStackBackend("devcloud-admin", audit=audit)
    await backend.connect()
    demo_id = await project_id(backend, "demo")
    before = {r.id: r for r in await backend.quotas(demo_id)}
    picks = {
        "compute": "server_groups",
        "network": "rbac_policy",
        "block-storage": "backups",
    }
    try:
        for service, resource in picks.items():
            old = before[f"{service}/{resource}"].limit
            await backend.update_quotas(service, demo_id, {resource: old + 7})
        after = {r.id: r for r in await backend.quotas(demo_id)}
        for service, resource in picks.items():
            key = f"{service}/{resource}"
            assert after[key].limit == before[key].limit + 7
            assert after[key].differs == (after[key].limit != after[key].default)
        with pytest.raises(BackendError) as refused:
            in_use = before["compute/instances"].in_use
            await backend.update_quotas("compute", demo_id, {"instances": in_use - 1})
        assert refused.value.status == 400
        assert "must be greater than or equal to already used" in refused.value.message
    finally:
        for service, resource in picks.items():
            await backend.update_quotas(
                service, demo_id, {resource: before[f"{service}/{resource}"].limit}
            )
    restored = {r.id: r.limit for r in await backend.quotas(demo_id)}
    assert all(restored[f"{s}/{r}"] == before[f"{s}/{r}"].limit for s, r in picks.items())
    actions = [(r.action, r.result[:9]) for r in audit.records()]
    assert actions.count(("update-quotas", "ok")) == 6
    assert ("update-quotas", "error: 40") in actions
    await backend.close()


async def test_member_sees_own_quotas_not_others(
    admin: OpenStackBackend, demo: OpenStackBackend
) -> None:
    own = await demo.quotas(demo.info.project_id)
    assert {r.service for r in own} == {"compute", "network", "block-storage"}
    assert any(r.in_use for r in own)
    assert await demo.quota_defaults(demo.info.project_id)
    with pytest.raises(Forbidden) as refused:
        await demo.quotas(await project_id(admin, "admin"))
    assert refused.value.status == 403 and refused.value.request_id
    with pytest.raises(Forbidden) as update:
        await demo.update_quotas("compute", demo.info.project_id, {"instances": 10})
    assert "os-quota-sets:update" in update.value.message


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
