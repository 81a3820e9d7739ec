"""Everyday work on the in-memory cloud: every list, the cross-links, forms and guardrails."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.app_helpers import demo_app, screen_text, select, settle, wait_for
from tui.backend.audit import AuditLog
from tui.screens.confirm import ConfirmScreen
from tui.screens.console_log import ConsoleLogScreen
from tui.screens.form import FormScreen
from tui.screens.resource import ResourceScreen
from tui.widgets.picker import Picker


def current(app: object) -> ResourceScreen:
    screen = app.screen  # type: ignore[attr-defined]
    assert isinstance(screen, ResourceScreen), screen
    return screen


async def goto(pilot, name: str) -> ResourceScreen:  # type: ignore[no-untyped-def]
    await pilot.press("colon", *name, "enter")
    await settle(pilot)
    return current(pilot.app)


async def pick(pilot, field: str, query: str) -> None:  # type: ignore[no-untyped-def]
    """Type into a picker's filter and take the first match, as an operator would."""
    picker = pilot.app.screen.query_one(f"#input-{field}", Picker)
    await wait_for(pilot, lambda: picker._choices or picker._loading is False)
    picker.query_one("Input").focus()
    await pilot.press(*query, "enter")
    await pilot.pause()


async def type_into(pilot, field: str, text: str) -> None:  # type: ignore[no-untyped-def]
    box = pilot.app.screen.query_one(f"#input-{field}")
    box.focus()
    box.value = ""
    await pilot.press(*text)


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ("networks", "private-demo"),
        ("subnets", "private-demo-subnet"),
        ("ports", "compute:nova"),
        ("routers", "router-demo"),
        ("fips", "172.24.0.2"),
        ("sg", "ssh-icmp"),
        ("volumes", "db-data"),
        ("snapshots", "db-data-nightly"),
        ("flavors", "m1.tiny"),
        ("images", "cirros-0.6.2-x86_64-disk"),
        ("keypairs", "ops-key"),
    ],
)
async def test_every_list_opens(command: str, expected: str) -> None:
    app = demo_app()
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        screen = await goto(pilot, command)
        assert screen.error is None
        assert expected in screen_text(pilot)


async def test_server_cross_links() -> None:
    app = demo_app()
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        await select(pilot, "db-02")
        server = current(app).table.selected
        await pilot.press("enter")
        await settle(pilot)
        ports = list(current(app).table.rows_in_view())
        assert ports and {p.device_id for p in ports} == {server.id}
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("V")
        await settle(pilot)
        volumes = list(current(app).table.rows_in_view())
        assert [v.name for v in volumes] == ["db-data"]
        await pilot.press("escape", "h")
        await settle(pilot)
        assert [h.host for h in current(app).table.rows_in_view()] == [server.host]
        await pilot.press("escape", "W")
        await settle(pilot)
        groups = list(current(app).table.rows_in_view())
        assert groups and all(g.project_id == server.project_id for g in groups)
        await pilot.press("enter")
        await settle(pilot)
        assert current(app).resource.name == "security-group-rules"


async def test_floating_ip_links_to_its_server() -> None:
    app = demo_app()
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        await select(pilot, "web-01")
        await pilot.press("F")
        await settle(pilot)
        fips = list(current(app).table.rows_in_view())
        assert [f.address for f in fips] == ["172.24.0.2"]
        await pilot.press("enter")
        await settle(pilot)
        assert [s.name for s in current(app).table.rows_in_view()] == ["web-01"]


async def test_boot_form_validates_then_boots_to_active(tmp_path: Path) -> None:
    audit = AuditLog(tmp_path / "audit.jsonl")
    app = demo_app(audit=audit)
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, FormScreen)
        await pilot.press("ctrl+s")
        await pilot.pause()
        text = screen_text(pilot)
        assert "field(s) need attention" in text and "required" in text
        await type_into(pilot, "name", "app-7")
        await pick(pilot, "flavor", "tiny")
        await pick(pilot, "image", "cirros")
        await pick(pilot, "networks", "private-admin")
        await pick(pilot, "key_name", "ops")
        await type_into(pilot, "metadata", "role=app, team=ops")
        await type_into(pilot, "user_data", str(tmp_path / "missing.yaml"))
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "no such file" in screen_text(pilot)
        assert app.screen.raw_values()["name"] == "app-7", "typed values survive an error"
        (tmp_path / "cloud-init.yaml").write_text("#cloud-config\n")
        await type_into(pilot, "user_data", str(tmp_path / "cloud-init.yaml"))
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, ResourceScreen))
        screen = current(app)
        await wait_for(pilot, lambda: any(s.name == "app-7" for s in screen.table.rows_in_view()))
        await wait_for(
            pilot,
            lambda: (
                next(s for s in screen.table.rows_in_view() if s.name == "app-7").status == "ACTIVE"
            ),
        )
    assert [(r.action, r.result) for r in audit.records()] == [("boot", "ok")]


async def test_boot_quota_refusal_is_shown_in_the_form() -> None:
    app = demo_app()
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await pilot.pause()
        await type_into(pilot, "name", "many")
        await type_into(pilot, "count", "11")
        await pick(pilot, "flavor", "tiny")
        await pick(pilot, "image", "cirros")
        await pick(pilot, "networks", "private-admin")
        await pilot.press("ctrl+s")
        form = app.screen
        await wait_for(pilot, lambda: form.last_error is not None)
        text = screen_text(pilot)
        assert "HTTP 403" in text and "Quota exceeded" in text and "request id: req-" in text
        assert isinstance(app.screen, FormScreen) and form.raw_values()["count"] == "11"


async def test_volume_create_attach_detach_delete() -> None:
    app = demo_app()
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot)
        screen = await goto(pilot, "volumes")
        await pilot.press("n")
        await pilot.pause()
        await type_into(pilot, "name", "scratch-2")
        await type_into(pilot, "size", "5")
        await pilot.press("ctrl+s")
        await wait_for(
            pilot, lambda: any(v.name == "scratch-2" for v in screen.table.rows_in_view())
        )
        await select(pilot, "scratch-2")
        await wait_for(pilot, lambda: screen.table.selected.status == "available")
        await pilot.press("A")
        await pilot.pause()
        await pick(pilot, "server_id", "web-01")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: screen.table.selected.status == "in-use")
        assert screen.table.selected.attachments[0].device
        await pilot.press("D")
        await pilot.pause()
        await pick(pilot, "server_id", screen.table.selected.attachments[0].server_id[:8])
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: screen.table.selected.status == "available")
        await pilot.press("e")
        await pilot.pause()
        await type_into(pilot, "size", "4")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "must be more than 5 GiB" in screen_text(pilot)
        await type_into(pilot, "size", "8")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: screen.table.selected.size_gb == 8)
        await pilot.press("ctrl+d")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press(*"scratch-2", "enter")
        await wait_for(
            pilot, lambda: all(v.name != "scratch-2" for v in screen.table.rows_in_view())
        )


async def test_in_use_volume_cannot_be_deleted() -> None:
    app = demo_app()
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        screen = await goto(pilot, "volumes")
        await select(pilot, "db-data")
        assert screen.check_action("act", ("delete",)) is False
        assert screen.check_action("act", ("detach",)) is True


async def test_floating_ip_allocate_associate_release_and_bulk() -> None:
    app = demo_app()
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot)
        screen = await goto(pilot, "fips")
        before = {f.address for f in screen.table.rows_in_view()}
        await pilot.press("n")
        await pilot.pause()
        await pick(pilot, "network_id", "public")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: len(list(screen.table.rows_in_view())) == len(before) + 1)
        new = next(f for f in screen.table.rows_in_view() if f.address not in before)
        screen.table.select_key(new.id)
        await pilot.pause()
        await pilot.press("A")
        await pilot.pause()
        await pick(pilot, "server_id", "cache-03")
        form = app.screen
        target = form.query_one("#input-target", Picker)
        await wait_for(pilot, lambda: bool(target._choices))
        await pick(pilot, "target", "10.")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: bool(screen.table.selected.port_id))
        assert screen.table.selected.fixed_ip.startswith("10.")
        await pilot.press("D")
        await pilot.pause()
        await pilot.click("#confirm-yes")
        await wait_for(pilot, lambda: not screen.table.selected.port_id)
        await pilot.press("ctrl+d")
        await pilot.pause()
        await pilot.click("#confirm-yes")
        await wait_for(pilot, lambda: all(f.id != new.id for f in screen.table.rows_in_view()))
        # bulk: everything of the selected row's project, after typing the count
        project = screen.table.selected.project_id
        doomed = [f for f in screen.table.rows_in_view() if f.project_id == project]
        await pilot.press("X")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        assert doomed[0].address in screen_text(pilot)
        await pilot.press(*str(len(doomed)), "enter")
        await wait_for(
            pilot, lambda: all(f.project_id != project for f in screen.table.rows_in_view())
        )


async def test_console_log_follow_search_and_save(tmp_path: Path) -> None:
    app = demo_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await select(pilot, "web-01")
        await pilot.press("l")
        await wait_for(pilot, lambda: isinstance(app.screen, ConsoleLogScreen))
        log = app.screen
        await wait_for(pilot, lambda: log.loads >= 1)
        assert "login:" in screen_text(pilot) and "following" in screen_text(pilot)
        await pilot.press("f")
        assert not log.follow and "paused" in screen_text(pilot)
        await pilot.press("slash", *"udhcpc", "enter")
        await pilot.pause()
        assert log.view.matches and log.view.current == 0
        first = log.view.current_line
        await pilot.press("n")
        assert log.view.current_line != first or len(log.view.matches) == 1
        await pilot.press("N")
        assert log.view.current_line == first
        assert "search 'udhcpc': 1/" in screen_text(pilot)
        await pilot.press("c")
        await wait_for(pilot, lambda: "last 1000 lines" in screen_text(pilot))
        await pilot.press("w")
        await pilot.pause()
        target = tmp_path / "web-01.log"
        await type_into(pilot, "path", str(target))
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: target.exists())
        assert "login:" in target.read_text()
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ResourceScreen)


async def test_boot_without_a_valid_host_reports_the_fault() -> None:
    app = demo_app()
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await pilot.pause()
        await type_into(pilot, "name", "too-big")
        await pick(pilot, "flavor", "huge.gpu")
        await pick(pilot, "image", "cirros")
        await pick(pilot, "networks", "private-admin")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, ResourceScreen))
        screen = current(app)
        await wait_for(
            pilot,
            lambda: any(
                s.name == "too-big" and s.status == "ERROR" for s in screen.table.rows_in_view()
            ),
        )
        await wait_for(
            pilot, lambda: any("No valid host was found" in n.message for n in app._notifications)
        )


async def test_boot_needs_a_network_or_port() -> None:
    app = demo_app()
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await pilot.pause()
        await type_into(pilot, "name", "no-nic")
        await pick(pilot, "flavor", "tiny")
        await pick(pilot, "image", "cirros")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "choose a network or a port" in screen_text(pilot)
        assert app.backend.writes == []
