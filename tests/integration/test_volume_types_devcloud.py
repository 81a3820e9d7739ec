"""The app on devcloud manages Cinder volume types and QoS specs from the keyboard, checked
against what Cinder then holds: a private type created with extra specs, edited (only the
changes sent), shared with a project, made a project's default, refused deletion while it is
a default and while a volume uses it, then deleted; a QoS spec created, associated, refused
deletion while associated, then force deleted. What a test made is removed at the end,
also on failure."""

from __future__ import annotations

import contextlib
import uuid
from pathlib import Path
from typing import Any

from tests.app.test_build_networks import messages, open_form, tick, type_into
from tests.app.test_compute_network_volume_screens import pick
from tests.app_helpers import screen_text, select, settle, wait_for
from tests.contract.support import devcloud_sdk
from tests.integration.test_app_devcloud import app_for, current
from tui.screens.confirm import ConfirmScreen
from tui.screens.form import FormScreen
from tui.screens.resource import ResourceScreen

RUN = uuid.uuid4().hex[:6]
NAME = f"it-vt-{RUN}"
MV = "3.62"
# Not demo or admin: other tests create volumes there without a type, and a project default
# type would change what they get.
DEFAULT_FOR = "analytics"


def cinder(sdk: Any, method: str, path: str, body: Any = None) -> Any:
    response = sdk.block_storage.request(path, method, json=body, microversion=MV, raise_exc=False)
    return response.json() if response.content else {}


def _cleanup(sdk: Any) -> None:
    project = sdk.identity.find_project(DEFAULT_FOR)
    chosen = cinder(sdk, "GET", f"/default-types/{project.id}").get("default_type") or {}
    types = cinder(sdk, "GET", "/types?is_public=None")["volume_types"]
    ours = {t["id"] for t in types if t["name"].startswith(NAME)}
    if chosen.get("volume_type_id") in ours:
        cinder(sdk, "DELETE", f"/default-types/{project.id}")
    for volume in cinder(sdk, "GET", "/volumes/detail?all_tenants=1")["volumes"]:
        if (volume.get("name") or "").startswith(NAME):
            cinder(sdk, "DELETE", f"/volumes/{volume['id']}")
    for qos in cinder(sdk, "GET", "/qos-specs")["qos_specs"]:
        if qos["name"].startswith(NAME):
            cinder(sdk, "DELETE", f"/qos-specs/{qos['id']}?force=True")
    for type_id in ours:
        cinder(sdk, "DELETE", f"/types/{type_id}")


async def _shows(pilot: Any, check: Any) -> None:
    """Reload the list until `check(rows)` holds (devcloud answers at its own pace)."""
    await wait_for(pilot, lambda: not current(pilot.app).in_flight, rounds=400)
    for _ in range(20):
        await pilot.press("r")
        await settle(pilot, rounds=400)
        if check(list(current(pilot.app).table.rows_in_view())):
            return
        await pilot.pause(0.5)
    raise AssertionError("the list never showed it")


async def _goto(pilot: Any, name: str) -> None:
    await pilot.press("colon", *name, "enter")
    await wait_for(
        pilot,
        lambda: (
            isinstance(pilot.app.screen, ResourceScreen)
            and pilot.app.screen.resource.name == name
            and pilot.app.screen.loaded
        ),
        rounds=400,
    )
    await settle(pilot, rounds=400)


async def _submitted(pilot: Any) -> None:
    await pilot.press("ctrl+s")
    await wait_for(pilot, lambda: not isinstance(pilot.app.screen, FormScreen), rounds=400)


async def _delete(pilot: Any, name: str, key: str = "ctrl+d") -> str:
    """Confirm a delete by typing the name; what the confirmation said."""
    await select(pilot, name)
    await pilot.press(key)
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, ConfirmScreen), rounds=400)
    await settle(pilot, rounds=400)
    said = " ".join(screen_text(pilot).split())
    await pilot.press(*name, "enter")
    return said


async def test_a_type_is_made_shared_made_default_refused_and_deleted(devcloud: Path) -> None:
    sdk = devcloud_sdk("devcloud-admin")
    demo = sdk.identity.find_project("demo")
    other = sdk.identity.find_project(DEFAULT_FOR)
    app = app_for("devcloud-admin")
    try:
        async with app.run_test(size=(160, 50)) as pilot:
            await settle(pilot, rounds=400)
            await _goto(pilot, "volume-types")
            await wait_for(pilot, lambda: "fake" in screen_text(pilot), rounds=400)
            fake = next(t for t in current(app).table.rows_in_view() if t.name == "fake")
            assert fake.default == "cloud", "devcloud's cinder.conf: default_volume_type = fake"
            assert "volume_backend_name=fake" in screen_text(pilot)

            await open_form(pilot, "n")
            await type_into(pilot, "name", NAME)
            await type_into(pilot, "description", "integration")
            await tick(pilot, "is_public", False)
            await type_into(pilot, "extra_specs", "volume_backend_name=fake, it:x=1")
            await _submitted(pilot)
            await _shows(pilot, lambda rows: any(t.name == NAME for t in rows))
            made = next(t for t in current(app).table.rows_in_view() if t.name == NAME)
            held = cinder(sdk, "GET", f"/types/{made.id}")["volume_type"]
            assert held["is_public"] is False and held["description"] == "integration"
            assert held["extra_specs"] == {"volume_backend_name": "fake", "it:x": "1"}

            await select(pilot, NAME)
            await open_form(pilot, "e")
            await type_into(pilot, "extra_specs", "volume_backend_name=fake, it:y=2")
            await _submitted(pilot)
            await _shows(pilot, lambda rows: any(("it:y", "2") in t.extra_specs for t in rows))
            held = cinder(sdk, "GET", f"/types/{made.id}")["volume_type"]
            assert held["extra_specs"] == {"volume_backend_name": "fake", "it:y": "2"}

            await select(pilot, NAME)
            await open_form(pilot, "A")
            await pick(pilot, "project_id", "demo")
            await _submitted(pilot)
            access = cinder(sdk, "GET", f"/types/{made.id}/os-volume-type-access")
            assert access["volume_type_access"] == [
                {"volume_type_id": made.id, "project_id": demo.id}
            ]

            await select(pilot, NAME)
            await open_form(pilot, "P")
            await pick(pilot, "project_id", DEFAULT_FOR)
            await _submitted(pilot)
            chosen = cinder(sdk, "GET", f"/default-types/{other.id}")["default_type"]
            assert chosen["volume_type_id"] == made.id

            said = await _delete(pilot, NAME)
            assert "Cinder refuses while volumes" in said, said
            await wait_for(pilot, lambda: "is a default volume type" in messages(app), rounds=400)
            assert "HTTP 400" in messages(app)
            cinder(sdk, "DELETE", f"/default-types/{other.id}")

            await _goto(pilot, "volumes")
            form = await open_form(pilot, "n")
            await wait_for(pilot, lambda: form.raw_values()["volume_type"] == fake.id, rounds=400)
            await type_into(pilot, "name", f"{NAME}-vol")
            await pick(pilot, "volume_type", NAME)
            await _submitted(pilot)
            await _shows(pilot, lambda rows: any(v.name == f"{NAME}-vol" for v in rows))
            volume = next(v for v in current(app).table.rows_in_view() if v.name == f"{NAME}-vol")
            assert cinder(sdk, "GET", f"/volumes/{volume.id}")["volume"]["volume_type"] == NAME

            await _goto(pilot, "volume-types")
            await _delete(pilot, NAME)
            await wait_for(
                pilot, lambda: "Target volume type is still in use." in messages(app), rounds=400
            )
            sdk.block_storage.delete_volume(volume.id)
            sdk.block_storage.wait_for_delete(sdk.block_storage.get_volume(volume.id), wait=120)
            for _ in range(20):  # Cinder counts a deleted volume a moment longer
                await _delete(pilot, NAME)
                await wait_for(pilot, lambda: not current(app).in_flight, rounds=400)
                await pilot.pause(0.5)
                if cinder(sdk, "GET", f"/types/{made.id}").get("itemNotFound"):
                    break
            assert cinder(sdk, "GET", f"/types/{made.id}")["itemNotFound"]["code"] == 404
    finally:
        with contextlib.suppress(Exception):
            _cleanup(sdk)
        sdk.close()


async def test_a_qos_spec_is_associated_refused_and_force_deleted(devcloud: Path) -> None:
    sdk = devcloud_sdk("devcloud-admin")
    made = cinder(sdk, "POST", "/types", {"volume_type": {"name": f"{NAME}-q"}})["volume_type"]
    app = app_for("devcloud-admin")
    try:
        async with app.run_test(size=(160, 50)) as pilot:
            await settle(pilot, rounds=400)
            await _goto(pilot, "qos-specs")
            form = await open_form(pilot, "n")
            await type_into(pilot, "name", f"{NAME}-limits")
            await pick(pilot, "consumer", "front-end")
            await type_into(pilot, "specs", "read_iops_sec=300, total_bytes_sec=-1")
            await pilot.press("ctrl+s")
            await wait_for(
                pilot, lambda: "total_bytes_sec must be a whole number" in screen_text(pilot)
            )
            assert app.screen is form
            await type_into(pilot, "specs", "read_iops_sec=300, write_iops_sec=100")
            await _submitted(pilot)
            await _shows(pilot, lambda rows: any(q.name == f"{NAME}-limits" for q in rows))
            qos = next(q for q in current(app).table.rows_in_view() if q.name == f"{NAME}-limits")
            held = cinder(sdk, "GET", f"/qos-specs/{qos.id}")["qos_specs"]
            assert held["consumer"] == "front-end"
            assert held["specs"] == {"read_iops_sec": "300", "write_iops_sec": "100"}

            await select(pilot, f"{NAME}-limits")
            await open_form(pilot, "A")
            assert "every volume of the type" in screen_text(pilot)
            await pick(pilot, "type_id", f"{NAME}-q")
            await _submitted(pilot)
            await _shows(pilot, lambda rows: any(q.types == (f"{NAME}-q",) for q in rows))
            associated = cinder(sdk, "GET", f"/qos-specs/{qos.id}/associations")
            assert [a["id"] for a in associated["qos_associations"]] == [made["id"]]
            assert cinder(sdk, "GET", f"/types/{made['id']}")["volume_type"]["qos_specs_id"] == (
                qos.id
            )

            await select(pilot, f"{NAME}-limits")
            await open_form(pilot, "e")
            await type_into(pilot, "specs", "read_iops_sec=400")
            await _submitted(pilot)
            await _shows(
                pilot, lambda rows: any(q.specs == (("read_iops_sec", "400"),) for q in rows)
            )
            assert cinder(sdk, "GET", f"/qos-specs/{qos.id}")["qos_specs"]["specs"] == {
                "read_iops_sec": "400"
            }

            said = await _delete(pilot, f"{NAME}-limits")
            assert f"Associated with: {NAME}-q" in said
            await wait_for(pilot, lambda: "Qos specs still in use." in messages(app), rounds=400)
            assert cinder(sdk, "GET", f"/qos-specs/{qos.id}")["qos_specs"]["id"] == qos.id

            said = await _delete(pilot, f"{NAME}-limits", "ctrl+k")
            assert f"disassociates it from: {NAME}-q" in said
            await _shows(pilot, lambda rows: all(q.id != qos.id for q in rows))
            assert cinder(sdk, "GET", f"/qos-specs/{qos.id}")["itemNotFound"]["code"] == 404
            assert cinder(sdk, "GET", f"/types/{made['id']}")["volume_type"]["qos_specs_id"] is None
    finally:
        with contextlib.suppress(Exception):
            _cleanup(sdk)
        sdk.close()
