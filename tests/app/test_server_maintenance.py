"""Keeping a server from the keyboard on the in-memory cloud: rebuild (the image to keep or
change, a secret password, confirmed by typing the name), a snapshot image (named, announced,
in :images), rescue / unrescue, metadata and tags (only the changes sent, Nova's limits
checked first), diagnostics (facts, needs admin, a driver reporting none); each offered only
where Nova's state rules allow it, none of it read-only."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Input

from tests.app.test_moving_servers import (
    choose,
    confirmation,
    current,
    goto,
    notes,
    server,
)
from tests.app_forms import paste
from tests.app_helpers import demo_app, screen_text, select, settle, wait_for
from tui.backend.audit import AuditLog
from tui.backend.errors import BackendError
from tui.screens.confirm import ConfirmScreen
from tui.screens.describe import DescribeScreen
from tui.screens.form import FormScreen
from tui.screens.resource import ResourceScreen
from tui.widgets.picker import Picker

PASSWORD = "Rebuild-pilot-Secret-42"
UBUNTU = "ubuntu-24.04-server-cloudimg-amd64"
MAINTENANCE = ("rebuild", "create_image", "rescue", "unrescue", "metadata")


async def open_form(pilot: Any, key: str) -> FormScreen:
    """The action's form, once its fields are on screen (its values may come from the
    cloud first)."""
    await pilot.press(key)

    def shown() -> bool:
        screen = pilot.app.screen
        return isinstance(screen, FormScreen) and bool(screen.query("#form-buttons"))

    await wait_for(pilot, shown)
    await pilot.pause()
    return pilot.app.screen


def offered(screen: ResourceScreen) -> set[str]:
    return {name for name in MAINTENANCE if screen.check_action("act", (name,))}


async def type_into(pilot: Any, form: FormScreen, field: str, text: str) -> None:
    await paste(pilot, form.query_one(f"#input-{field}", Input), text)


# -- rebuild -----------------------------------------------------------------------------------


async def test_rebuild_from_another_image_confirmed_by_name_follows_the_row(
    tmp_path: Path,
) -> None:
    audit = AuditLog(tmp_path / "audit.jsonl")
    app = demo_app(audit=audit)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await settle(pilot)
        screen = current(app)
        before = await server(app, "db-02")
        await select(pilot, "db-02")
        form = await open_form(pilot, "ctrl+r")
        picker = await choose(pilot, form, "image", before.image)
        first = picker._choices[0]
        assert (first.value, first.label) == (before.image, f"{UBUNTU} (current image)")
        assert picker.value == before.image, "the current image is kept unless changed"
        cirros = next(c.value for c in picker._choices if c.label.startswith("cirros"))
        await choose(pilot, form, "image", cirros)
        await type_into(pilot, form, "name", "db-02-rebuilt")
        await type_into(pilot, form, "admin_password", PASSWORD)
        assert PASSWORD not in screen_text(pilot)
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        said = confirmation(pilot)
        assert "Rebuild db-02 (ACTIVE, on compute2) from image cirros-0.6.2-x86_64-disk." in said
        assert "Its root disk is wiped: everything on it is lost." in said
        assert "new name db-02-rebuilt" in said and "the admin password typed" in said
        assert PASSWORD not in said
        await pilot.press(*"db-02", "enter")
        await wait_for(pilot, lambda: screen.table.selected.name == "db-02-rebuilt", rounds=400)
        await wait_for(pilot, lambda: not screen.in_flight, rounds=400)
        after = screen.table.selected
        assert (after.id, after.image, after.status) == (before.id, cirros, "ACTIVE")
        await wait_for(pilot, lambda: any("db-02-rebuilt (was db-02)" in n for n in notes(app)))
        assert all(PASSWORD not in n for n in notes(app))
    assert [(r.action, r.result) for r in audit.records()] == [("rebuild", "ok")]
    assert PASSWORD not in audit.path.read_text(encoding="utf-8")


async def test_rebuild_needs_the_name_typed_and_declined_sends_nothing() -> None:
    app = demo_app()
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await settle(pilot)
        await select(pilot, "db-02")
        form = await open_form(pilot, "ctrl+r")
        await wait_for(pilot, lambda: not form.query_one("#input-image", Picker)._loading)
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        said = confirmation(pilot)
        assert f"from image {UBUNTU} (the image it runs now)" in said
        assert "a password Nova makes" in said
        await pilot.click("#confirm-no")
        await wait_for(pilot, lambda: app.screen is form)  # back to the form, as typed
        assert app.backend.writes == []
        await wait_for(pilot, lambda: "nothing was sent" in screen_text(pilot))


async def test_preserving_the_ephemeral_disk_ends_in_error_with_novas_fault() -> None:
    app = demo_app()
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await settle(pilot)
        screen = current(app)
        await select(pilot, "cache-03")
        form = await open_form(pilot, "ctrl+r")
        await wait_for(pilot, lambda: not form.query_one("#input-image", Picker)._loading)
        await pilot.click("#input-preserve_ephemeral")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        assert "the ephemeral disk kept (Ironic only)" in confirmation(pilot)
        await pilot.press(*"cache-03", "enter")
        await wait_for(pilot, lambda: screen.table.selected.status == "ERROR", rounds=400)
        await wait_for(
            pilot,
            lambda: any("does not support preserving ephemeral" in n for n in notes(app)),
            rounds=400,
        )


# -- snapshot image --------------------------------------------------------------------------


async def test_snapshot_image_is_named_announced_and_shows_in_images(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(
        "tui.screens.resources.server_maintenance.now", lambda: datetime(2026, 1, 5, 9, 30)
    )
    app = demo_app()
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await settle(pilot)
        await select(pilot, "db-02")
        form = await open_form(pilot, "C")
        name = form.query_one("#input-name", Input).value
        assert name == "db-02-snapshot-20260105-0930"
        await type_into(pilot, form, "metadata", "purpose=before upgrade, note=a,b")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: any(f"Image {name} (" in n for n in notes(app)))
        said = next(n for n in notes(app) if f"Image {name} (" in n)
        assert "of db-02 is being made: it shows in :images" in said
        image_id = said.split("(")[1].split(")")[0]
        image = await app.backend.image(image_id)
        assert image.raw["image_type"] == "snapshot"
        assert (image.raw["purpose"], image.raw["note"]) == ("before upgrade", "a,b")
        await goto(pilot, "images")
        await pilot.press("slash", *"snapshot-2026")
        await pilot.pause()
        assert name in screen_text(pilot)


async def test_snapshot_metadata_breaking_novas_rules_is_refused_before_sending() -> None:
    app = demo_app()
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await settle(pilot)
        await select(pilot, "db-02")
        form = await open_form(pilot, "C")
        await type_into(pilot, form, "metadata", "ok=1, bad key!=2")
        await pilot.press("ctrl+s")
        await pilot.pause()
        text = screen_text(pilot)
        assert "key 'bad key!': only letters, digits, space, - _ : ." in text
        assert form.query_one("#input-metadata", Input).value == "ok=1, bad key!=2"
        assert app.backend.writes == []


# -- rescue ------------------------------------------------------------------------------------


async def test_rescue_then_unrescue(tmp_path: Path) -> None:
    audit = AuditLog(tmp_path / "audit.jsonl")
    app = demo_app(audit=audit)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await settle(pilot)
        screen = current(app)
        await select(pilot, "db-02")
        assert "unrescue" not in offered(screen)
        form = await open_form(pilot, "x")
        picker = await choose(pilot, form, "image", "(current)")
        assert picker.choice("(current)").label == "the server's own image"
        await type_into(pilot, form, "admin_password", PASSWORD)
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: screen.table.selected.status == "RESCUE", rounds=400)
        await wait_for(pilot, lambda: not screen.in_flight, rounds=400)
        assert offered(screen) == {"unrescue"}
        await pilot.press("X")
        await wait_for(pilot, lambda: screen.table.selected.status == "ACTIVE", rounds=400)
    assert [(r.action, r.result) for r in audit.records()] == [
        ("rescue", "ok"),
        ("unrescue", "ok"),
    ]
    assert PASSWORD not in audit.path.read_text(encoding="utf-8")


# -- metadata and tags -------------------------------------------------------------------------


async def test_metadata_and_tags_start_from_the_cloud_and_only_changes_are_sent(
    tmp_path: Path,
) -> None:
    audit = AuditLog(tmp_path / "audit.jsonl")
    app = demo_app(audit=audit)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await settle(pilot)
        await select(pilot, "db-02")
        form = await open_form(pilot, "ctrl+t")
        metadata = form.query_one("#input-metadata", Input)
        await wait_for(pilot, lambda: metadata.value == "role=db")
        assert form.query_one("#input-tags", Input).value == ""
        await type_into(pilot, form, "metadata", "role=db, owner=ops team, note=a,b")
        await type_into(pilot, form, "tags", "prod, web, prod")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: any("db-02: set note, owner" in n for n in notes(app)))
        said = next(n for n in notes(app) if "db-02: set" in n)
        assert "tags now prod, web" in said
        record = (await server(app, "db-02")).raw
        assert record["metadata"] == {"role": "db", "owner": "ops team", "note": "a,b"}
        assert record["tags"] == ["prod", "web"]

        # the key left out is deleted; the tags unchanged are not sent again
        form = await open_form(pilot, "ctrl+t")
        metadata = form.query_one("#input-metadata", Input)
        await wait_for(pilot, lambda: metadata.value == "note=a,b, owner=ops team, role=db")
        assert form.query_one("#input-tags", Input).value == "prod, web"
        await type_into(pilot, form, "metadata", "note=a,b, owner=ops team")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: any("db-02: deleted role." in n for n in notes(app)))
        assert (await server(app, "db-02")).raw["metadata"] == {"owner": "ops team", "note": "a,b"}
    assert [(r.action, r.result) for r in audit.records()] == [
        ("set-server-metadata", "ok"),
        ("set-server-tags", "ok"),
        ("unset-server-metadata", "ok"),
    ]


@pytest.mark.parametrize(
    ("field", "typed", "said"),
    [
        ("tags", "prod, a/b", "tag 'a/b': no '/' (nor ',') in a tag"),
        ("tags", "x" * 61, "has 61 characters: at most 60"),
        ("tags", ", ".join(f"t{i}" for i in range(51)), "51 tags: Nova keeps at most 50"),
        ("metadata", "role=" + "v" * 256, "the value of 'role' has 256 characters: at most 255"),
        ("metadata", "just words", "'just words' is not key=value"),
    ],
    ids=["slash", "long_tag", "too_many_tags", "long_value", "not_a_pair"],
)
async def test_metadata_and_tags_beyond_novas_limits_are_refused_in_the_form(
    field: str, typed: str, said: str
) -> None:
    app = demo_app()
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await settle(pilot)
        await select(pilot, "db-02")
        form = await open_form(pilot, "ctrl+t")
        box = form.query_one("#input-metadata", Input)
        await wait_for(pilot, lambda: box.value == "role=db")
        await type_into(pilot, form, field, typed)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert said in screen_text(pilot)
        assert form.query_one(f"#input-{field}", Input).value == typed, "what was typed stays"
        assert isinstance(app.screen, FormScreen)
        assert app.backend.writes == []


# -- diagnostics -------------------------------------------------------------------------------


async def test_diagnostics_show_the_drivers_facts() -> None:
    app = demo_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await select(pilot, "db-02")
        await pilot.press("f")
        await wait_for(pilot, lambda: isinstance(app.screen, DescribeScreen))
        await wait_for(pilot, lambda: "Uptime" in screen_text(pilot))
        text = screen_text(pilot)
        assert "Diagnostics of" in text and "db-02" in text
        assert "running" in text and "libvirt · kvm on linux" in text
        assert "cpu" in text and "nic" in text and "dropped" in text and "written" in text


async def test_diagnostics_tell_a_member_they_need_admin() -> None:
    app = demo_app(is_admin=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await select(pilot, "db-02")
        await pilot.press("f")
        await wait_for(pilot, lambda: "needs admin (403)" in screen_text(pilot))
        assert "os_compute_api:os-server-diagnostics" in screen_text(pilot)


async def test_diagnostics_of_a_driver_without_them_say_it_reports_none() -> None:
    app = demo_app()
    app.backend.fault(
        "server_diagnostics",
        error=BackendError(
            "Nova: The requested functionality is not supported.",
            status=501,
            operation="show server diagnostics",
        ),
    )
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await select(pilot, "db-02")
        await pilot.press("f")
        await wait_for(pilot, lambda: "this driver reports none (501)" in screen_text(pilot))


# -- where each is offered ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("db-02", {"rebuild", "create_image", "rescue", "metadata"}),  # ACTIVE
        ("api-04", {"rebuild", "create_image", "rescue", "metadata"}),  # SHUTOFF
        ("lb-06", {"rebuild", "rescue"}),  # ERROR
        ("db-10", {"create_image", "metadata"}),  # PAUSED
        ("cache-11", {"metadata"}),  # ACTIVE, rebooting
        ("search-08", set()),  # BUILD
    ],
)
async def test_offered_only_where_novas_state_rules_allow(name: str, expected: set[str]) -> None:
    app = demo_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await select(pilot, name)
        assert offered(current(app)) == expected


async def test_read_only_offers_none_of_it() -> None:
    app = demo_app(read_only=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await select(pilot, "db-02")
        assert offered(current(app)) == set()
        assert current(app).check_action("view", ("diagnostics",)) is True
