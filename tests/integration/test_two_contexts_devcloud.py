"""Two clouds in one app — the in-memory one and devcloud — each in its own context: each
screen lists its own cloud's rows, and names, read-only, runbooks, audit and thresholds
learned or set in one never show in the other."""

from __future__ import annotations

import uuid
from pathlib import Path

from tests.app.test_compute_network_volume_screens import goto, type_into
from tests.app.test_identity_screens import open_form
from tests.app_helpers import screen_text, settle, wait_for
from tui.app import StackdeckApp
from tui.backend.audit import AuditLog
from tui.backend.memory import MemoryBackend
from tui.backend.openstack import OpenStackBackend
from tui.config import Settings
from tui.runbook.bulk import NAME, bulk_params
from tui.screens.resource import ResourceScreen
from tui.screens.resources.overview import CheckResult


def ids(screen: ResourceScreen) -> set[str]:
    return {screen.resource.key(row) for row in screen.table.rows_in_view()}


async def listed(screen: ResourceScreen) -> set[str]:
    """What the screen's cloud lists, asked directly (the screen's declaration and scope)."""
    resource, context = screen.resource, screen.context
    return {
        resource.key(r) async for page in resource.list(context.backend, screen.scope) for r in page
    }


def stuck_line(screen: ResourceScreen) -> str:
    rows: list[CheckResult] = list(screen.table.rows_in_view())
    return next(r.name for r in rows if r.id == "servers-stuck")


async def test_a_memory_and_a_devcloud_context_keep_apart(devcloud: Path, tmp_path: Path) -> None:
    memory_audit = AuditLog(tmp_path / "memory-audit.jsonl")
    cloud_audit = AuditLog(tmp_path / "devcloud-audit.jsonl")
    app = StackdeckApp(
        MemoryBackend(servers=6, audit=memory_audit),
        Settings(demo=True, refresh_seconds=0, start_resource="projects", stuck_minutes=20),
        audit=memory_audit,
    )
    name = f"sdtest-ctx-{uuid.uuid4().hex[:6]}"
    real_backend = OpenStackBackend("devcloud-admin", audit=cloud_audit)
    created: list[str] = []
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        memory = app.context
        memory_projects = app.screen
        assert isinstance(memory_projects, ResourceScreen) and memory_projects.context is memory

        # a second cloud opened in the same app; the first stays current
        real = app.open_context(
            real_backend,
            Settings(refresh_seconds=0, stuck_minutes=45),
            audit=cloud_audit,
        )
        assert app.contexts == [memory, real] and app.context is memory

        # a screen pushed for devcloud talks to devcloud although memory is current
        app.open_resource("projects", push=True, context=real)
        await settle(pilot, rounds=200)
        cloud_projects = app.screen
        assert isinstance(cloud_projects, ResourceScreen) and cloud_projects.context is real
        assert "devcloud-admin" in screen_text(pilot).splitlines()[0]
        assert ids(memory_projects) == await listed(memory_projects)
        assert real.info.project_id in ids(cloud_projects)
        assert memory.info.project_id in ids(memory_projects)
        assert not ids(cloud_projects) & ids(memory_projects)

        # names learned per cloud: the project ids each knows are its own
        assert set(memory.names.projects) == ids(memory_projects)
        assert real.info.project_id in real.names.projects
        assert not set(real.names.projects) & set(memory.names.projects)

        # a project created on devcloud, by keys: its name is known there only
        await open_form(pilot, "n")
        assert getattr(app.screen, "context", None) is real  # the form is its opener's cloud
        await type_into(pilot, "name", name)
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: name in real.names.projects.values())
        project_id = next(i for i, n in real.names.projects.items() if n == name)
        created.append(project_id)
        assert memory.names.project(project_id) == project_id  # memory never heard of it
        assert name not in memory.names.projects.values()
        await settle(pilot, rounds=200)

        # `:` opens a list on the cloud of the screen on top
        cloud_servers = await goto(pilot, "servers")
        assert cloud_servers.context is real
        app.open_resource("servers", push=True, context=memory)
        await settle(pilot)
        servers = app.screen
        assert isinstance(servers, ResourceScreen) and servers.context is memory
        assert ids(servers) == await listed(servers)
        assert not ids(servers) & ids(cloud_servers)

        # runbooks and audit logs: each cloud's own
        web = next(s for s in servers.table.rows_in_view() if s.status == "ACTIVE")
        stop = servers.resource.action("stop")
        assert stop is not None
        runbook = await memory.runbooks.plan(
            NAME, bulk_params(servers.resource, stop, [web]), [web]
        )
        runbook.start()
        await runbook.wait()
        assert runbook in memory.runbooks.session and not real.runbooks.session
        memory_records = memory_audit.records()
        cloud_records = cloud_audit.records()
        assert len(memory_records) == 1 and memory_records[0].runbook == runbook.id
        assert memory_records[0].cloud == "demo" and web.id in memory_records[0].target
        assert [r.action for r in cloud_records] == ["create-project"]
        assert cloud_records[0].cloud == "devcloud-admin" and name in cloud_records[0].target

        # read-only in one cloud leaves the other writable, and each header says which
        real.set_read_only(True)
        assert real.read_only and not memory.read_only
        assert cloud_servers.read_only and not servers.read_only
        assert not any(cloud_servers.offered(a, None) for a in cloud_servers.resource.actions)
        assert "READ-ONLY" not in screen_text(pilot).splitlines()[0]
        app.pop_screen()
        await settle(pilot)
        assert app.screen is cloud_servers
        assert "READ-ONLY" in screen_text(pilot).splitlines()[0]

        # thresholds: each overview counts "stuck" by its own cloud's setting
        assert (memory.thresholds.stuck_minutes, real.thresholds.stuck_minutes) == (20, 45)
        app.open_resource("overview", push=True, context=memory)
        await settle(pilot)
        assert stuck_line(app.screen) == "Servers in a task > 20 min"  # type: ignore[arg-type]
        app.open_resource("overview", push=True, context=real)
        await settle(pilot, rounds=200)
        assert stuck_line(app.screen) == "Servers in a task > 45 min"  # type: ignore[arg-type]
    project = await real_backend.project(created[0]) if created else None
    if project is not None:
        await real_backend.delete_project(project)
    await real_backend.close()
