"""Images and flavors from the keyboard against the real devcloud: upload a file through the
form with its progress bar until the image is active, download it back; create a private
flavor through the form, give it an extra spec, delete it."""

from __future__ import annotations

import contextlib
import os
import uuid
from pathlib import Path

from tests.app.test_compute_network_volume_screens import goto, select, type_into, wait_for
from tests.app_helpers import settle
from tui.app import StackdeckApp
from tui.backend.audit import AuditLog
from tui.backend.errors import BackendError
from tui.backend.openstack import OpenStackBackend
from tui.config import Settings
from tui.screens.confirm import ConfirmScreen
from tui.screens.form import FormScreen
from tui.screens.resource import ResourceScreen
from tui.screens.transfer import TransferScreen

SLOW = 1200  # wait_for rounds of 50 ms: 60 s


def app_for(cloud: str, audit: AuditLog) -> tuple[StackdeckApp, OpenStackBackend]:
    backend = OpenStackBackend(cloud, audit=audit)
    return StackdeckApp(backend, Settings(cloud=cloud, refresh_seconds=0)), backend


def notes(app: StackdeckApp) -> str:
    return "\n".join(n.message for n in app._notifications)


async def collect(pages) -> list:  # type: ignore[no-untyped-def]
    return [item async for page in pages for item in page]


async def upload(pilot, path: Path, name: str) -> None:  # type: ignore[no-untyped-def]
    await pilot.press("n")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, FormScreen))
    await type_into(pilot, "path", str(path))
    await type_into(pilot, "name", name)
    await type_into(pilot, "properties", "os_distro=cirros")
    await pilot.press("ctrl+s")
    await wait_for(pilot, lambda: not isinstance(pilot.app.screen, FormScreen), SLOW)
    await wait_for(pilot, lambda: not isinstance(pilot.app.screen, TransferScreen), SLOW)


def rows(app: StackdeckApp) -> list:  # type: ignore[type-arg]
    assert isinstance(app.screen, ResourceScreen), app.screen
    return list(app.screen.table.rows_in_view())


async def test_upload_then_download_an_image_from_the_keyboard(
    devcloud: Path, tmp_path: Path
) -> None:
    audit = AuditLog(tmp_path / "audit.jsonl")
    app, backend = app_for("devcloud-demo", audit)
    name = f"sdtest-ui-img-{uuid.uuid4().hex[:6]}"
    fake = tmp_path / "fake.qcow2"
    fake.write_bytes(b"QFI\xfb" + os.urandom(1 << 20))
    source = tmp_path / "disk.raw"
    source.write_bytes(os.urandom(3 * (1 << 20) + 7))
    target = tmp_path / "back.raw"
    made: list[str] = []
    try:
        async with app.run_test(size=(160, 50)) as pilot:
            await settle(pilot, rounds=400)
            await goto(pilot, "images")

            # Glance refuses data that is not what the disk format says: nothing is left
            await upload(pilot, fake, f"{name}-fake")
            await wait_for(pilot, lambda: "failed safety checks" in notes(app), SLOW)
            await wait_for(pilot, lambda: audit.records()[-1].action == "delete-image", SLOW)
            assert all(i.name != f"{name}-fake" for i in await collect(backend.images()))

            await upload(pilot, source, name)
            await wait_for(pilot, lambda: any(i.name == name for i in rows(app)), SLOW)
            image = next(i for i in rows(app) if i.name == name)
            made.append(image.id)
            await wait_for(
                pilot,
                lambda: any(i.name == name and i.status == "active" for i in rows(app)),
                SLOW,
            )
            fresh = await backend.image(image.id)
            assert (fresh.status, fresh.disk_format, fresh.raw["os_distro"]) == (
                "active",
                "raw",
                "cirros",
            )
            assert fresh.size == source.stat().st_size
            await select(pilot, name)
            await pilot.press("w")
            await wait_for(pilot, lambda: isinstance(app.screen, FormScreen))
            await type_into(pilot, "path", str(target))
            await pilot.press("ctrl+s")
            await wait_for(
                pilot,
                lambda: target.exists() and isinstance(app.screen, ResourceScreen),
                SLOW,
            )
            assert target.read_bytes() == source.read_bytes()
            await pilot.press("ctrl+d")
            await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
            await pilot.press(*name, "enter")
            await wait_for(pilot, lambda: all(i.name != name for i in rows(app)), SLOW)
            made.clear()
    finally:
        for image_id in made:
            with contextlib.suppress(BackendError):
                await backend.delete_image(image_id)
        await backend.close()
    assert [(r.action, r.result.split(":")[0]) for r in audit.records()] == [
        ("create-image", "ok"),
        ("upload-image", "error"),
        ("delete-image", "ok"),
        ("create-image", "ok"),
        ("upload-image", "ok"),
        ("delete-image", "ok"),
    ]


async def test_create_a_private_flavor_with_a_spec_from_the_keyboard(
    devcloud: Path, tmp_path: Path
) -> None:
    audit = AuditLog(tmp_path / "audit.jsonl")
    app, backend = app_for("devcloud-admin", audit)
    name = f"sdtest-ui-flv-{uuid.uuid4().hex[:6]}"
    made: list[str] = []
    try:
        async with app.run_test(size=(160, 50)) as pilot:
            await settle(pilot, rounds=400)
            await goto(pilot, "flavors")
            await pilot.press("n")
            await wait_for(pilot, lambda: isinstance(app.screen, FormScreen))
            await type_into(pilot, "name", name)
            await type_into(pilot, "vcpus", "2")
            await type_into(pilot, "ram_mb", "128")
            await type_into(pilot, "description", "made by stackdeck tests")
            app.screen.query_one("#input-is_public").value = False
            await pilot.press("ctrl+s")
            await wait_for(pilot, lambda: any(f.name == name for f in rows(app)), SLOW)
            flavor = next(f for f in rows(app) if f.name == name)
            made.append(flavor.id)
            assert (flavor.vcpus, flavor.ram_mb, flavor.is_public) == (2, 128, False)
            await select(pilot, name)
            await pilot.press("S")
            await wait_for(pilot, lambda: isinstance(app.screen, FormScreen))
            await type_into(pilot, "specs", "hw:cpu_policy=dedicated")
            await pilot.press("ctrl+s")
            await wait_for(pilot, lambda: isinstance(app.screen, ResourceScreen), SLOW)
            await pilot.press("enter")
            await settle(pilot, rounds=400)
            assert [(s.key, s.value) for s in rows(app)] == [("hw:cpu_policy", "dedicated")]
            await pilot.press("escape")
            await settle(pilot, rounds=400)
            await select(pilot, name)
            await pilot.press("ctrl+d")
            await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
            await pilot.pause(0.5)
            await pilot.press(*name, "enter")
            await wait_for(pilot, lambda: all(f.name != name for f in rows(app)), SLOW)
            made.clear()
    finally:
        for flavor_id in made:
            with contextlib.suppress(BackendError):
                await backend.delete_flavor(flavor_id)
        await backend.close()
    assert [r.action for r in audit.records()] == [
        "create-flavor",
        "set-flavor-extra-specs",
        "delete-flavor",
    ]
