"""Heat stacks and Swift containers on the in-memory cloud, driven by the keys."""

from __future__ import annotations

from pathlib import Path

from tests.app.test_compute_network_volume_screens import current, goto, select, type_into, wait_for
from tests.app_helpers import demo_app, screen_text, settle
from tui.backend.audit import AuditLog
from tui.screens.confirm import ConfirmScreen
from tui.screens.form import FormScreen
from tui.screens.resource import ResourceScreen

TEMPLATE = """\
heat_template_version: 2018-08-31
description: A web server and its data volume
parameters:
  flavor:
    type: string
  image:
    type: string
    default: cirros
resources:
  web:
    type: OS::Nova::Server
    properties:
      flavor: {get_param: flavor}
      image: {get_param: image}
  data:
    type: OS::Cinder::Volume
    properties:
      size: 1
"""


def stack_named(app: object, name: str) -> object:
    screen = current(app)
    return next((s for s in screen.table.rows_in_view() if s.name == name), None)


def notes(app: object) -> str:
    return "\n".join(n.message for n in app._notifications)  # type: ignore[attr-defined]


async def test_create_a_stack_from_a_template_file(tmp_path: Path) -> None:
    template = tmp_path / "web.yaml"
    template.write_text(TEMPLATE)
    broken = tmp_path / "broken.yaml"
    broken.write_text("heat_template_version: 2018-08-31\nresources: [unclosed\n")
    audit = AuditLog(tmp_path / "audit.jsonl")
    app = demo_app(audit=audit)
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        await goto(pilot, "stacks")
        await pilot.press("n")
        await wait_for(pilot, lambda: isinstance(app.screen, FormScreen))
        await type_into(pilot, "name", "web-new")
        await type_into(pilot, "template", str(broken))
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "not valid YAML at line 3" in screen_text(pilot)
        await type_into(pilot, "template", str(template))
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "the template needs: flavor" in screen_text(pilot), "checked before sending"
        assert app.backend.writes == []
        await type_into(pilot, "parameters", "flavor=m1.small")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, ResourceScreen))
        await wait_for(
            pilot, lambda: getattr(stack_named(app, "web-new"), "status", "") == "CREATE_COMPLETE"
        )
        assert "CREATE_COMPLETE" in screen_text(pilot)
        await select(pilot, "web-new")
        await pilot.press("e")
        await settle(pilot)
        events = current(app).table.rows_in_view()
        assert (events[0].resource_name, events[0].status) == ("web-new", "CREATE_COMPLETE")
        assert (events[-1].status, events[-1].status_reason) == (
            "CREATE_IN_PROGRESS",
            "Stack CREATE started",
        )
        await pilot.press("escape")
        await settle(pilot)
        await select(pilot, "web-new")
        await pilot.press("enter")
        await settle(pilot)
        text = screen_text(pilot)
        assert "OS::Nova::Server" in text and "OS::Cinder::Volume" in text
        (stack,) = [s async for page in app.backend.stacks() for s in page if s.name == "web-new"]
        assert stack.status == "CREATE_COMPLETE"
    (record,) = audit.records()
    assert (record.action, record.target, record.result) == ("create-stack", "stack web-new", "ok")


async def test_delete_a_stack_needs_its_name(tmp_path: Path) -> None:
    app = demo_app()
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        stacks = await goto(pilot, "stacks")
        await select(pilot, "web-tier")
        ident = stacks.table.selected.id
        await pilot.press("ctrl+d")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press(*"web-tie", "enter")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen), "a wrong name does not confirm"
        await pilot.press("r", "enter")
        await wait_for(pilot, lambda: stacks.table.selected.status == "DELETE_COMPLETE")
        await wait_for(pilot, lambda: not stacks.in_flight)
        await pilot.press("r")
        await settle(pilot)
        assert stack_named(app, "web-tier") is None
    assert app.backend.writes == [("delete-stack", f"stack web-tier ({ident})")]


async def test_stack_resources_link_to_what_they_are() -> None:
    app = demo_app()
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        await goto(pilot, "heat")
        await select(pilot, "web-tier")
        await pilot.press("enter")
        await settle(pilot)
        resources = current(app)
        assert resources.resource.name == "stack-resources"
        server_id = next(
            r.physical_id for r in resources.table.rows_in_view() if r.name == "web_server"
        )
        await select(pilot, "web_server")
        await pilot.press("enter")
        await settle(pilot)
        servers = current(app)
        assert servers.resource.name == "servers"
        assert [s.id for s in servers.table.rows_in_view()] == [server_id]
        await pilot.press("escape")
        await settle(pilot)
        await select(pilot, "web_net")
        await pilot.press("enter")
        await settle(pilot)
        assert current(app).resource.name == "networks"
        await pilot.press("escape")
        await settle(pilot)
        await select(pilot, "web_secret")
        await pilot.press("enter")  # no list shows a random string: describe it
        await pilot.pause()
        assert "web-tier-web_secret" in screen_text(pilot)


async def test_containers_create_upload_browse_download_delete(tmp_path: Path) -> None:
    source = tmp_path / "notes.txt"
    source.write_text("ops notes\n" * 50)
    audit = AuditLog(tmp_path / "audit.jsonl")
    app = demo_app(audit=audit)
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        containers = await goto(pilot, "swift")
        await pilot.press("n")
        await wait_for(pilot, lambda: isinstance(app.screen, FormScreen))
        await type_into(pilot, "name", "bad/name")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "no '/' in a container name" in screen_text(pilot)
        await type_into(pilot, "name", "sdtest-ops")
        await pilot.press("ctrl+s")
        await wait_for(
            pilot, lambda: any(c.name == "sdtest-ops" for c in containers.table.rows_in_view())
        )
        await select(pilot, "sdtest-ops")
        await pilot.press("enter")
        await settle(pilot)
        objects = current(app)
        assert "No container-objects" in screen_text(pilot)
        await pilot.press("u")
        await wait_for(pilot, lambda: isinstance(app.screen, FormScreen))
        await type_into(pilot, "path", str(source))
        await type_into(pilot, "name", "docs/")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "that names a folder" in screen_text(pilot)
        await type_into(pilot, "name", "docs/notes.txt")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: [o.short for o in objects.table.rows_in_view()] == ["docs/"])
        await wait_for(pilot, lambda: "sdtest-ops/docs/notes.txt: 500 B stored" in notes(app))
        await select(pilot, "docs/")
        await pilot.press("enter")
        await settle(pilot)
        folder = current(app)
        assert folder.scope.label == "sdtest-ops/docs/"
        assert [(o.short, o.bytes) for o in folder.table.rows_in_view()] == [("notes.txt", 500)]
        await select(pilot, "docs/notes.txt")
        await pilot.press("D")
        await wait_for(pilot, lambda: isinstance(app.screen, FormScreen))
        target = tmp_path / "copy.txt"
        await type_into(pilot, "path", str(target))
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: target.exists())
        assert target.read_text() == source.read_text()
        await wait_for(pilot, lambda: f"{target}: 500 B written" in notes(app))
        await pilot.press("escape")
        await settle(pilot)
        assert current(app) is objects
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("r")
        await settle(pilot)
        await select(pilot, "sdtest-ops")
        await pilot.press("ctrl+d")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press(*"sdtest-ops", "enter")
        await wait_for(pilot, lambda: "not empty (HTTP 409)" in notes(app))
        await wait_for(pilot, lambda: not containers.in_flight)
        await pilot.press("E")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        assert "docs/notes.txt" in screen_text(pilot)
        await pilot.press("1", "enter")
        await wait_for(pilot, lambda: containers.table.selected.count == 0)
        await wait_for(pilot, lambda: not containers.in_flight)
        await pilot.press("ctrl+d")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press(*"sdtest-ops", "enter")
        await wait_for(
            pilot, lambda: all(c.name != "sdtest-ops" for c in containers.table.rows_in_view())
        )
    assert [(r.action, r.result.split(":")[0]) for r in audit.records()] == [
        ("create-container", "ok"),
        ("upload-object", "ok"),
        ("delete-container", "error"),
        ("delete-object", "ok"),
        ("delete-container", "ok"),
    ]


async def test_delete_an_object_asks_first() -> None:
    app = demo_app()
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        await goto(pilot, "buckets")
        await select(pilot, "static-web")
        await pilot.press("enter")
        await settle(pilot)
        objects = current(app)
        await select(pilot, "css/")
        assert objects.check_action("act", ("delete",)) is False, "folders are not objects"
        await select(pilot, "index.html")
        await pilot.press("ctrl+d")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.click("#confirm-yes")
        await wait_for(
            pilot, lambda: "index.html" not in [o.short for o in objects.table.rows_in_view()]
        )
    assert app.backend.writes == [("delete-object", "object static-web/index.html")]


async def test_read_only_walk_offers_browsing_and_downloads_only(tmp_path: Path) -> None:
    app = demo_app(read_only=True)
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        stacks = await goto(pilot, "stacks")
        await select(pilot, "web-tier")
        for name in ("create", "delete"):
            assert stacks.check_action("act", (name,)) is False
        await pilot.press("e")
        await settle(pilot)
        assert "Stack CREATE completed successfully" in screen_text(pilot)
        containers = await goto(pilot, "containers")
        await select(pilot, "backups")
        for name in ("create", "delete", "empty"):
            assert containers.check_action("act", (name,)) is False
        await pilot.press("enter")
        await settle(pilot)
        await select(pilot, "db/")
        await pilot.press("enter")
        await settle(pilot)
        objects = current(app)
        await select(pilot, "db/2026-11-01.sql.gz")
        assert objects.check_action("act", ("upload",)) is False
        assert objects.check_action("act", ("delete",)) is False
        await pilot.press("D")
        await wait_for(pilot, lambda: isinstance(app.screen, FormScreen))
        target = tmp_path / "dump.sql.gz"
        await type_into(pilot, "path", str(target))
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: target.exists())
        assert target.stat().st_size == 48_213
    assert app.backend.writes == []


async def test_a_cloud_without_heat_or_swift_says_so() -> None:
    app = demo_app(services=("compute", "identity", "network", "image"))
    async with app.run_test(size=(120, 24)) as pilot:
        await settle(pilot)
        await goto(pilot, "stacks")
        assert "This cloud's catalog has no Heat service (orchestration)." in screen_text(pilot)
        await goto(pilot, "containers")
        assert "This cloud's catalog has no Swift service (object-store)." in screen_text(pilot)
    assert app.backend.writes == []


async def test_a_stack_found_in_progress_is_followed_and_described() -> None:
    from tui.backend.models import StackSpec
    from tui.screens.describe import DescribeScreen

    app = demo_app()
    template = {
        "heat_template_version": "2018-08-31",
        "description": "batch workers",
        "resources": {"key": {"type": "OS::Heat::RandomString"}},
    }
    await app.backend.create_stack(StackSpec(name="batch", template=template))
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        await goto(pilot, "stacks")
        assert stack_named(app, "batch").status == "CREATE_IN_PROGRESS"
        await wait_for(pilot, lambda: stack_named(app, "batch").status == "CREATE_COMPLETE")
        await select(pilot, "batch")
        await pilot.press("d")
        await wait_for(pilot, lambda: isinstance(app.screen, DescribeScreen))
        await pilot.pause(0.2)
        text = screen_text(pilot)
        assert '"template_description": "batch workers"' in text
        assert '"parameters"' in text and '"outputs"' in text
