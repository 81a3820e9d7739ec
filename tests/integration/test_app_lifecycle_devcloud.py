"""A server's whole life from the keyboard against the real devcloud: boot through the
form, drive the server's lifecycle, attach and detach a volume, give it a floating IP,
delete it all — asserting what the cloud did and what the audit log recorded."""

from __future__ import annotations

import asyncio
import contextlib
import time
import uuid
from pathlib import Path

import pytest

from tests.app.test_compute_network_volume_screens import goto, pick, select, type_into, wait_for
from tests.app_helpers import settle
from tui.app import StackdeckApp
from tui.backend.audit import AuditLog
from tui.backend.errors import NotFound
from tui.backend.openstack import OpenStackBackend
from tui.config import Settings
from tui.screens.confirm import ConfirmScreen
from tui.screens.form import FormScreen
from tui.screens.resource import ResourceScreen

SLOW = 1200  # wait_for rounds of 50 ms: 60 s


def current(app: StackdeckApp) -> ResourceScreen:
    assert isinstance(app.screen, ResourceScreen), app.screen
    return app.screen


async def test_boot_act_attach_float_delete(devcloud: Path, tmp_path: Path) -> None:
    audit = AuditLog(tmp_path / "audit.jsonl")
    backend = OpenStackBackend("devcloud-demo", audit=audit)
    app = StackdeckApp(backend, Settings(cloud="devcloud-demo", refresh_seconds=0))
    name = f"ui-{uuid.uuid4().hex[:6]}"
    volume_name = f"{name}-vol"
    created: dict[str, str] = {}
    try:
        async with app.run_test(size=(160, 50)) as pilot:
            await settle(pilot, rounds=400)
            servers = current(app)

            # boot through the form
            await pilot.press("n")
            await wait_for(pilot, lambda: isinstance(app.screen, FormScreen))
            await type_into(pilot, "name", name)
            await pick(pilot, "flavor", "m1.tiny")
            await pick(pilot, "image", "cirros")
            await pick(pilot, "networks", "demo-net")
            await pilot.press("ctrl+s")
            await wait_for(pilot, lambda: isinstance(app.screen, ResourceScreen), SLOW)
            await wait_for(
                pilot, lambda: any(s.name == name for s in servers.table.rows_in_view()), SLOW
            )
            server = next(s for s in servers.table.rows_in_view() if s.name == name)
            created["server"] = server.id
            await wait_for(pilot, lambda: servers.table.has_key(server.id), SLOW)
            await select(pilot, name)
            await wait_for(pilot, lambda: servers.table.selected.status == "ACTIVE", SLOW)
            assert (await backend.server(server.id)).status == "ACTIVE"

            # lifecycle from the keyboard
            for key, status in (
                ("o", "SHUTOFF"),
                ("u", "ACTIVE"),
                ("p", "PAUSED"),
                ("P", "ACTIVE"),
            ):
                await pilot.press(key)
                await wait_for(pilot, lambda s=status: servers.table.selected.status == s, SLOW)
                await wait_for(pilot, lambda: not servers.in_flight, SLOW)
                assert (await backend.server(server.id)).status == status

            # a volume: create, attach to the server, detach, delete
            volumes = await goto(pilot, "volumes")
            await pilot.press("n")
            await wait_for(pilot, lambda: isinstance(app.screen, FormScreen))
            await type_into(pilot, "name", volume_name)
            await pilot.press("ctrl+s")
            await wait_for(
                pilot,
                lambda: any(v.name == volume_name for v in volumes.table.rows_in_view()),
                SLOW,
            )
            await select(pilot, volume_name)
            created["volume"] = volumes.table.selected.id
            await wait_for(pilot, lambda: volumes.table.selected.status == "available", SLOW)
            await pilot.press("A")
            await wait_for(pilot, lambda: isinstance(app.screen, FormScreen))
            await pick(pilot, "server_id", name)
            await pilot.press("ctrl+s")
            await wait_for(pilot, lambda: volumes.table.selected.status == "in-use", SLOW)
            attached = await backend.volume(created["volume"])
            assert attached.attachments[0].server_id == server.id
            await wait_for(pilot, lambda: not volumes.in_flight, SLOW)
            await pilot.press("D")
            await wait_for(pilot, lambda: isinstance(app.screen, FormScreen))
            await pick(pilot, "server_id", server.id[:8])
            await pilot.press("ctrl+s")
            await wait_for(pilot, lambda: volumes.table.selected.status == "available", SLOW)
            await wait_for(pilot, lambda: not volumes.in_flight, SLOW)
            await pilot.press("ctrl+d")
            await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
            await pilot.press(*volume_name, "enter")
            await wait_for(
                pilot,
                lambda: all(v.name != volume_name for v in volumes.table.rows_in_view()),
                SLOW,
            )
            with pytest.raises(NotFound):
                await backend.volume(created.pop("volume"))

            # a floating IP: allocate, associate to the server, release
            fips = await goto(pilot, "fips")
            before = {f.id for f in fips.table.rows_in_view()}
            await pilot.press("n")
            await wait_for(pilot, lambda: isinstance(app.screen, FormScreen))
            await pick(pilot, "network_id", "public")
            await pilot.press("ctrl+s")
            await wait_for(
                pilot, lambda: {f.id for f in fips.table.rows_in_view()} - before != set(), SLOW
            )
            (fip_id,) = {f.id for f in fips.table.rows_in_view()} - before
            created["fip"] = fip_id
            fips.table.select_key(fip_id)
            await pilot.pause()
            await pilot.press("A")
            await wait_for(pilot, lambda: isinstance(app.screen, FormScreen))
            await pick(pilot, "server_id", name)
            await pick(pilot, "target", "10.")
            await pilot.press("ctrl+s")
            await wait_for(pilot, lambda: bool(fips.table.selected.port_id), SLOW)
            address = fips.table.selected.address
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                floating = [a.addr for a in (await backend.server(server.id)).floating_ips]
                if address in floating:
                    break
                await pilot.pause(1)
            assert address in floating
            await wait_for(pilot, lambda: not fips.in_flight, SLOW)
            await pilot.press("ctrl+d")
            await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
            await pilot.click("#confirm-yes")
            await wait_for(pilot, lambda: not fips.table.has_key(fip_id), SLOW)
            created.pop("fip")

            # delete the server: the name must be typed
            servers = await goto(pilot, "servers")
            await select(pilot, name)
            await pilot.press("ctrl+d")
            await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
            await pilot.press(*name, "enter")
            await wait_for(pilot, lambda: not servers.table.has_key(server.id), SLOW)
            created.pop("server")
    finally:
        await cleanup(backend, created)

    records = audit.records()
    bad = [r for r in records if r.result != "ok" or not r.request_id.startswith("req-")]
    assert not bad, bad
    actions = [r.action for r in records]
    for expected in ("stop", "start", "pause", "unpause", "delete"):
        assert expected in actions, actions
    assert len(records) >= 12
    assert all(r.user == "demo" and r.cloud == "devcloud-demo" for r in records)


async def cleanup(backend: OpenStackBackend, created: dict[str, str]) -> None:
    """Leave the cloud as it was, even when the test failed half-way."""
    steps = []
    if "fip" in created:
        steps.append(backend.release_floating_ip(created["fip"]))
    if "server" in created:
        steps.append(backend.server_action(created["server"], "force_delete"))
    for step in steps:
        with contextlib.suppress(Exception):  # best effort: the test's own failure matters
            await step
    if "volume" in created:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                await backend.delete_volume(created["volume"])
                break
            except NotFound:
                break
            except Exception:  # still detaching: try again
                await asyncio.sleep(2)
