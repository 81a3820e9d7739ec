"""The app on devcloud builds a network from the keyboard: created, given a subnet with pools,
name servers and host routes, edited, refused deletion while a port is on it (the refusal
names the port), then deleted. What it made is removed at the end, also on failure."""

from __future__ import annotations

import contextlib
import uuid
from pathlib import Path
from typing import Any

from tests.app.test_build_networks import form_says, messages, open_form, type_into
from tests.app_helpers import screen_text, select, settle, wait_for
from tests.contract.support import devcloud_sdk
from tests.integration.test_app_devcloud import app_for, current
from tui.screens.confirm import ConfirmScreen
from tui.screens.form import FormScreen

RUN = uuid.uuid4().hex[:6]
NAME = f"it-build-{RUN}"
PREFIX = f"10.{150 + int(RUN[:2], 16) % 100}.{int(RUN[2:4], 16)}"


def _cleanup(sdk: Any) -> None:
    for network in sdk.network.networks():
        if network.name.startswith(NAME):
            for port in sdk.network.ports(network_id=network.id):
                if port.device_owner != "network:dhcp":
                    sdk.network.delete_port(port, ignore_missing=True)
            sdk.network.delete_network(network, ignore_missing=True)


async def _rows(pilot: Any, check: Any) -> None:
    """Once the last action is followed, reload the list until `check(rows)` holds (devcloud
    answers at its own pace)."""
    await wait_for(pilot, lambda: not current(pilot.app).in_flight, rounds=400)
    for _ in range(20):
        await pilot.press("r")
        await settle(pilot, rounds=400)
        if check(list(current(pilot.app).table.rows_in_view())):
            return
        await pilot.pause(0.5)
    raise AssertionError("the list never showed it")


async def test_a_network_is_built_edited_refused_while_in_use_and_deleted(devcloud: Path) -> None:
    sdk = devcloud_sdk("devcloud-admin")
    app = app_for("devcloud-admin")
    try:
        async with app.run_test(size=(160, 50)) as pilot:
            await settle(pilot, rounds=400)
            await pilot.press("colon", *"networks", "enter")
            await settle(pilot, rounds=400)
            await open_form(pilot, "n")
            await type_into(pilot, "name", NAME)
            await pilot.press("ctrl+s")
            await wait_for(pilot, lambda: not isinstance(app.screen, FormScreen), rounds=400)
            await _rows(pilot, lambda rows: any(n.name == NAME for n in rows))
            await select(pilot, NAME)
            network = current(app).table.selected
            assert network.network_type == "vxlan", "devcloud's tenant network type"

            form = await open_form(pilot, "S")
            await wait_for(pilot, lambda: form.raw_values()["network_id"] == network.id)
            await type_into(pilot, "name", f"{NAME}-subnet")
            await type_into(pilot, "cidr", f"{PREFIX}.0/24")
            await type_into(pilot, "allocation_pools", f"{PREFIX}.10-{PREFIX}.99")
            await type_into(pilot, "dns_nameservers", "192.0.2.53")
            await type_into(pilot, "host_routes", f"10.250.0.0/16 via {PREFIX}.254")
            await type_into(pilot, "gateway_ip", f"{PREFIX}.50")  # inside the pool
            await pilot.press("ctrl+s")
            await wait_for(pilot, lambda: "is inside the allocation pool" in form_says(form))
            await type_into(pilot, "gateway_ip", f"{PREFIX}.1")
            await pilot.press("ctrl+s")
            await wait_for(pilot, lambda: not isinstance(app.screen, FormScreen), rounds=400)
            await _rows(pilot, lambda rows: any(n.name == NAME and n.subnet_ids for n in rows))
            subnet = sdk.network.find_subnet(f"{NAME}-subnet")
            assert subnet.cidr == f"{PREFIX}.0/24" and subnet.gateway_ip == f"{PREFIX}.1"
            assert subnet.allocation_pools == [{"start": f"{PREFIX}.10", "end": f"{PREFIX}.99"}]
            assert subnet.dns_nameservers == ["192.0.2.53"]
            assert subnet.host_routes == [
                {"destination": "10.250.0.0/16", "nexthop": f"{PREFIX}.254"}
            ]

            await select(pilot, NAME)
            await open_form(pilot, "e")
            await type_into(pilot, "name", f"{NAME}-2")
            await pilot.press("ctrl+s")
            await wait_for(pilot, lambda: not isinstance(app.screen, FormScreen), rounds=400)
            await _rows(pilot, lambda rows: any(n.name == f"{NAME}-2" for n in rows))
            assert sdk.network.get_network(network.id).name == f"{NAME}-2"

            port = sdk.network.create_port(network_id=network.id, name=f"{NAME}-port")
            await select(pilot, f"{NAME}-2")
            await pilot.press("ctrl+d")
            await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen), rounds=400)
            assert "port(s) in use" in screen_text(pilot)
            await pilot.press(*f"{NAME}-2", "enter")
            await wait_for(pilot, lambda: "Ports in the way" in messages(app), rounds=400)
            said = messages(app)
            assert "HTTP 409" in said and f"port {port.id} (no owner)" in said
            assert f"subnet {subnet.id} {NAME}-subnet {PREFIX}.0/24" in said

            sdk.network.delete_port(port)
            await select(pilot, f"{NAME}-2")
            await pilot.press("ctrl+d")
            await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen), rounds=400)
            await pilot.press(*f"{NAME}-2", "enter")
            await _rows(pilot, lambda rows: all(n.id != network.id for n in rows))
        assert sdk.network.find_network(network.id) is None
        assert sdk.network.find_subnet(subnet.id) is None
    finally:
        with contextlib.suppress(Exception):
            _cleanup(sdk)
        sdk.close()
