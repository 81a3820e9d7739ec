"""Volume types and QoS specs from the keyboard on the in-memory cloud: what the operator
types and sees, and what the cloud then holds (or, for bad input, that nothing was sent)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.widgets import Static

from tests.app.test_build_networks import (
    cloud_of,
    form_says,
    messages,
    open_form,
    submit_refused,
    tick,
    type_into,
)
from tests.app.test_compute_network_volume_screens import goto, pick
from tests.app_helpers import demo_app, screen_text, select, settle, wait_for
from tui.backend.audit import AuditLog
from tui.backend.models import QosSpecSpec, VolumeSpec, VolumeTypeSpec
from tui.screens.confirm import ConfirmScreen
from tui.screens.form import FormScreen
from tui.screens.resource import ResourceScreen


def named(screen: ResourceScreen, name: str) -> Any:
    return next((r for r in screen.table.rows_in_view() if r.name == name), None)


async def type_named(cloud: Any, name: str) -> Any:
    return next(
        t for t in [t async for page in cloud.volume_types() for t in page] if t.name == name
    )


async def test_a_new_volume_gets_the_chosen_type_the_default_preselected() -> None:
    app = demo_app()
    cloud = cloud_of(app)
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot)
        screen = await goto(pilot, "volumes")
        form = await open_form(pilot, "n")
        default = await cloud.default_volume_type()
        assert default is not None and default.name == "lvmdriver-1"
        await wait_for(pilot, lambda: form.raw_values()["volume_type"] == default.id)
        await settle(pilot)
        assert "default" in screen_text(pilot)
        await type_into(pilot, "name", "fast-data")
        await pick(pilot, "volume_type", "lvm-fast")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: named(screen, "fast-data") is not None)
        assert named(screen, "fast-data").volume_type == "lvm-fast"


async def test_a_type_is_created_edited_shared_made_default_and_refused_delete(
    tmp_path: Path,
) -> None:
    audit = AuditLog(tmp_path / "audit.jsonl")
    app = demo_app(audit=audit)
    cloud = cloud_of(app)
    project = cloud.info.project_id
    other = cloud._projects[2]
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot)
        screen = await goto(pilot, "types")
        await wait_for(pilot, lambda: named(screen, "lvmdriver-1") is not None)
        shown = screen_text(pilot)
        assert "✓ cloud" in shown and "volume_backend_name=lvmdriver-1" in shown

        form = await open_form(pilot, "n")
        await type_into(pilot, "name", "gold")
        await type_into(pilot, "description", "fast disks")
        await tick(pilot, "is_public", False)
        await type_into(pilot, "extra_specs", "volume_backend_name=lvm, x=1")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: named(screen, "gold") is not None)
        gold = named(screen, "gold")
        assert not gold.is_public
        assert gold.extra_specs == (("volume_backend_name", "lvm"), ("x", "1"))

        await select(pilot, "gold")
        form = await open_form(pilot, "e")
        assert form.raw_values()["extra_specs"] == "volume_backend_name=lvm, x=1"
        await type_into(pilot, "extra_specs", "volume_backend_name=lvm, y=2")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: named(screen, "gold").extra_specs[-1] == ("y", "2"))
        assert (await cloud.volume_type(gold.id)).extra_specs == (
            ("volume_backend_name", "lvm"),
            ("y", "2"),
        )

        await wait_for(pilot, lambda: not screen.in_flight)  # the edit followed to its end
        await pick_form(pilot, "A", "project_id", other.name)
        await wait_for(pilot, lambda: not isinstance(app.screen, FormScreen))
        await wait_for(pilot, lambda: cloud._cinder_types().access.get(gold.id) == {other.id})
        await pilot.press("enter")
        await wait_for(
            pilot,
            lambda: (
                isinstance(app.screen, ResourceScreen)
                and app.screen.resource.name == "volume-type-access"
                and app.screen.loaded
            ),
        )
        assert other.name in screen_text(pilot)
        await pilot.press("escape")
        await settle(pilot)

        form = await open_form(pilot, "P")
        assert "default_volume_type" in screen_text(pilot)
        await wait_for(pilot, lambda: form.raw_values()["project_id"] == project)
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: named(screen, "gold").default == "project")
        assert await cloud.project_default_volume_type(project) == gold.id
        assert "✓ project" in screen_text(pilot)

        await select(pilot, "gold")
        await pilot.press("ctrl+d")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press(*"gold", "enter")
        await wait_for(pilot, lambda: "is a default volume type" in messages(app))
        assert named(screen, "gold") is not None
    assert [(r.action, r.result.split(":")[0]) for r in audit.records()] == [
        ("create-volume-type", "ok"),
        ("set-volume-type-extra-specs", "ok"),
        ("unset-volume-type-extra-spec", "ok"),
        ("add-volume-type-access", "ok"),
        ("set-project-default-volume-type", "ok"),
        ("delete-volume-type", "error"),
    ]
    # only what changed was sent: y set, x unset, the backend name left alone
    assert ("set-volume-type-extra-specs", f"volume type {gold.id} (y=2)") in cloud.writes


async def pick_form(pilot: Any, key: str, field: str, query: str) -> FormScreen:
    form = await open_form(pilot, key)
    await pick(pilot, field, query)
    await pilot.press("ctrl+s")
    return form


async def test_bad_extra_specs_are_said_on_the_field_and_nothing_is_sent() -> None:
    app = demo_app()
    cloud = cloud_of(app)
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot)
        await goto(pilot, "volume-types")
        form = await open_form(pilot, "n")
        await type_into(pilot, "name", "bad")
        await type_into(pilot, "extra_specs", "volume_backend_name=lvm, bad!key=1")
        await submit_refused(pilot, form, "bad key 'bad!key'")
        await type_into(pilot, "extra_specs", "volume_backend_name")
        await submit_refused(pilot, form, "'volume_backend_name' is not key=value")
        assert form.raw_values()["extra_specs"] == "volume_backend_name"
    assert cloud.writes == []


async def test_access_on_a_public_type_is_refused_plainly() -> None:
    app = demo_app()
    cloud = cloud_of(app)
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot)
        screen = await goto(pilot, "volume-types")
        await wait_for(pilot, lambda: named(screen, "lvmdriver-1") is not None)
        await select(pilot, "lvmdriver-1")
        await pilot.press("A")
        await wait_for(pilot, lambda: "lvmdriver-1 is public" in messages(app))
        assert app.screen is screen
    assert cloud.writes == []


async def test_cinders_refusal_of_a_type_in_use_is_shown() -> None:
    app = demo_app()
    cloud = cloud_of(app)
    made = await cloud.create_volume_type(VolumeTypeSpec(name="busy"))
    await cloud.create_volume(VolumeSpec(name="on-busy", size_gb=1, volume_type="busy"))
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot)
        screen = await goto(pilot, "volume-types")
        await wait_for(pilot, lambda: named(screen, "busy") is not None)
        await select(pilot, "busy")
        await pilot.press("ctrl+d")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        assert "Cinder refuses while volumes use it" in screen_text(pilot)
        await pilot.press(*"busy", "enter")
        await wait_for(pilot, lambda: "Target volume type is still in use." in messages(app))
    assert (await cloud.volume_type(made.id)).name == "busy"


async def test_a_qos_spec_is_created_associated_edited_and_force_deleted() -> None:
    app = demo_app()
    cloud = cloud_of(app)
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot)
        screen = await goto(pilot, "qos")
        form = await open_form(pilot, "n")
        assert "every volume of the type" in screen_text(pilot)
        await type_into(pilot, "name", "db-limits")
        await pick(pilot, "consumer", "front-end")
        await type_into(pilot, "specs", "read_iops_sec=500, total_bytes_sec=fast")
        await submit_refused(pilot, form, "total_bytes_sec must be a whole number ≥ 0")
        await type_into(pilot, "specs", "read_iops_sec=500, vendor:thing=1")
        await submit_refused(pilot, form, "'vendor:thing' is not a front-end limit")
        await type_into(pilot, "specs", "read_iops_sec=500, write_iops_sec=200")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: named(screen, "db-limits") is not None)
        qos = named(screen, "db-limits")
        assert (qos.consumer, qos.specs) == (
            "front-end",
            (("read_iops_sec", "500"), ("write_iops_sec", "200")),
        )

        await select(pilot, "db-limits")
        form = await open_form(pilot, "A")
        assert "front-end limits are applied by Nova" in form_says_all(form).lower() or (
            "next attach" in screen_text(pilot)
        )
        await pick(pilot, "type_id", "lvmdriver-1")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: named(screen, "db-limits").types == ("lvmdriver-1",))
        assert "lvmdriver-1" in screen_text(pilot)

        await select(pilot, "db-limits")
        form = await open_form(pilot, "e")
        await type_into(pilot, "specs", "read_iops_sec=800")
        await pilot.press("ctrl+s")
        await wait_for(
            pilot, lambda: named(screen, "db-limits").specs == (("read_iops_sec", "800"),)
        )

        await pilot.press("ctrl+d")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        said = screen_text(pilot)
        assert "Associated with: lvmdriver-1" in said and "ctrl+k" in said
        await pilot.press(*"db-limits", "enter")
        await wait_for(pilot, lambda: "Qos specs still in use." in messages(app))
        assert named(screen, "db-limits") is not None

        await select(pilot, "db-limits")
        await pilot.press("ctrl+k")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        assert "disassociates it from: lvmdriver-1" in screen_text(pilot)
        await pilot.press(*"db-limits", "enter")
        await wait_for(pilot, lambda: named(screen, "db-limits") is None)
    lvm = await type_named(cloud, "lvmdriver-1")
    assert lvm.qos_specs_id == ""


def form_says_all(form: FormScreen) -> str:
    return str(form.query_one("#form-description", Static).render()) + form_says(form)


async def test_a_qos_spec_is_disassociated_from_its_types_list() -> None:
    app = demo_app()
    cloud = cloud_of(app)
    qos = await cloud.create_qos_spec(
        QosSpecSpec(name="backup-limits", specs=(("total_bytes_sec", "1048576"),))
    )
    fast = await type_named(cloud, "__DEFAULT__")
    await cloud.associate_qos_spec(qos.id, fast.id)
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot)
        screen = await goto(pilot, "qos")
        await wait_for(pilot, lambda: named(screen, "backup-limits") is not None)
        await select(pilot, "backup-limits")
        await pilot.press("enter")
        await wait_for(
            pilot,
            lambda: (
                isinstance(app.screen, ResourceScreen)
                and app.screen.resource.name == "qos-associations"
                and app.screen.loaded
            ),
        )
        assert "__DEFAULT__" in screen_text(pilot)
        await pilot.press("ctrl+d")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.click("#confirm-yes")
        await wait_for(pilot, lambda: not isinstance(app.screen, ConfirmScreen))
        await wait_for(pilot, lambda: "__DEFAULT__" not in screen_text(pilot))
    assert await cloud.qos_associations(qos.id) == []
    assert (await cloud.volume_type(fast.id)).qos_specs_id == ""


async def test_a_member_is_told_volume_types_and_qos_need_admin() -> None:
    app = demo_app(is_admin=False)
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot)
        for name in ("types", "qos"):
            await goto(pilot, name)
            await wait_for(pilot, lambda: "need admin rights here (HTTP 403)" in screen_text(pilot))
