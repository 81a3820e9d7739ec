"""Cinder's per-volume operations from the keyboard against devcloud, checked in the cloud:
the demo user retypes a volume and offers it (T, the key read off the dialog); the admin
accepts it in :transfers (the volume is then the admin project's), resets a stuck state
(E: form, then the name), uploads it (I) and force-deletes it (ctrl+k); a second transfer
is cancelled (ctrl+d). The auth keys never reach the audit log, a notification or a log.

Volumes are named `it-volops-<run>-...` and deleted at the end, also on failure.
"""

from __future__ import annotations

import contextlib
import logging
import uuid
from pathlib import Path
from typing import Any

import pytest

from tests.app.test_compute_network_volume_screens import goto, pick, select, type_into
from tests.app.test_secret_fields import recorded_notifications
from tests.app_forms import paste
from tests.app_helpers import screen_text, settle, wait_for
from tui.app import StackdeckApp
from tui.backend.audit import AuditLog
from tui.backend.errors import NotFound
from tui.backend.models import Volume, VolumeSpec
from tui.backend.openstack import OpenStackBackend
from tui.config import Settings
from tui.screens.confirm import ConfirmScreen
from tui.screens.form import FormScreen
from tui.screens.resource import ResourceScreen
from tui.screens.transfer_key import TransferKeyScreen

RUN = uuid.uuid4().hex[:6]
GIVEN = f"it-volops-{RUN}-given"
KEPT = f"it-volops-{RUN}-kept"
SLOW = 1200  # wait_for rounds of 50 ms: 60 s


def app_of(backend: OpenStackBackend, cloud: str) -> StackdeckApp:
    return StackdeckApp(backend, Settings(cloud=cloud, refresh_seconds=0, start_resource="volumes"))


def rows(app: StackdeckApp) -> dict[str, Any]:
    assert isinstance(app.screen, ResourceScreen), app.screen
    return {app.screen.resource.label(r): r for r in app.screen.table.rows_in_view()}


async def until(backend: OpenStackBackend, volume_id: str, done: Any, what: str) -> Volume:
    for _ in range(120):
        volume = await backend.volume(volume_id)
        if done(volume):
            return volume
        await _sleep()
    raise AssertionError(f"volume never {what}: {volume!r}")


async def _sleep() -> None:
    import asyncio

    await asyncio.sleep(0.5)


async def made(demo: OpenStackBackend, name: str) -> Volume:
    volume = await demo.create_volume(VolumeSpec(name=name, size_gb=1))
    return await until(demo, volume.id, lambda v: v.status == "available", "available")


async def on_row(pilot: Any, name: str, key: str) -> None:
    """`key` on the row named `name`, once the list's earlier actions are done following."""
    await wait_for(pilot, lambda: not pilot.app.screen.in_flight, rounds=SLOW)
    await pilot.press("r")
    await settle(pilot, rounds=400)
    await wait_for(pilot, lambda: name in rows(pilot.app), rounds=SLOW)
    await select(pilot, name)
    await pilot.press(key)


async def in_form(pilot: Any, name: str, key: str) -> FormScreen:
    await on_row(pilot, name, key)
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, FormScreen), rounds=SLOW)
    form = pilot.app.screen
    assert isinstance(form, FormScreen)
    return form


async def confirmed(pilot: Any, name: str) -> None:
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, ConfirmScreen), rounds=SLOW)
    await pilot.press(*name, "enter")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, ResourceScreen), rounds=SLOW)


async def offered(pilot: Any, name: str) -> tuple[str, str]:
    """T on the row: the transfer's id and key as the dialog shows them."""
    await in_form(pilot, name, "T")
    await pilot.press("ctrl+s")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, TransferKeyScreen), rounds=SLOW)
    dialog = pilot.app.screen
    assert isinstance(dialog, TransferKeyScreen)
    await wait_for(pilot, lambda: dialog.made.auth_key in screen_text(pilot), rounds=SLOW)
    assert dialog.made.id in screen_text(pilot)
    await pilot.press("escape")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, ResourceScreen), rounds=SLOW)
    return dialog.made.id, dialog.made.auth_key


async def cleaned(ids: list[str]) -> None:
    admin = OpenStackBackend("devcloud-admin")
    await admin.connect()
    async for page in admin.volume_transfers(all_projects=True):
        for transfer in page:
            if transfer.volume_id in ids:
                with contextlib.suppress(NotFound):
                    await admin.delete_volume_transfer(transfer.id)
    for volume_id in ids:
        with contextlib.suppress(NotFound):
            await admin.reset_volume_state(volume_id, status="available")
            await admin.force_delete_volume(volume_id)
    await admin.close()


async def test_volume_operations_from_the_keyboard(
    devcloud: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    audit = AuditLog(tmp_path / "audit.jsonl")
    demo = OpenStackBackend("devcloud-demo", audit=audit)
    admin = OpenStackBackend("devcloud-admin", audit=audit)
    await demo.connect()
    await admin.connect()
    seen: list[str] = []
    keys: list[str] = []
    ids: list[str] = []
    try:
        given = await made(demo, GIVEN)
        kept = await made(demo, KEPT)
        ids += [given.id, kept.id]

        # the project's user: retype, then offer both volumes, cancel one offer
        app = app_of(demo, "devcloud-demo")
        async with app.run_test(size=(160, 44), notifications=True) as pilot:
            notes = recorded_notifications(app)
            await settle(pilot, rounds=400)
            await goto(pilot, "volumes")
            await in_form(pilot, GIVEN, "t")
            await pick(pilot, "new_type", "__DEFAULT__")
            await pilot.press("ctrl+s")
            await until(demo, given.id, lambda v: v.volume_type == "__DEFAULT__", "retyped")
            await until(demo, given.id, lambda v: v.status == "available", "available")

            given_transfer, given_key = await offered(pilot, GIVEN)
            kept_transfer, kept_key = await offered(pilot, KEPT)
            keys += [given_key, kept_key]
            for volume_id in (given.id, kept.id):
                await until(demo, volume_id, lambda v: v.status == "awaiting-transfer", "offered")
            await goto(pilot, "transfers")
            transfers = {t.id for t in rows(app).values()}
            assert {given_transfer, kept_transfer} <= transfers
            await on_row(pilot, next(k for k, t in rows(app).items() if t.id == kept_transfer),
                         "ctrl+d")  # fmt: skip
            await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen), rounds=SLOW)
            await pilot.press("tab", "enter")
            await until(demo, kept.id, lambda v: v.status == "available", "available again")
            seen += [screen_text(pilot), *notes]

        # the admin's project takes the other one, then works on it as the admin
        app = app_of(admin, "devcloud-admin")
        async with app.run_test(size=(160, 44), notifications=True) as pilot:
            notes = recorded_notifications(app)
            await settle(pilot, rounds=400)
            await goto(pilot, "transfers")
            await pilot.press("n")
            await wait_for(pilot, lambda: isinstance(app.screen, FormScreen), rounds=SLOW)
            form = app.screen
            await type_into(pilot, "transfer_id", given_transfer)
            await paste(pilot, form.query_one("#input-auth_key"), given_key)
            await pilot.press("ctrl+s")
            await wait_for(pilot, lambda: "Transfer accepted" in screen_text(pilot), rounds=SLOW)
            moved = await until(admin, given.id, lambda v: v.status == "available", "accepted")
            assert moved.project_id == admin.info.project_id
            with pytest.raises(NotFound):
                await demo.volume(given.id)

            await admin.reset_volume_state(given.id, status="attaching")  # stuck, say
            await goto(pilot, "volumes")
            await in_form(pilot, GIVEN, "E")
            await pilot.press("ctrl+s")
            await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen), rounds=SLOW)
            assert f"Reset volume {GIVEN} from attaching to available" in screen_text(pilot)
            await confirmed(pilot, GIVEN)
            await until(admin, given.id, lambda v: v.status == "available", "reset")

            await in_form(pilot, GIVEN, "I")
            await pilot.press("ctrl+s")
            await wait_for(pilot, lambda: any("is being made" in n for n in notes), rounds=SLOW)
            await until(admin, given.id, lambda v: v.status == "available", "uploaded")

            await admin.reset_volume_state(given.id, status="error_deleting")
            await on_row(pilot, GIVEN, "ctrl+k")
            await confirmed(pilot, GIVEN)
            for _ in range(120):
                try:
                    await admin.volume(given.id)
                except NotFound:
                    break
                await _sleep()
            else:
                raise AssertionError("the force-deleted volume is still there")
            ids.remove(given.id)
            seen += [screen_text(pilot), *notes]
    finally:
        await demo.close()
        await admin.close()
        await cleaned(ids)
    written = audit.path.read_text()
    for action in ("retype-volume", "create-volume-transfer", "delete-volume-transfer",
                   "accept-volume-transfer", "reset-volume-state", "upload-volume-to-image",
                   "force-delete-volume"):  # fmt: skip
        assert f'"action": "{action}"' in written, action
    outputs = [written, "\n".join(r.getMessage() for r in caplog.records), *seen]
    for key in keys:
        assert not [text for text in outputs if key in text], "an auth key was shown again"
