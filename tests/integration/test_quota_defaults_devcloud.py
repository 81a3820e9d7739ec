"""Quota defaults, the projects that differ from them and ports by project, by the keys,
against devcloud; what changed is read back from the cloud itself (openstacksdk).

The defaults are devcloud's, shared with every other session: the one changed here is raised
(never lowered) and put back in a ``finally``. (A cell that is down cannot be made on devcloud
without taking its shared database away: tests/unit/test_down_cell_servers.py reads Nova's
partial records from its API samples instead.)
"""

from __future__ import annotations

import csv
import stat
import uuid
from pathlib import Path
from typing import Any

from tests.app.test_compute_network_volume_screens import type_into
from tests.app_helpers import screen_text, select, settle, wait_for
from tests.contract.support import devcloud_sdk
from tests.integration.test_app_devcloud import app_for, current
from tui.screens.form import FormScreen

RUN = uuid.uuid4().hex[:6]


def nova_default(sdk: Any, resource: str) -> int:
    body = sdk.compute.get("/os-quota-class-sets/default", microversion="2.57").json()
    return int(body["quota_class_set"][resource])


async def test_the_defaults_form_changes_novas_quota_class(devcloud: Path) -> None:
    sdk = devcloud_sdk("devcloud-admin")
    before = nova_default(sdk, "metadata_items")
    try:
        app = app_for("devcloud-admin")
        async with app.run_test(size=(160, 50)) as pilot:
            await settle(pilot, rounds=400)
            await pilot.press("colon", *"quota-defaults", "enter")
            await settle(pilot, rounds=400)
            defaults = current(app)
            assert defaults.error is None
            await select(pilot, "Nova metadata_items")
            await pilot.press("e")
            await wait_for(pilot, lambda: isinstance(app.screen, FormScreen))
            field = next(
                f.name
                for f in app.screen.form.fields
                if f.label == "metadata_items"  # type: ignore[attr-defined]
            )
            await type_into(pilot, field, str(before + 7))
            await pilot.press("ctrl+s")
            await wait_for(pilot, lambda: app.screen is defaults, rounds=400)
            await settle(pilot, rounds=400)
            assert nova_default(sdk, "metadata_items") == before + 7  # the cloud's own answer
            shown = {r.id: r.limit for r in defaults.table.rows_in_view()}
            assert shown["compute/metadata_items"] == before + 7
    finally:
        sdk.compute.put(
            "/os-quota-class-sets/default",
            json={"quota_class_set": {"metadata_items": before}},
            microversion="2.57",
        )
    assert nova_default(sdk, "metadata_items") == before


async def test_overrides_then_ports_of_a_project_and_their_fixed_ips(
    devcloud: Path, tmp_path: Path
) -> None:
    sdk = devcloud_sdk("devcloud-admin")
    project = sdk.identity.create_project(name=f"it-qd-{RUN}", domain_id="default")
    groups = int(
        sdk.compute.get(f"/os-quota-sets/{project.id}").json()["quota_set"]["server_groups"]
    )
    sdk.compute.put(
        f"/os-quota-sets/{project.id}", json={"quota_set": {"server_groups": groups + 7}}
    )
    try:
        app = app_for("devcloud-admin")
        async with app.run_test(size=(180, 50)) as pilot:
            await settle(pilot, rounds=400)
            await pilot.press("colon", *"quota-list", "enter")
            await settle(pilot, rounds=800)
            overrides = current(app)
            assert overrides.error is None
            rows = [r for r in overrides.table.rows_in_view() if r.project_id == project.id]
            assert [(r.service, r.resource, r.limit, r.default) for r in rows] == [
                ("compute", "server_groups", groups + 7, groups)
            ]
            assert "projects read" in screen_text(pilot)
            await select(pilot, rows[0].name)
            await pilot.press("enter")
            await settle(pilot, rounds=400)
            assert current(app).resource.name == "quotas"
            assert f"project it-qd-{RUN}" in screen_text(pilot)

            # the demo project's ports, from :projects, and their fixed IPs as CSV
            demo = sdk.identity.find_project("demo", ignore_missing=False)
            expected = {
                (p.id, ip["ip_address"])
                for p in sdk.network.ports(project_id=demo.id)
                for ip in p.fixed_ips
            }
            await pilot.press("colon", *"projects", "enter")
            await settle(pilot, rounds=400)
            await select(pilot, "demo")
            await pilot.press("P")
            await settle(pilot, rounds=400)
            ports = current(app)
            assert ports.resource.name == "ports"
            assert {p.project_id for p in ports.table.rows_in_view()} == {demo.id}
            assert {
                (p.id, ip.ip_address) for p in ports.table.rows_in_view() for ip in p.fixed_ips
            } == expected
            await pilot.press("X")
            await wait_for(pilot, lambda: isinstance(app.screen, FormScreen))
            target = tmp_path / "demo-ips.csv"
            await type_into(pilot, "path", str(target))
            await pilot.press("ctrl+s")
            await wait_for(pilot, lambda: app.screen is ports, rounds=400)
            await wait_for(pilot, lambda: target.exists())
            assert stat.S_IMODE(target.stat().st_mode) == 0o600
            lines = list(csv.DictReader(target.open()))
            assert {(r["port_id"], r["fixed_ip"]) for r in lines if r["fixed_ip"]} == expected
            assert {r["project"] for r in lines} == {"demo"}
    finally:
        sdk.compute.put(
            f"/os-quota-sets/{project.id}", json={"quota_set": {"server_groups": groups}}
        )
        sdk.identity.delete_project(project)
