"""Keeping a server from the keyboard on devcloud's real Nova (fake driver): metadata and
tags, a snapshot image in Glance, rescue and unrescue, a rebuild with a new name confirmed
by typing the old one, diagnostics as the admin sees them and as a member is refused them.
Each step is checked against the cloud's resulting state, read back through the API."""

from __future__ import annotations

import asyncio
import contextlib
import time
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Input

from tests.app_forms import paste
from tests.app_helpers import screen_text, select, settle, wait_for
from tui.app import StackdeckApp
from tui.backend.errors import NotFound
from tui.backend.models import BootSpec, Server
from tui.backend.openstack import OpenStackBackend
from tui.config import Settings
from tui.screens.confirm import ConfirmScreen
from tui.screens.describe import DescribeScreen
from tui.screens.form import FormScreen
from tui.screens.resource import ResourceScreen

CIRROS = "cirros-0.6.2-x86_64-disk"
RUN = uuid.uuid4().hex[:6]
WAIT = 1200  # 50 ms rounds: a minute
PASSWORD = f"Sd-keep-{RUN}-Secret"


async def collect(pages: AsyncIterator[list[Any]]) -> list[Any]:
    return [item async for page in pages for item in page]


@pytest.fixture
async def booted(admin: OpenStackBackend, demo: OpenStackBackend) -> AsyncIterator[Server]:
    """One ACTIVE server booted by the demo user, deleted whatever the test's outcome."""
    flavor = next(f for f in await collect(demo.flavors()) if f.name == "m1.tiny")
    image = next(i for i in await collect(demo.images()) if i.name == CIRROS)
    network = next(n for n in await collect(demo.networks()) if n.name == "demo-net")
    spec = BootSpec(
        name=f"sdkeep-{RUN}", flavor_id=flavor.id, image_id=image.id, network_ids=(network.id,)
    )
    made = await demo.create_servers(spec)
    try:
        yield await until(admin, made[0].id, "ACTIVE")
    finally:
        for s in made:
            with contextlib.suppress(NotFound):
                await admin.server_action(s.id, "delete")


async def until(backend: OpenStackBackend, server_id: str, status: str) -> Server:
    deadline = time.monotonic() + 120
    server = await backend.server(server_id)
    while server.status != status or server.task_state:
        assert time.monotonic() < deadline, server
        await asyncio.sleep(1)
        server = await backend.server(server_id)
    return server


def current(app: StackdeckApp) -> ResourceScreen:
    assert isinstance(app.screen, ResourceScreen), app.screen
    return app.screen


async def open_form(pilot: Any, key: str) -> FormScreen:
    """The action's form, once its fields are on screen (its values may come from the
    cloud first)."""
    await pilot.press(key)

    def shown() -> bool:
        screen = pilot.app.screen
        return isinstance(screen, FormScreen) and bool(screen.query("#form-buttons"))

    await wait_for(pilot, shown, rounds=WAIT)
    await pilot.pause()
    return pilot.app.screen


async def type_into(pilot: Any, form: FormScreen, field: str, text: str) -> None:
    await paste(pilot, form.query_one(f"#input-{field}", Input), text)


def notes(app: StackdeckApp) -> list[str]:
    return [n.message for n in app._notifications]


async def test_keep_a_server_from_the_keyboard(
    devcloud: Path, booted: Server, admin: OpenStackBackend
) -> None:
    started = time.monotonic()
    name = booted.name
    settings = Settings(cloud="devcloud-admin", refresh_seconds=0, start_resource="servers")
    app = StackdeckApp(OpenStackBackend("devcloud-admin"), settings)
    made_images: list[str] = []
    try:
        async with app.run_test(size=(160, 40), notifications=True) as pilot:
            await settle(pilot, rounds=400)
            servers = current(app)
            await select(pilot, name)

            # metadata and tags: only the changes go out
            form = await open_form(pilot, "ctrl+t")
            await type_into(pilot, form, "metadata", "purpose=integration, note=a,b")
            await type_into(pilot, form, "tags", "sd, keep, sd")
            await pilot.press("ctrl+s")
            await wait_for(pilot, lambda: any(f"{name}: set" in n for n in notes(app)), WAIT)
            record = (await admin.server(booted.id)).raw
            assert record["metadata"] == {"purpose": "integration", "note": "a,b"}
            assert record["tags"] == ["keep", "sd"]

            # a snapshot image: announced with its id, in Glance with Nova's properties
            form = await open_form(pilot, "C")
            image_name = form.query_one("#input-name", Input).value
            assert image_name.startswith(f"{name}-snapshot-")
            await type_into(pilot, form, "metadata", f"run={RUN}")
            await pilot.press("ctrl+s")
            await wait_for(pilot, lambda: any(f"Image {image_name} (" in n for n in notes(app)))
            said = next(n for n in notes(app) if f"Image {image_name} (" in n)
            image_id = said.split("(")[1].split(")")[0]
            made_images.append(image_id)
            image = await admin.image(image_id)
            assert (image.name, image.raw["image_type"]) == (image_name, "snapshot")
            assert (image.raw["instance_uuid"], image.raw["run"]) == (booted.id, RUN)
            # the admin asked for another project's server: Nova shares the image with it
            assert image.owner == admin.info.project_id and image.visibility == "shared"
            members = await admin.image_members(image_id)
            assert [m.member_id for m in members] == [booted.project_id]
            await wait_for(pilot, lambda: not servers.in_flight, rounds=WAIT)

            # rescue with a password, then unrescue
            form = await open_form(pilot, "x")
            await type_into(pilot, form, "admin_password", PASSWORD)
            await pilot.press("ctrl+s")
            await wait_for(pilot, lambda: servers.table.selected.status == "RESCUE", WAIT)
            await wait_for(pilot, lambda: not servers.in_flight, rounds=WAIT)
            assert (await admin.server(booted.id)).vm_state == "rescued"
            await pilot.press("X")
            await wait_for(pilot, lambda: servers.table.selected.status == "ACTIVE", WAIT)
            await wait_for(pilot, lambda: not servers.in_flight, rounds=WAIT)

            # rebuild with a new name, confirmed by typing the old one
            form = await open_form(pilot, "ctrl+r")
            await type_into(pilot, form, "name", f"{name}-rb")
            await pilot.press("ctrl+s")
            await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen), rounds=WAIT)
            said = " ".join(str(app.screen.body).split())
            assert f"Rebuild {name} (ACTIVE, on {booted.host}) from image {CIRROS}" in said
            assert "root disk is wiped" in said
            await pilot.press(*name, "enter")
            await wait_for(pilot, lambda: servers.table.selected.name == f"{name}-rb", WAIT)
            await wait_for(pilot, lambda: not servers.in_flight, rounds=WAIT)
            rebuilt = await until(admin, booted.id, "ACTIVE")
            assert (rebuilt.name, rebuilt.image) == (f"{name}-rb", booted.image)
            assert rebuilt.raw["metadata"] == {"purpose": "integration", "note": "a,b"}

            # diagnostics: what the fake driver reports
            await pilot.press("f")
            await wait_for(pilot, lambda: isinstance(app.screen, DescribeScreen), rounds=WAIT)
            await wait_for(pilot, lambda: "Uptime" in screen_text(pilot), rounds=WAIT)
            text = screen_text(pilot)
            assert "running" in text and "libvirt · kvm on ubuntu" in text
            assert "01:23:45:67:89:ab rx" in text
        audit_free = [n for n in notes(app) if PASSWORD in n]
        assert audit_free == []
    finally:
        for image_id in made_images:
            with contextlib.suppress(NotFound):
                await admin.delete_image(image_id)
    print(f"\nkept a server from the keyboard in {time.monotonic() - started:.1f}s")


async def test_a_member_is_told_diagnostics_need_admin(devcloud: Path, booted: Server) -> None:
    settings = Settings(cloud="devcloud-demo", refresh_seconds=0, start_resource="servers")
    app = StackdeckApp(OpenStackBackend("devcloud-demo"), settings)
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot, rounds=400)
        await select(pilot, booted.name)
        await pilot.press("f")
        await wait_for(pilot, lambda: "needs admin (403)" in screen_text(pilot), rounds=WAIT)
        assert "os_compute_api:os-server-diagnostics" in screen_text(pilot)
