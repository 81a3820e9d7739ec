"""Cinder's per-volume operations from the keyboard, on the in-memory cloud: retype (t),
reset state (E: the form, then the name, naming both states; also from the overview's stuck
volumes), force delete (ctrl+k, only where delete is refused), upload to an image (I),
and a transfer (T) whose auth key is shown once and nowhere else, accepted (n) or cancelled
(ctrl+d) in :transfers."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Static

from tests.app.test_compute_network_volume_screens import goto, pick, type_into
from tests.app.test_overview import open_overview
from tests.app.test_secret_fields import recorded_notifications
from tests.app_forms import paste
from tests.app_helpers import screen_text, select, settle, wait_for
from tui.app import StackdeckApp
from tui.backend.audit import AuditLog
from tui.backend.memory import MemoryBackend
from tui.config import Settings
from tui.screens.confirm import ConfirmScreen
from tui.screens.form import FormScreen
from tui.screens.resource import ResourceScreen
from tui.screens.transfer_key import TransferKeyScreen


def app_on(backend: MemoryBackend, start: str = "volumes") -> StackdeckApp:
    return StackdeckApp(backend, Settings(demo=True, refresh_seconds=0, start_resource=start))


def volume_named(backend: MemoryBackend, name: str) -> Any:
    return next(v for v in backend._cloud.volumes if v.name == name)


def listed(app: StackdeckApp) -> ResourceScreen:
    screen = app.screen
    assert isinstance(screen, ResourceScreen), screen
    return screen


async def form_opened(pilot: Any, key: str) -> FormScreen:
    await pilot.press(key)
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, FormScreen))
    form = pilot.app.screen
    assert isinstance(form, FormScreen)
    return form


async def test_retype_picks_another_type_and_follows_the_row() -> None:
    backend = MemoryBackend(servers=8)
    app = app_on(backend)
    async with app.run_test(size=(160, 44), notifications=True) as pilot:
        await settle(pilot)
        screen = listed(app)
        await select(pilot, "scratch")
        form = await form_opened(pilot, "t")
        assert "Now of type lvmdriver-1, available." in screen_text(pilot)
        assert "never: only if this backend takes the new type" in screen_text(pilot)
        await pick(pilot, "new_type", "__DEFAULT__")
        assert form.raw_values() == {"new_type": "__DEFAULT__", "migration_policy": "never"}
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: screen.table.selected.volume_type == "__DEFAULT__")
        await wait_for(pilot, lambda: "is now of type __DEFAULT__" in screen_text(pilot))
    assert volume_named(backend, "scratch").volume_type == "__DEFAULT__"
    assert ("retype-volume", f"volume {volume_named(backend, 'scratch').id} to type "
            "__DEFAULT__ (migration never)") in backend.writes  # fmt: skip


async def test_reset_state_asks_the_form_then_the_name_naming_both_states() -> None:
    backend = MemoryBackend(servers=8)
    stuck = volume_named(backend, "scratch")
    backend.put_volume_state(stuck.id, "attaching")
    app = app_on(backend)
    async with app.run_test(size=(160, 44)) as pilot:
        await settle(pilot)
        await select(pilot, "scratch")
        form = await form_opened(pilot, "E")  # the form first
        text = screen_text(pilot)
        assert "Now attaching. Only Cinder's database changes" in text
        assert form.raw_values()["status"] == "available"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        body = str(app.screen.query_one("#confirm-body", Static).render())
        assert "Reset volume scratch from attaching to available in Cinder's database only" in body
        await pilot.press(*"scratch", "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ResourceScreen))
        await wait_for(pilot, lambda: volume_named(backend, "scratch").status == "available")
        await wait_for(pilot, lambda: listed(app).table.selected.status == "available")


async def test_reset_state_and_force_delete_are_offered_to_admins_only() -> None:
    backend = MemoryBackend(servers=8, is_admin=False)
    backend.put_volume_state(volume_named(backend, "scratch").id, "error_deleting")
    app = app_on(backend)
    async with app.run_test(size=(160, 44)) as pilot:
        await settle(pilot)
        screen = listed(app)
        await select(pilot, "scratch")
        for action in ("reset_state", "force_delete", "delete"):
            assert screen.check_action("act", (action,)) is False, action


async def test_stuck_volumes_from_the_overview_are_reset_with_e() -> None:
    backend = MemoryBackend(servers=8)
    backend.put_volume_state(volume_named(backend, "archive").id, "attaching")  # long ago
    app = app_on(backend, start="overview")
    async with app.run_test(size=(160, 44)) as pilot:
        overview = await open_overview(pilot, app)
        line = next(r for r in overview.table.rows_in_view() if r.id == "volumes-stuck")
        assert line.count == 1 and "archive (attaching)" in line.detail
        await select(pilot, line.name)
        await pilot.press("enter")
        await wait_for(pilot, lambda: listed(app).resource.name == "volumes")
        await settle(pilot)
        stuck = listed(app)
        assert "volumes in transition > 15 min" in screen_text(pilot)
        assert [v.name for v in stuck.table.rows_in_view()] == ["archive"]
        await select(pilot, "archive")
        await form_opened(pilot, "E")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        assert "from attaching to available" in screen_text(pilot)
        await pilot.press(*"archive", "enter")
        await wait_for(pilot, lambda: not list(stuck.table.rows_in_view()))
    assert volume_named(backend, "archive").status == "available"


async def test_force_delete_where_delete_is_refused_by_typing_the_name() -> None:
    backend = MemoryBackend(servers=8)
    backend.put_volume_state(volume_named(backend, "archive").id, "error_deleting")
    app = app_on(backend)
    async with app.run_test(size=(160, 44)) as pilot:
        await settle(pilot)
        screen = listed(app)
        await select(pilot, "backups")
        assert screen.check_action("act", ("force_delete",)) is True  # where Cinder allows it
        await select(pilot, "archive")
        assert screen.check_action("act", ("delete",)) is False
        await pilot.press("ctrl+k")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        assert "Force-delete volume archive (error_deleting, 20 GiB)" in screen_text(pilot)
        await pilot.press(*"archive", "enter")
        await wait_for(
            pilot, lambda: "archive" not in {v.name for v in screen.table.rows_in_view()}
        )
    assert all(v.name != "archive" for v in backend._cloud.volumes)


async def test_upload_to_image_says_which_image_appears_in_images() -> None:
    backend = MemoryBackend(servers=8)
    app = app_on(backend)
    async with app.run_test(size=(160, 44), notifications=True) as pilot:
        notes = recorded_notifications(app)
        await settle(pilot)
        await select(pilot, "scratch")
        form = await form_opened(pilot, "I")
        assert form.raw_values()["image_name"] == "scratch-image"
        await pick(pilot, "disk_format", "qcow2")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: any("is being made from scratch" in n for n in notes))
        (image,) = [i for i in backend._cloud.images if i.name == "scratch-image"]
        told = next(n for n in notes if "is being made" in n)
        assert f"Image scratch-image ({image.id})" in told and "it is in :images" in told
        volumes = listed(app)
        await wait_for(pilot, lambda: not volumes.in_flight)  # the row is followed until then
        await goto(pilot, "images")
        assert "scratch-image" in {i.name for i in listed(app).table.rows_in_view()}
    (image,) = [i for i in backend._cloud.images if i.name == "scratch-image"]
    assert (image.disk_format, image.status, image.visibility) == ("qcow2", "active", "private")


async def test_an_in_use_volume_uploads_with_force_where_cinder_allows_it() -> None:
    backend = MemoryBackend(servers=8)
    app = app_on(backend)
    async with app.run_test(size=(160, 44)) as pilot:
        await settle(pilot)
        await select(pilot, "db-data")
        form = await form_opened(pilot, "I")
        assert form.raw_values()["force"] is True
        assert "enable_force_upload" in screen_text(pilot)
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: form.last_error is not None)
        assert "status must be available" in screen_text(pilot)  # force ignored by default
        backend.force_upload = True
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, ResourceScreen))
    assert any(i.name == "db-data-image" for i in backend._cloud.images)


async def test_a_transfer_key_is_shown_once_and_the_other_project_accepts_it(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    audit = AuditLog(tmp_path / "audit.jsonl")
    backend = MemoryBackend(servers=8, audit=audit)
    scratch = volume_named(backend, "scratch")
    app = app_on(backend)
    seen: list[str] = []
    async with app.run_test(size=(160, 44), notifications=True) as pilot:
        notes = recorded_notifications(app)
        await settle(pilot)
        screen = listed(app)
        await select(pilot, "scratch")
        await form_opened(pilot, "T")
        await type_into(pilot, "name", "to-ops")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, TransferKeyScreen))
        dialog = app.screen
        assert isinstance(dialog, TransferKeyScreen)
        made = dialog.made
        await wait_for(pilot, lambda: made.auth_key in screen_text(pilot))
        shown = screen_text(pilot)
        assert made.id in shown and made.auth_key in shown and "shown this once" in shown
        await pilot.press("k")
        assert app.clipboard == made.auth_key
        await pilot.press("i")
        assert app.clipboard == made.id
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, ResourceScreen))
        await wait_for(pilot, lambda: screen.table.selected.status == "awaiting-transfer")
        await wait_for(pilot, lambda: not screen.in_flight)
        seen.append(screen_text(pilot))
        await goto(pilot, "transfers")
        assert [t.name for t in listed(app).table.rows_in_view()] == ["to-ops"]
        seen.append(screen_text(pilot))
        seen += notes
    key = made.auth_key

    member = backend.member()  # the other project takes it
    other = app_on(member, start="transfers")
    async with other.run_test(size=(160, 44), notifications=True) as pilot:
        notes = recorded_notifications(other)
        await settle(pilot)
        assert not list(listed(other).table.rows_in_view())  # not theirs to list
        form = await form_opened(pilot, "n")
        await type_into(pilot, "transfer_id", made.id)
        await paste(pilot, form.query_one("#input-auth_key"), key)
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: "Transfer accepted" in screen_text(pilot))
        seen.append(screen_text(pilot))
        seen += notes
    moved = backend._cloud.volumes.get(scratch.id)
    assert moved is not None and moved.project_id == member.info.project_id
    assert moved.status == "available"
    written = [
        audit.path.read_text(),
        "\n".join(r.getMessage() for r in caplog.records),
        *seen,
    ]
    assert not [text for text in written if key in text], "the auth key was shown again"


async def test_cancelling_a_transfer_with_ctrl_d() -> None:
    backend = MemoryBackend(servers=8)
    scratch = volume_named(backend, "scratch")
    made = await backend.create_volume_transfer(scratch.id, "unwanted")
    app = app_on(backend, start="transfers")
    async with app.run_test(size=(160, 44)) as pilot:
        await settle(pilot)
        screen = listed(app)
        await select(pilot, "unwanted")
        assert "From project" in screen_text(pilot)
        await pilot.press("ctrl+d")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        assert "its auth key stops working" in screen_text(pilot)
        await pilot.press("tab", "enter")  # Confirm (the focus starts on Cancel)
        await wait_for(pilot, lambda: not list(screen.table.rows_in_view()))
    assert volume_named(backend, "scratch").status == "available"
    assert made.id not in {t.id async for page in backend.volume_transfers() for t in page}
