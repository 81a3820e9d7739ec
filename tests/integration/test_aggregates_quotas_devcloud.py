"""The aggregates, zones and quota screens against devcloud (the backend calls themselves:
tests/contract/test_hosts_contract.py and test_quotas_contract.py)."""

from __future__ import annotations

from pathlib import Path


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
