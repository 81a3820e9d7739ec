"""Quota defaults, the projects that differ from them, ports by project with their fixed IPs
exported, and servers in a cell that is down: on the in-memory cloud, by the keys."""

from __future__ import annotations

import csv
import stat
from datetime import date
from pathlib import Path

from tests.app.test_aggregates_quotas import form_text, submit
from tests.app.test_compute_network_volume_screens import current, goto, type_into
from tests.app_helpers import demo_app, screen_text, select, settle, wait_for
from tui.backend.audit import AuditLog
from tui.backend.memory import MemoryBackend
from tui.screens.describe import DescribeScreen
from tui.screens.form import FormScreen


def said(app: object) -> str:
    return "\n".join(n.message for n in app._notifications)  # type: ignore[attr-defined]


def form_help(app: object, field: str) -> str:
    return str(app.screen.query_one(f"#help-{field}").render())  # type: ignore[attr-defined]


def memory(app: object) -> MemoryBackend:
    backend = app.backend  # type: ignore[attr-defined]
    assert isinstance(backend, MemoryBackend)
    return backend


def project_id(app: object, name: str) -> str:
    return next(i for i, n in memory(app).project_names().items() if n == name)


# -- quota defaults -------------------------------------------------------------------------


async def test_edit_the_defaults_of_nova_then_cinder(tmp_path: Path) -> None:
    audit = AuditLog(tmp_path / "audit.jsonl")
    app = demo_app(audit=audit)
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot)
        await goto(pilot, "quotas")
        await pilot.press("D")
        await settle(pilot)
        defaults = current(app)
        assert "neutron.conf [quotas]" in screen_text(pilot)
        await select(pilot, "Nova metadata_items")
        await pilot.press("e")
        await wait_for(pilot, lambda: isinstance(app.screen, FormScreen))
        assert "no API changes them" not in screen_text(pilot)
        assert "Neutron has no quota-class API" in screen_text(pilot)
        await submit(pilot)
        assert "no default changed" in screen_text(pilot)
        await type_into(pilot, "nova_3", "-5")
        await submit(pilot)
        assert "must be at least -1" in screen_text(pilot)
        await type_into(pilot, "nova_3", "135")
        await submit(pilot)
        await wait_for(pilot, lambda: app.screen is defaults)
        await settle(pilot)
        rows = {r.id: r.limit for r in defaults.table.rows_in_view()}
        assert rows["compute/metadata_items"] == 135
        # a project without a limit of its own follows, and is not marked as set apart
        own = await memory(app).quotas(memory(app).info.project_id)
        mine = next(r for r in own if r.id == "compute/metadata_items")
        assert (mine.limit, mine.default, mine.differs) == (135, 135, False)
        # on a Neutron row the form says why only Nova and Cinder are offered
        await select(pilot, "Neutron port")
        await pilot.press("e")
        await wait_for(pilot, lambda: isinstance(app.screen, FormScreen))
        form = app.screen
        assert form.raw_values()["service"] == "compute"
        assert "[quotas] options of neutron.conf" in screen_text(pilot)
        form.query_one("#input-service").select("block-storage")  # type: ignore[attr-defined]
        await pilot.pause()
        await type_into(pilot, "cinder_0", "12")
        await submit(pilot)
        await wait_for(pilot, lambda: app.screen is defaults)
        await settle(pilot)
        assert {r.id: r.limit for r in defaults.table.rows_in_view()}["block-storage/volumes"] == 12
    assert [(r.action, r.target, r.result) for r in audit.records()] == [
        (
            "update-quota-defaults",
            "compute default quotas (quota class default): metadata_items=135",
            "ok",
        ),
        (
            "update-quota-defaults",
            "block-storage default quotas (quota class default): volumes=12",
            "ok",
        ),
    ]


async def test_a_member_is_refused_in_novas_words_and_keeps_what_was_typed() -> None:
    app = demo_app(is_admin=False)
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot)
        await goto(pilot, "quota-defaults")
        await select(pilot, "Nova cores")
        await pilot.press("e")
        await wait_for(pilot, lambda: isinstance(app.screen, FormScreen))
        await type_into(pilot, "nova_0", "64")
        await submit(pilot)
        await wait_for(pilot, lambda: "HTTP 403" in form_text(app))
        assert "os-quota-class-sets:update" in form_text(app)
        assert app.screen.query_one("#input-nova_0").value == "64"  # type: ignore[attr-defined]
    assert memory(app).writes == []


# -- projects whose limits are not the defaults ----------------------------------------------


async def test_the_overrides_list_and_enter_to_the_projects_quotas() -> None:
    app = demo_app()
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        demo = project_id(app, "demo")
        await memory(app).update_quotas("network", demo, {"port": 900})
        await memory(app).update_quotas("compute", demo, {"cores": 128})
        overrides = await goto(pilot, "quota-list")
        assert overrides.resource.name == "quota-overrides"
        rows = {
            (r.project, r.service, r.resource): (r.limit, r.default)
            for r in overrides.table.rows_in_view()
        }
        assert rows == {
            ("demo", "network", "port"): (900, 500),
            ("demo", "compute", "cores"): (128, 20),
        }
        text = screen_text(pilot)
        assert "1 project not default" in text
        assert (
            "Neutron: its list of projects set" in text
            and "Nova and Cinder: 3 projects read" in text
        )
        await select(pilot, "demo Nova cores")
        await pilot.press("enter")
        await settle(pilot)
        quotas = current(app)
        assert quotas.resource.name == "quotas" and "project demo" in screen_text(pilot)
        assert {r.project_id for r in quotas.table.rows_in_view()} == {demo}


async def test_a_member_is_told_the_overrides_need_admin() -> None:
    app = demo_app(is_admin=False)
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        await goto(pilot, "quota-overrides")
        assert "need admin rights here (HTTP 403)" in screen_text(pilot)


# -- ports by project ------------------------------------------------------------------------


async def test_ports_show_their_project_by_name_learned_in_one_call() -> None:
    app = demo_app()
    async with app.run_test(size=(180, 40)) as pilot:
        await settle(pilot)
        backend = memory(app)
        calls: list[int] = []
        listing = backend.projects

        def counted(**kwargs: object):  # type: ignore[no-untyped-def]
            calls.append(1)
            return listing(**kwargs)  # type: ignore[arg-type]

        backend.projects = counted  # type: ignore[method-assign]
        app.context.names.projects.clear()  # names not known yet: one listing learns them all
        ports = await goto(pilot, "ports")
        assert calls == [1] and ports.table.total_count > 10
        text = screen_text(pilot)
        assert "Project" in text and "demo" in text and "ops" in text
        await pilot.press("r")
        await settle(pilot)
        assert calls == [1], "known names are not asked again"
        await pilot.press("slash", *"demo")
        await pilot.press("enter")
        await pilot.pause()
        demo = project_id(app, "demo")
        shown = list(ports.table.rows_in_view())
        assert shown and all(p.project_id == demo for p in shown)


async def test_p_on_a_project_lists_its_ports_and_x_writes_their_fixed_ips(tmp_path: Path) -> None:
    app = demo_app(start="projects")
    async with app.run_test(size=(180, 40)) as pilot:
        await settle(pilot)
        await select(pilot, "demo")
        await pilot.press("P")
        await settle(pilot)
        ports = current(app)
        demo = project_id(app, "demo")
        assert ports.resource.name == "ports" and "project demo" in screen_text(pilot)
        shown = list(ports.table.rows_in_view())
        assert shown and {p.project_id for p in shown} == {demo}
        await pilot.press("X")
        await wait_for(pilot, lambda: isinstance(app.screen, FormScreen))
        form = app.screen
        expected = f"./fixed-ips-demo-{date.today().isoformat()}.csv"
        assert form.raw_values()["path"] == expected  # type: ignore[attr-defined]
        await type_into(pilot, "path", str(tmp_path))
        await submit(pilot)
        assert "is a directory: give a file name" in form_help(app, "path")
        assert form.raw_values()["path"] == str(tmp_path)  # type: ignore[attr-defined]
        target = tmp_path / "demo.csv"
        await type_into(pilot, "path", str(target))
        await submit(pilot)
        await wait_for(pilot, lambda: app.screen is ports)
        await wait_for(pilot, lambda: "written to" in said(app))
        assert stat.S_IMODE(target.stat().st_mode) == 0o600
        lines = list(csv.DictReader(target.open()))
        ips = {ip.ip_address for p in shown for ip in p.fixed_ips}
        assert {line["fixed_ip"] for line in lines} == ips
        assert {line["project"] for line in lines} == {"demo"}
        web = next(line for line in lines if line["device_owner"].startswith("compute:"))
        assert web["server"] and web["network"] and web["subnet"] and web["mac_address"]
        assert f"{len(lines)} fixed IPs of {len(shown)} ports written to {target}" in said(app)
        # again: the file exists; replaced only once asked
        await pilot.press("X")
        await wait_for(pilot, lambda: isinstance(app.screen, FormScreen))
        await type_into(pilot, "path", str(target))
        await submit(pilot)
        assert "exists: tick overwrite" in form_help(app, "path")
        app.screen.query_one("#input-overwrite").value = True  # type: ignore[attr-defined]
        await submit(pilot)
        await wait_for(pilot, lambda: app.screen is ports)


# -- servers in a cell that is down ------------------------------------------------------------


async def test_a_server_in_a_down_cell_says_so_and_offers_nothing() -> None:
    app = demo_app(servers=6)
    backend = memory(app)
    down = backend.last_servers(1)[0]
    backend.mark_cell_down([down])
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        servers = current(app)
        text = screen_text(pilot)
        assert f"(cell down) {down[:8]}" in text and "UNKNOWN" in text
        row = next(r for r in servers.table.rows_in_view() if r.id == down)
        assert (row.host, row.flavor, row.address_text) == ("?", "?", "?")
        assert servers.table.select_key(down)
        await pilot.pause()
        for key in ("o", "ctrl+d", "l"):
            await pilot.press(key)
            await pilot.pause()
            assert app.screen is servers, key
        assert not any(servers.offered(a, row) for a in servers.resource.actions if a.on_row)
        assert memory(app).writes == []
        await pilot.press("d")
        await wait_for(pilot, lambda: isinstance(app.screen, DescribeScreen))
        await pilot.pause(0.2)
        assert "This server's cell is down: Nova returns only id, status, project" in screen_text(
            pilot
        )
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is servers)
        backend.mark_cell_up()
        await pilot.press("r")
        await settle(pilot)
        back = next(r for r in servers.table.rows_in_view() if r.id == down)
        assert not back.cell_down and back.status != "UNKNOWN"
    assert backend.writes == []
