"""Hostile names on the real services that accept them: Glance, Cinder, Keystone, Neutron's
security groups. Made by a tenant straight through the APIs, then shown by stackdeck: the
screen shows them visibly and no raw escape from them reaches the terminal's bytes.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import openstack
import pytest
from textual.widgets import Input

from tests.app_helpers import screen_text, settle
from tests.hostile import TerminalBytes, record_terminal
from tui.app import StackdeckApp
from tui.backend.errors import BackendError
from tui.backend.openstack import OpenStackBackend
from tui.config import Settings
from tui.screens.resource import ResourceScreen

# What devcloud's services accept in a name (Neutron refuses escapes in network names only).
# Keystone allows 64 characters in a project name: tag, kind and this fit.
PAYLOAD = "\x1b[31mHOSTILE\x1b]0;HOSTILE\x07\x1b]52;c;SE9TVElMRQ\x07\x9b[/x]"
SHOWN = "␛[31mHOSTILE␛]0;HOSTILE␇␛]52;c;SE9TVElMRQ␇\\x9b[/x]"


@dataclass
class Hostile:
    tag: str
    image: str
    volume: str
    project: str
    group: str

    def name(self, kind: str) -> str:
        return f"{self.tag}-{kind}{PAYLOAD}"


@pytest.fixture(scope="module")
def hostile(devcloud: Path) -> Iterator[Hostile]:
    conn = openstack.connect(cloud="devcloud-admin")
    tag = f"hx{uuid.uuid4().hex[:6]}"
    made: list[tuple[Any, str]] = []

    def post(adapter: Any, path: str, body: dict[str, Any], key: str | None) -> str:
        response = adapter.post(path, json=body, raise_exc=True)
        record = response.json()
        ident = str((record[key] if key else record)["id"])
        made.append((adapter, f"{path}/{ident}"))
        return ident

    try:
        names = Hostile(tag, "", "", "", "")
        names.image = post(
            conn.image,
            "/images",
            {"name": names.name("image"), "disk_format": "raw", "container_format": "bare"},
            None,
        )
        names.volume = post(
            conn.block_storage,
            "/volumes",
            {"volume": {"name": names.name("volume"), "size": 1}},
            "volume",
        )
        names.project = post(
            conn.identity, "/projects", {"project": {"name": names.name("project")}}, "project"
        )
        names.group = post(
            conn.network,
            "/security-groups",
            {"security_group": {"name": names.name("sg"), "description": PAYLOAD}},
            "security_group",
        )
        yield names
    finally:
        for adapter, path in reversed(made):
            adapter.delete(path, raise_exc=False)
        conn.close()


@pytest.fixture
def terminal(monkeypatch: pytest.MonkeyPatch) -> TerminalBytes:
    return record_terminal(monkeypatch)


def assert_clean(terminal: TerminalBytes, where: str) -> None:
    found = terminal.forbidden_found()
    assert not found, f"{where}: raw sequences from the cloud reached the terminal: {found}"


async def test_names_from_the_cloud_come_through_the_gate(
    hostile: Hostile, admin: OpenStackBackend
) -> None:
    image = await admin.image(hostile.image)
    volume = await admin.volume(hostile.volume)
    for record in (image, volume):
        assert "\x1b" not in record.name and "\x9b" not in record.name
        assert record.name.endswith(SHOWN)
        assert "\x1b" not in repr(record.raw)


async def test_an_error_message_echoing_a_hostile_name_is_gated(
    hostile: Hostile, admin: OpenStackBackend
) -> None:
    from tui.backend.models import ProjectSpec

    # Keystone's 409 for a duplicate project name repeats the name in its message
    with pytest.raises(BackendError) as refused:
        await admin.create_project(ProjectSpec(name=hostile.name("project")))
    assert refused.value.status == 409
    message = refused.value.message
    assert "\x1b" not in message and "\x9b" not in message
    assert "HOSTILE" in message and refused.value.request_id


def app_for_devcloud() -> StackdeckApp:
    settings = Settings(cloud="devcloud-admin", refresh_seconds=0, start_resource="servers")
    return StackdeckApp(OpenStackBackend("devcloud-admin"), settings)


async def open_filtered(pilot: Any, app: StackdeckApp, name: str, tag: str) -> ResourceScreen:
    assert app.open_resource(name)
    await settle(pilot, rounds=400)
    screen = app.screen
    assert isinstance(screen, ResourceScreen), screen
    screen.table.filter_text = tag
    await pilot.pause(0.1)
    assert screen.table.selected is not None, f":{name} lists no {tag} row"
    return screen


async def test_lists_describe_drills_and_delete_show_hostile_names_safely(
    hostile: Hostile, terminal: TerminalBytes
) -> None:
    app = app_for_devcloud()
    async with app.run_test(size=(200, 40), notifications=True) as pilot:
        await settle(pilot, rounds=400)
        for resource in ("images", "volumes", "projects", "sg"):
            await open_filtered(pilot, app, resource, hostile.tag)
            shown = screen_text(pilot)
            assert "-" + resource[:2] in shown and "␛[31m" in shown, resource
            await pilot.press("d")
            for _ in range(60):
                await pilot.pause(0.05)
                if "current record" not in screen_text(pilot):
                    break
            assert "␛]0;HOSTILE␇" in screen_text(pilot), f"{resource} describe"
            assert_clean(terminal, f":{resource} describe")
            await pilot.press("escape")
            await pilot.pause(0.1)
            if resource in ("projects", "sg"):  # drill headers name the parent
                await pilot.press("enter")
                await settle(pilot, rounds=400)
                assert f"{hostile.tag}-" in screen_text(pilot), f"{resource} drill header"
                assert_clean(terminal, f":{resource} drill")
                await pilot.press("escape")
                await settle(pilot, rounds=400)

        # the delete dialog of a name that cannot be typed asks for the id (and is left)
        await open_filtered(pilot, app, "volumes", hostile.tag)
        await pilot.press("ctrl+d")
        await pilot.pause(0.5)
        shown = screen_text(pilot)
        assert "cannot be typed back" in shown and hostile.volume in shown
        assert app.screen.query_one("#confirm-input", Input)
        await pilot.press("escape")
        await pilot.pause(0.1)
        assert app.is_running
    assert_clean(terminal, "the whole walk")
    assert "HOSTILE" in terminal.text
