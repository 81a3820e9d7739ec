"""Compute services and network agents on the in-memory cloud."""

from __future__ import annotations

from pathlib import Path

from tests.app.test_compute_network_volume_screens import current, goto, select, type_into, wait_for
from tests.app_helpers import demo_app, screen_text, settle
from tui.backend.audit import AuditLog
from tui.screens.confirm import ConfirmScreen
from tui.screens.form import FormScreen


async def test_disable_with_a_reason_then_enable(tmp_path: Path) -> None:
    audit = AuditLog(tmp_path / "audit.jsonl")
    app = demo_app(audit=audit)
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        services = await goto(pilot, "services")
        text = screen_text(pilot)
        assert "nova-conductor" in text and "hardware maintenance (RAID)" in text
        await select(pilot, "nova-compute@compute1")
        await pilot.press("D")
        await wait_for(pilot, lambda: isinstance(app.screen, FormScreen))
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "required" in screen_text(pilot), "a reason is required"
        await type_into(pilot, "reason", "kernel upgrade CHG-42")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: services.table.selected.status == "disabled")
        assert services.table.selected.disabled_reason == "kernel upgrade CHG-42"
        hypervisors = await goto(pilot, "hv")
        compute1 = next(h for h in hypervisors.table.rows_in_view() if h.host == "compute1")
        assert (compute1.status, compute1.disabled_reason) == ("disabled", "kernel upgrade CHG-42")
        services = await goto(pilot, "services")
        await select(pilot, "nova-compute@compute1")
        await pilot.press("E")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.click("#confirm-yes")
        await wait_for(pilot, lambda: services.table.selected.status == "enabled")
    assert [r.action for r in audit.records()] == ["disable-service", "enable-service"]


async def test_force_down_needs_the_name_and_only_for_computes(tmp_path: Path) -> None:
    audit = AuditLog(tmp_path / "audit.jsonl")
    app = demo_app(audit=audit)
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        services = await goto(pilot, "services")
        await select(pilot, "nova-scheduler@controller")
        assert services.check_action("act", ("force_down",)) is False
        await select(pilot, "nova-compute@compute4")
        await pilot.press("F")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press(*"nova-compute@compute4", "enter")
        await wait_for(pilot, lambda: services.table.selected.forced_down)
        await wait_for(pilot, lambda: not services.in_flight)
        await pilot.press("U")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.click("#confirm-yes")
        await wait_for(pilot, lambda: not services.table.selected.forced_down)
        await wait_for(pilot, lambda: not services.in_flight)
        await pilot.press("enter")
        await settle(pilot)
        assert {s.host for s in current(app).table.rows_in_view()} == {"compute4"}
    assert [r.action for r in audit.records()] == [
        "force-down-service",
        "unset-force-down-service",
    ]


async def test_agents_and_what_they_host() -> None:
    app = demo_app()
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        agents = await goto(pilot, "agents")
        text = screen_text(pilot)
        assert "neutron-dhcp-agent" in text and "down" in text
        await select(pilot, "neutron-dhcp-agent@netnode1")
        await pilot.press("enter")
        await settle(pilot)
        assert {n.name for n in current(app).table.rows_in_view()} >= {"private-demo"}
        await pilot.press("A")
        await settle(pilot)
        assert [a.binary for a in current(app).table.rows_in_view()] == ["neutron-dhcp-agent"]
        await goto(pilot, "routers")
        await pilot.press("A")
        await settle(pilot)
        assert [a.binary for a in current(app).table.rows_in_view()] == ["neutron-l3-agent"]
        agents = await goto(pilot, "agents")
        await select(pilot, "neutron-l3-agent@netnode1")
        await pilot.press("D")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.click("#confirm-yes")
        await wait_for(pilot, lambda: not agents.table.selected.admin_state_up)


async def test_services_need_admin() -> None:
    app = demo_app(is_admin=False)
    async with app.run_test(size=(160, 30)) as pilot:
        await settle(pilot)
        await goto(pilot, "services")
        assert "Compute services need admin rights here (HTTP 403)" in screen_text(pilot)
