"""Start-up against the real Keystone: the connecting screen gives way to the first list,
says why a login is refused, and `r` tries again with clouds.yaml and the keyring read
afresh (fixed in another window meanwhile)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from textual.pilot import Pilot

from tests.app_helpers import screen_text, settle, wait_for
from tui.app import StackdeckApp
from tui.backend import credentials
from tui.backend.openstack import OpenStackBackend
from tui.config import Settings
from tui.screens.home import ConnectingScreen
from tui.screens.resource import ResourceScreen

WRONG = "stackdeck-startup-wrong-password"


def app_for(cloud: str) -> StackdeckApp:
    backend = OpenStackBackend(cloud, password_lookup=credentials.get_password)
    return StackdeckApp(backend, Settings(cloud=cloud, refresh_seconds=0, start_resource=""))


@pytest.fixture
def own_clouds_yaml(devcloud: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of devcloud's clouds.yaml that a test may break and fix."""
    path = tmp_path / "clouds.yaml"
    path.write_text(devcloud.read_text())
    monkeypatch.setenv("OS_CLIENT_CONFIG_FILE", str(path))
    return path


def edit_admin(path: Path, **auth: Any) -> str:
    """Change devcloud-admin's auth settings (None removes one); the old password back."""
    data = yaml.safe_load(path.read_text())
    settings = data["clouds"]["devcloud-admin"]["auth"]
    password = str(settings.get("password", ""))
    for key, value in auth.items():
        if value is None:
            settings.pop(key, None)
        else:
            settings[key] = value
    path.write_text(yaml.safe_dump(data))
    return password


async def landed_on_overview(pilot: Pilot[None]) -> None:
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, ResourceScreen), rounds=600)
    await settle(pilot, rounds=400)
    assert pilot.app.screen.resource.name == "overview"  # type: ignore[attr-defined]
    assert "● connected" in screen_text(pilot).splitlines()[0]
    assert len(pilot.app.screen_stack) == 2


async def problem_shown(pilot: Pilot[None], *fragments: str) -> str:
    def shown() -> bool:
        text = screen_text(pilot)
        return all(f in text for f in ("Cannot connect", "q quit", *fragments))

    await wait_for(pilot, shown, rounds=600)
    assert isinstance(pilot.app.screen, ConnectingScreen)
    return screen_text(pilot)


async def test_the_connecting_screen_gives_way_to_the_overview(devcloud: Path) -> None:
    app = app_for("devcloud-admin")
    async with app.run_test(size=(120, 30)) as pilot:
        await landed_on_overview(pilot)


async def test_a_refused_login_says_so_and_r_logs_in_once_fixed(own_clouds_yaml: Path) -> None:
    password = edit_admin(own_clouds_yaml, password=WRONG)
    app = app_for("devcloud-admin")
    async with app.run_test(size=(120, 30)) as pilot:
        text = await problem_shown(pilot, "HTTP 401", "Authentication failed", "password")
        assert WRONG not in text
        edit_admin(own_clouds_yaml, password=password)
        await pilot.press("r")
        await landed_on_overview(pilot)


async def test_a_password_stored_with_login_while_waiting_is_used_on_retry(
    own_clouds_yaml: Path,
) -> None:
    password = edit_admin(own_clouds_yaml, password=None)
    app = app_for("devcloud-admin")
    async with app.run_test(size=(120, 30)) as pilot:
        await problem_shown(pilot, "No password for admin on devcloud-admin", "stackdeck login")
        credentials.set_password("devcloud-admin", "admin", password)  # the conftest's keyring
        await pilot.press("r")
        await landed_on_overview(pilot)
