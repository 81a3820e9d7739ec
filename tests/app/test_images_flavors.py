"""Images and flavors on the in-memory cloud: forms, transfers with
their progress bar and cancel, sharing, extra specs, access, guardrails."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.app.test_compute_network_volume_screens import current, goto, pick, type_into
from tests.app_helpers import demo_app, screen_text, select, settle, wait_for
from tui.backend.audit import AuditLog
from tui.backend.memory import MemoryBackend, fixed_id
from tui.backend.models import ImageSpec
from tui.runbook.transfer import stats_text
from tui.screens.confirm import ConfirmScreen
from tui.screens.form import FormScreen
from tui.screens.resources.images import guess_disk_format
from tui.screens.transfer import TransferScreen
from tui.widgets.picker import Picker

MiB = 1 << 20


def disk_file(tmp_path: Path, name: str = "cirros.qcow2", size: int = 3 * MiB) -> Path:
    path = tmp_path / name
    path.write_bytes(b"QFI\xfb" + os.urandom(size - 4))
    return path


async def open_upload(pilot, path: Path) -> FormScreen:  # type: ignore[no-untyped-def]
    await goto(pilot, "images")
    await pilot.press("n")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, FormScreen))
    await type_into(pilot, "path", str(path))
    await pilot.pause()
    return pilot.app.screen


def notes(app) -> str:  # type: ignore[no-untyped-def]
    return "\n".join(n.message for n in app._notifications)


async def confirm_yes(pilot, key: str) -> None:  # type: ignore[no-untyped-def]
    await pilot.press(key)
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, ConfirmScreen))
    await pilot.click("#confirm-yes")


async def submit_form(pilot, key: str, field: str, choice: str) -> None:  # type: ignore[no-untyped-def]
    """Open an action's form, pick one choice, submit, wait until the form is gone."""
    await pilot.press(key)
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, FormScreen))
    await pick(pilot, field, choice)
    await pilot.press("ctrl+s")
    await wait_for(pilot, lambda: not isinstance(pilot.app.screen, FormScreen))


def names(app) -> set[str]:  # type: ignore[no-untyped-def]
    return {r.name for r in current(app).table.rows_in_view()}


async def test_upload_shows_progress_then_the_image_turns_active(tmp_path: Path) -> None:
    audit = AuditLog(tmp_path / "audit.jsonl")
    app = demo_app(audit=audit)
    app.backend.transfer_pause = 0.15  # type: ignore[attr-defined]
    source = disk_file(tmp_path)
    async with app.run_test(size=(140, 44)) as pilot:
        await settle(pilot)
        await open_upload(pilot, source)
        assert "3.0 MiB, looks like qcow2" in screen_text(pilot)
        await type_into(pilot, "properties", "os_distro=cirros, os_admin_user=cirros")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, TransferScreen))
        transfer = app.screen
        await wait_for(pilot, lambda: 0 < transfer.done < transfer.total)
        text = screen_text(pilot)
        assert "Uploading cirros.qcow2 (qcow2)" in text and "/ 3.0 MiB" in text and "%" in text
        await wait_for(pilot, lambda: not isinstance(app.screen, TransferScreen))
        images = current(app)
        await wait_for(
            pilot,
            lambda: any(
                r.name == "cirros.qcow2" and r.status == "active"
                for r in images.table.rows_in_view()
            ),
        )
        image = next(r for r in images.table.rows_in_view() if r.name == "cirros.qcow2")
        assert image.size == 3 * MiB and image.raw["os_distro"] == "cirros"
    assert [r.action for r in audit.records()] == ["create-image", "upload-image"]


async def test_cancel_stops_the_upload_and_removes_the_half_made_image(tmp_path: Path) -> None:
    audit = AuditLog(tmp_path / "audit.jsonl")
    app = demo_app(audit=audit)
    app.backend.transfer_pause = 0.3  # type: ignore[attr-defined]
    source = disk_file(tmp_path, "big.img", 8 * MiB)
    async with app.run_test(size=(140, 44)) as pilot:
        await settle(pilot)
        await open_upload(pilot, source)
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, TransferScreen))
        transfer = app.screen
        await wait_for(pilot, lambda: transfer.done > 0)
        below = app.screen_stack[-2]
        await wait_for(
            pilot,
            lambda: any(
                (r.name, r.status) == ("big.img", "saving") for r in below.table.rows_in_view()
            ),
        )
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, TransferScreen))
        assert transfer.done < 8 * MiB, "the transfer stopped before the end"
        await settle(pilot)
        await wait_for(pilot, lambda: "big.img" not in names(app))
    assert [(r.action, r.result) for r in audit.records()] == [
        ("create-image", "ok"),
        ("upload-image", "ok"),
        ("delete-image", "ok"),
    ]


async def test_upload_form_errors_keep_what_was_typed(tmp_path: Path) -> None:
    odd = tmp_path / "disk.bin"
    odd.write_bytes(b"\x00" * 1000)
    app = demo_app()
    async with app.run_test(size=(140, 44)) as pilot:
        await settle(pilot)
        form = await open_upload(pilot, tmp_path / "missing.qcow2")
        await type_into(pilot, "name", "my image")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "no such file" in screen_text(pilot)
        assert form.raw_values()["name"] == "my image"
        await type_into(pilot, "path", str(odd))
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "cannot guess from the file" in screen_text(pilot)
        assert form.raw_values()["path"] == str(odd)
        await pick(pilot, "visibility", "public")
        await pick(pilot, "disk_format", "raw")
        assert form.query_one("#input-disk_format", Picker).value == "raw"
        app.backend._is_admin = False  # type: ignore[attr-defined]
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: form.last_error is not None)
        assert form.last_error.status == 403 and "publicize_image" in screen_text(pilot)
        assert form.raw_values()["name"] == "my image"


async def test_download_verifies_and_refuses_to_overwrite(tmp_path: Path) -> None:
    app = demo_app()
    backend: MemoryBackend = app.backend  # type: ignore[assignment]
    source = disk_file(tmp_path, size=2 * MiB + 17)
    target = tmp_path / "copy.qcow2"
    async with app.run_test(size=(140, 44)) as pilot:
        await settle(pilot)
        image = await backend.create_image(ImageSpec("dl-me"))
        await backend.upload_image_data(image.id, str(source))
        await goto(pilot, "images")
        await select(pilot, "dl-me")
        await pilot.press("w")
        await wait_for(pilot, lambda: isinstance(app.screen, FormScreen))
        assert app.screen.raw_values()["path"] == "./dl-me.qcow2"
        await type_into(pilot, "path", str(target))
        await pilot.press("ctrl+s")
        await wait_for(
            pilot,
            lambda: target.exists() and not isinstance(app.screen, FormScreen | TransferScreen),
        )
        assert target.read_bytes() == source.read_bytes()
        await wait_for(pilot, lambda: "sha512 verified" in notes(app))
        await pilot.press("w")
        await wait_for(pilot, lambda: isinstance(app.screen, FormScreen))
        await type_into(pilot, "path", str(target))
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "exists: tick 'overwrite'" in screen_text(pilot)
        await pilot.press("escape")


async def test_protected_image_delete_is_refused_with_glances_words(tmp_path: Path) -> None:
    audit = AuditLog(tmp_path / "audit.jsonl")
    app = demo_app(audit=audit)
    async with app.run_test(size=(160, 44)) as pilot:
        await settle(pilot)
        images = await goto(pilot, "images")
        await select(pilot, "ops-toolbox")
        await confirm_yes(pilot, "p")
        await wait_for(pilot, lambda: images.table.selected.protected)
        await wait_for(pilot, lambda: not images.in_flight)
        await pilot.press("ctrl+d")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.pause(0.2)
        assert "it is protected" in screen_text(pilot)
        await pilot.press(*"ops-toolbox", "enter")
        await wait_for(pilot, lambda: "is protected and cannot be deleted" in notes(app))
        assert "ops-toolbox" in names(app)
    assert [(r.action, r.result.split(":")[0]) for r in audit.records()] == [
        ("update-image", "ok"),
        ("delete-image", "error"),
    ]


async def test_share_offers_to_switch_to_shared_then_members_show_names() -> None:
    app = demo_app()
    async with app.run_test(size=(160, 44)) as pilot:
        await settle(pilot)
        images = await goto(pilot, "images")
        await select(pilot, "ops-toolbox")
        await pilot.press("M")
        await wait_for(pilot, lambda: isinstance(app.screen, FormScreen))
        await pick(pilot, "project_id", "demo")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "only shared images have members (it is private)" in screen_text(pilot)
        app.screen.query_one("#input-make_shared").value = True
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: not isinstance(app.screen, FormScreen))
        images.load()
        await settle(pilot)
        await wait_for(pilot, lambda: images.table.selected.visibility == "shared")
        await pilot.press("enter")
        await settle(pilot)
        members = current(app)
        assert members.resource.name == "image-members"
        text = screen_text(pilot)
        assert "demo" in text and "pending" in text
        await select(pilot, "demo")
        await confirm_yes(pilot, "ctrl+d")
        await wait_for(pilot, lambda: members.table.total_count == 0)


async def test_flavor_create_validates_keeps_values_then_specs_and_access(tmp_path: Path) -> None:
    audit = AuditLog(tmp_path / "audit.jsonl")
    app = demo_app(audit=audit)
    async with app.run_test(size=(160, 44)) as pilot:
        await settle(pilot)
        flavors = await goto(pilot, "flavors")
        await pilot.press("n")
        await wait_for(pilot, lambda: isinstance(app.screen, FormScreen))
        form = app.screen
        await type_into(pilot, "name", "c4.pinned")
        await type_into(pilot, "vcpus", "0")
        await type_into(pilot, "rxtx_factor", "fast")
        await type_into(pilot, "flavor_id", "bad/id")
        await pilot.press("ctrl+s")
        await pilot.pause()
        text = screen_text(pilot)
        assert "must be at least 1" in text and "'fast' is not a number" in text
        assert "letters, digits" in text
        assert form.raw_values()["name"] == "c4.pinned"
        await type_into(pilot, "vcpus", "4")
        await type_into(pilot, "rxtx_factor", "1.0")
        await type_into(pilot, "flavor_id", "c4-pinned")
        form.query_one("#input-is_public").value = False
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: "c4.pinned" in names(app))
        await select(pilot, "c4.pinned")
        assert (flavors.table.selected.vcpus, flavors.table.selected.is_public) == (4, False)
        await pilot.press("S")
        await wait_for(pilot, lambda: isinstance(app.screen, FormScreen))
        await type_into(pilot, "specs", "hw:cpu_policy=dedicated, hw:mem_page_size=large")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: not isinstance(app.screen, FormScreen))
        await pilot.press("enter")
        await settle(pilot)
        specs = current(app)
        assert {(s.key, s.value) for s in specs.table.rows_in_view()} == {
            ("hw:cpu_policy", "dedicated"),
            ("hw:mem_page_size", "large"),
        }
        await select(pilot, "hw:mem_page_size")
        await confirm_yes(pilot, "ctrl+d")
        await wait_for(pilot, lambda: specs.table.total_count == 1)
        await pilot.press("escape")
        await settle(pilot)
        await select(pilot, "c4.pinned")
        await submit_form(pilot, "T", "project_id", "demo")
        await pilot.press("o")
        await settle(pilot)
        access = current(app)
        assert access.resource.name == "flavor-access" and "demo" in screen_text(pilot)
        await select(pilot, "demo")
        await confirm_yes(pilot, "ctrl+d")
        await wait_for(pilot, lambda: access.table.total_count == 0)
        await pilot.press("escape")
        await settle(pilot)
        await select(pilot, "c4.pinned")
        await pilot.press("ctrl+d")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        assert "No server uses this flavor." in screen_text(pilot)
        await pilot.press(*"c4.pinned", "enter")
        await wait_for(pilot, lambda: "c4.pinned" not in names(app))
    assert [r.action for r in audit.records()] == [
        "create-flavor",
        "set-flavor-extra-specs",
        "unset-flavor-extra-spec",
        "grant-flavor-access",
        "revoke-flavor-access",
        "delete-flavor",
    ]


async def test_flavor_delete_warns_of_servers_and_drills_to_them() -> None:
    app = demo_app()
    async with app.run_test(size=(160, 44)) as pilot:
        await settle(pilot)
        await goto(pilot, "flavors")
        await select(pilot, "m1.small")
        await pilot.press("ctrl+d")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        assert "8 server(s) still use it" in screen_text(pilot)
        await pilot.press("escape")
        await pilot.press("s")
        await settle(pilot)
        servers = current(app)
        assert servers.resource.name == "servers" and servers.table.total_count == 8
        assert {s.raw["flavor"]["original_name"] for s in servers.table.rows_in_view()} == {
            "m1.small"
        }
        assert "flavor m1.small" in screen_text(pilot)


async def test_non_admin_gets_a_clear_403_for_flavor_writes() -> None:
    app = demo_app(is_admin=False)
    async with app.run_test(size=(160, 44)) as pilot:
        await settle(pilot)
        await goto(pilot, "flavors")
        await pilot.press("n")
        await wait_for(pilot, lambda: isinstance(app.screen, FormScreen))
        await type_into(pilot, "name", "mine")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: app.screen.last_error is not None)
        text = screen_text(pilot)
        assert "HTTP 403" in text and "os-flavor-manage:create" in text
        assert app.screen.raw_values()["name"] == "mine"
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("o")
        await settle(pilot)
        assert "Flavor access need admin rights here (HTTP 403)" in screen_text(pilot)


async def test_read_only_keeps_download_and_hides_every_image_and_flavor_write(
    tmp_path: Path,
) -> None:
    audit = AuditLog(tmp_path / "audit.jsonl")
    app = demo_app(read_only=True, audit=audit)
    async with app.run_test(size=(160, 44)) as pilot:
        await settle(pilot)
        for resource in ("images", "flavors"):
            screen = await goto(pilot, resource)
            for action in screen.resource.actions:
                offered = screen.check_action("act", (action.name,))
                assert offered is (action.name == "download"), action.name
            await pilot.press("n")
            await pilot.pause()
            assert not isinstance(app.screen, FormScreen)
    assert audit.records() == []


@pytest.mark.parametrize(
    ("name", "head", "expected"),
    [
        ("a.qcow2", b"", "qcow2"),
        ("a.VMDK", b"", "vmdk"),
        ("a.iso", b"", "iso"),
        ("a.img", b"QFI\xfb\x00\x00", "qcow2"),
        ("a.img", b"\x00\x00", "raw"),
        ("a.bin", b"KDMV", "vmdk"),
        ("a.bin", b"\x00", ""),
    ],
)
def test_disk_format_is_guessed_from_extension_then_magic(
    tmp_path: Path, name: str, head: bytes, expected: str
) -> None:
    path = tmp_path / name
    path.write_bytes(head)
    assert guess_disk_format(str(path)) == expected


def test_transfer_stats_text() -> None:
    assert stats_text(3 * MiB // 2, 3 * MiB, 1.0) == "1.5 MiB / 3.0 MiB  50%  1.5 MiB/s"
    assert stats_text(100, None, 0) == "100 B"


async def test_non_admin_shares_by_project_id_when_projects_cannot_be_listed() -> None:
    app = demo_app(is_admin=False)
    backend: MemoryBackend = app.backend  # type: ignore[assignment]
    image = await backend.create_image(ImageSpec("team-image", visibility="shared"))
    other = fixed_id("project", 1)
    async with app.run_test(size=(160, 44)) as pilot:
        await settle(pilot)
        await goto(pilot, "images")
        await select(pilot, "team-image")
        await pilot.press("M")
        await wait_for(pilot, lambda: isinstance(app.screen, FormScreen))
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "choose a project (or give its ID below)" in screen_text(pilot)
        await type_into(pilot, "other_project", other)
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: not isinstance(app.screen, FormScreen))
    assert [m.member_id for m in await backend.image_members(image.id)] == [other]


async def test_set_visibility_and_edit_an_extra_spec(tmp_path: Path) -> None:
    audit = AuditLog(tmp_path / "audit.jsonl")
    app = demo_app(audit=audit)
    async with app.run_test(size=(160, 44)) as pilot:
        await settle(pilot)
        images = await goto(pilot, "images")
        await select(pilot, "ops-toolbox")
        await submit_form(pilot, "v", "visibility", "community")
        await wait_for(pilot, lambda: images.table.selected.visibility == "community")
        await goto(pilot, "flavors")
        await select(pilot, "huge.gpu")
        await pilot.press("enter")
        await settle(pilot)
        specs = current(app)
        await select(pilot, "resources:VGPU")
        await pilot.press("e")
        await wait_for(pilot, lambda: isinstance(app.screen, FormScreen))
        assert app.screen.raw_values()["value"] == "8"
        await type_into(pilot, "value", "4")
        await pilot.press("ctrl+s")
        await wait_for(
            pilot,
            lambda: (
                ("resources:VGPU", "4") in {(s.key, s.value) for s in specs.table.rows_in_view()}
            ),
        )
    assert [r.action for r in audit.records()] == ["update-image", "set-flavor-extra-specs"]
