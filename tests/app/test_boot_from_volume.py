"""Booting from volumes through the boot form (`n` on :servers), against the memory cloud:
each boot source chosen with the keys, what the cloud did (the root volume in-use at
/dev/vda, the volumes attached after it, delete-on-terminate honoured), the form's own
checks and Nova's refusal shown with status, message and request id, what was typed kept."""

from __future__ import annotations

from typing import Any

from tests.app.test_compute_network_volume_screens import current, pick, type_into
from tests.app_helpers import screen_text, select, settle, wait_for
from tests.contract.support import collect, named
from tui.app import StackdeckApp
from tui.backend.memory import MemoryBackend
from tui.backend.models import Server, Volume, VolumeSpec
from tui.config import Settings
from tui.screens.form import FormScreen
from tui.screens.resource import ResourceScreen

CIRROS = "cirros-0.6.2-x86_64-disk"


async def _cloud() -> tuple[MemoryBackend, StackdeckApp]:
    backend = MemoryBackend(servers=40)
    image = await named(backend.images(), CIRROS)
    await backend.create_volume(VolumeSpec(name="golden-root", size_gb=2, image_id=image.id))
    await backend.create_volume(VolumeSpec(name="data-disk", size_gb=3))
    app = StackdeckApp(backend, Settings(demo=True, refresh_seconds=0, start_resource="servers"))
    return backend, app


async def _volume(backend: MemoryBackend, name: str) -> Volume:
    return await named(backend.volumes(all_projects=True), name)


async def _server(backend: MemoryBackend, name: str) -> Server:
    server: Server = await named(backend.servers(all_projects=True), name)
    return server


async def _open_boot_form(pilot: Any, name: str, source: str) -> FormScreen:
    await settle(pilot)
    await pilot.press("n")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, FormScreen))
    await type_into(pilot, "name", name)
    await pick(pilot, "flavor", "tiny")
    await pick(pilot, "boot_source", source)
    await pick(pilot, "networks", "private-admin")
    form = pilot.app.screen
    assert isinstance(form, FormScreen)
    return form


async def _booted(pilot: Any, name: str) -> None:
    await pilot.press("ctrl+s")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, ResourceScreen))
    screen = current(pilot.app)

    def active() -> bool:
        rows = [s for s in screen.table.rows_in_view() if s.name == name]
        return bool(rows) and rows[0].status == "ACTIVE"

    await wait_for(pilot, active)


def _shown(form: FormScreen, field: str) -> bool:
    return bool(form.query_one(f"#field-{field}").display)


async def test_boot_from_an_existing_volume_and_see_it_with_V() -> None:
    backend, app = await _cloud()
    async with app.run_test(size=(160, 50)) as pilot:
        form = await _open_boot_form(pilot, "from-vol", "existing")
        assert not _shown(form, "image") and _shown(form, "boot_volume")
        assert _shown(form, "delete_volume") and not _shown(form, "delete_new_volume")
        assert not form.query_one("#input-delete_volume").value, "kept by default"
        await pick(pilot, "boot_volume", "golden")
        await _booted(pilot, "from-vol")
        server = await _server(backend, "from-vol")
        root = await _volume(backend, "golden-root")
        assert root.status == "in-use" and server.image == ""
        assert [(a.server_id, a.device) for a in root.attachments] == [(server.id, "/dev/vda")]
        assert server.raw["os-extended-volumes:volumes_attached"] == [
            {"id": root.id, "delete_on_termination": False}
        ]
        await select(pilot, "from-vol")
        await pilot.press("V")
        await settle(pilot)
        assert [v.name for v in current(app).table.rows_in_view()] == ["golden-root"]
        assert "/dev/vda" in screen_text(pilot)
    await backend.server_action(server.id, "delete")
    assert (await _volume(backend, "golden-root")).status == "available", "kept"


async def test_boot_from_a_snapshot_with_extra_volumes() -> None:
    backend, app = await _cloud()
    origin = await _volume(backend, "golden-root")
    await backend.create_volume_snapshot(origin.id, "golden-snap")
    async with app.run_test(size=(160, 50)) as pilot:
        form = await _open_boot_form(pilot, "from-snap", "snapshot")
        assert _shown(form, "boot_snapshot") and _shown(form, "volume_size")
        assert form.query_one("#input-delete_new_volume").value, "a new volume goes by default"
        await pick(pilot, "boot_snapshot", "golden-snap")
        assert not _shown(form, "delete_blank")
        await type_into(pilot, "blank_volumes", "1,2")
        await pilot.pause()
        assert _shown(form, "delete_blank")
        await pick(pilot, "extra_volumes", "data-disk")
        assert _shown(form, "delete_extra")
        await _booted(pilot, "from-snap")
    server = await _server(backend, "from-snap")
    volumes = await collect(backend.volumes(all_projects=True))
    devices = {a.device: v for v in volumes for a in v.attachments if a.server_id == server.id}
    assert sorted(devices) == ["/dev/vda", "/dev/vdb", "/dev/vdc", "/dev/vdd"]
    assert devices["/dev/vda"].raw["snapshot_id"] and devices["/dev/vda"].size_gb == 2
    assert sorted(v.size_gb for d, v in devices.items() if d != "/dev/vda") == [1, 2, 3]
    await backend.server_action(server.id, "delete")
    left = {v.id for v in await collect(backend.volumes(all_projects=True))}
    data = await _volume(backend, "data-disk")
    assert data.status == "available" and devices["/dev/vda"].id not in left
    assert not {v.id for d, v in devices.items() if v.id != data.id} & left


async def test_new_volume_from_an_image_is_checked_then_made() -> None:
    backend, app = await _cloud()
    async with app.run_test(size=(160, 50)) as pilot:
        form = await _open_boot_form(pilot, "from-image", "made from")
        assert _shown(form, "image") and _shown(form, "volume_size")
        await pick(pilot, "image", "ubuntu")
        await type_into(pilot, "volume_size", "5")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: "need attention" in screen_text(pilot))
        assert "at least 10 GB: the image's min disk is 10 GB" in screen_text(pilot)
        assert backend.writes == [("create-volume", "volume golden-root"),
                                  ("create-volume", "volume data-disk")]  # fmt: skip
        assert form.raw_values()["name"] == "from-image", "what was typed stays"
        await type_into(pilot, "volume_size", "12")
        await _booted(pilot, "from-image")
    server = await _server(backend, "from-image")
    (root,) = [
        v
        for v in await collect(backend.volumes(all_projects=True))
        if any(a.server_id == server.id for a in v.attachments)
    ]
    assert (root.size_gb, root.bootable, root.attachments[0].device) == (12, True, "/dev/vda")


async def test_novas_refusal_shows_in_the_form_which_keeps_the_input() -> None:
    backend, app = await _cloud()
    async with app.run_test(size=(160, 50)) as pilot:
        form = await _open_boot_form(pilot, "late", "existing")
        await pick(pilot, "boot_volume", "golden")
        root = await _volume(backend, "golden-root")
        web = await _server(backend, "web-01")
        await backend.attach_volume(web.id, root.id)  # someone was faster
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: form.last_error is not None)
        text = screen_text(pilot)
        assert "HTTP 400" in text and "request id: req-" in text
        assert form.last_error is not None and form.last_error.status == 400
        assert "status must be available or downloading to reserve" in form.last_error.message
        assert "Invalid volume: Invalid input received" in text
        assert isinstance(app.screen, FormScreen)
        assert form.raw_values()["boot_volume"] == root.id and form.raw_values()["name"] == "late"
