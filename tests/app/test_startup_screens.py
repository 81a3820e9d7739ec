"""Start-up as the user sees it when something is wrong: a hostile command line, a cloud that
cannot be reached or is not configured, a terminal too small, a storm of resizes. Each is a
clear message on screen and a way on (r retries, q quits, resizing resumes), never a crash."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from textual.pilot import Pilot

from tests.app_helpers import demo_app, screen_text, settle, wait_for
from tui.app import StackdeckApp
from tui.backend.errors import ConnectionLost
from tui.backend.memory import MemoryBackend
from tui.config import Settings
from tui.screens.home import ConnectingScreen
from tui.screens.resource import ResourceScreen
from tui.widgets.small_terminal import SmallTerminalNotice

HOSTILE = "[/x]\x1b]52;c;aGk=\x07\x1b[2J\u202e"
SHOWN = "[/x]␛]52;c;aGk=␇␛[2J\\u202e"
CLOSED_PORT_CLOUD = (
    "clouds:\n  lab:\n    auth:\n      auth_url: http://127.0.0.1:1/v3\n"
    "      username: alice\n      password: not-a-secret\n      project_name: ops\n"
    "      user_domain_name: Default\n      project_domain_name: Default\n"
)


def home_app(backend: MemoryBackend | object, **settings: object) -> StackdeckApp:
    return StackdeckApp(backend, Settings(refresh_seconds=0, start_resource="", **settings))  # type: ignore[arg-type]


def slow_to_connect(backend: MemoryBackend) -> asyncio.Event:
    """Make ``backend.connect`` wait until the returned event is set."""
    answer = asyncio.Event()
    connect = backend.connect

    async def slow() -> object:
        await answer.wait()
        return await connect()

    backend.connect = slow  # type: ignore[method-assign,assignment]
    return answer


# -- the command line ---------------------------------------------------------------------


async def test_an_unknown_resource_argument_is_said_and_the_first_screen_opens() -> None:
    app = demo_app(start=HOSTILE)
    async with app.run_test(size=(120, 30), notifications=True) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, ResourceScreen))
        await settle(pilot)
        assert app.screen.resource.name == "overview"  # type: ignore[attr-defined]
        await wait_for(pilot, lambda: "Unknown resource" in screen_text(pilot))
        text = screen_text(pilot)
        assert f"Unknown resource “{SHOWN}”" in text
        assert "\x1b" not in text and "\u202e" not in text


async def test_a_hostile_cloud_name_is_shown_visibly_while_connecting() -> None:
    backend = MemoryBackend(cloud=HOSTILE, is_admin=False)
    answer = slow_to_connect(backend)
    app = home_app(backend)
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_for(pilot, lambda: f"Connecting to {SHOWN}…" in screen_text(pilot))
        text = screen_text(pilot)
        assert f"cloud {SHOWN}" in text.splitlines()[0]  # the header
        assert "\x1b" not in text and "\u202e" not in text
        answer.set()
        await wait_for(pilot, lambda: isinstance(app.screen, ResourceScreen))
        await settle(pilot)
        assert f"cloud {SHOWN}" in screen_text(pilot).splitlines()[0]


# -- a cloud that cannot be used ----------------------------------------------------------


async def test_a_failed_first_connection_says_why_and_r_tries_again() -> None:
    backend = MemoryBackend(is_admin=False)
    attempts: list[int] = []
    connect = backend.connect

    async def flaky() -> object:
        attempts.append(1)
        if len(attempts) == 1:
            raise ConnectionLost(
                "Cannot reach the cloud: connection refused",
                operation="authenticate",
                request_id="req-7",
            )
        return await connect()

    backend.connect = flaky  # type: ignore[method-assign,assignment]
    app = home_app(backend)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: "Cannot connect" in screen_text(pilot))
        text = screen_text(pilot)
        assert "Cannot reach the cloud: connection refused" in text
        assert "request id: req-7" in text
        assert "not connected" in text.splitlines()[0]
        assert "r try again" in text and "q quit" in text
        assert isinstance(app.screen, ConnectingScreen)
        await pilot.press("r")
        await wait_for(pilot, lambda: isinstance(app.screen, ResourceScreen))
        await settle(pilot)
        assert app.screen.resource.name == "servers"  # type: ignore[attr-defined]
        assert "connected" in screen_text(pilot).splitlines()[0]
        assert len(attempts) == 2
        assert len(app.screen_stack) == 2, "the connecting screen is replaced, not stacked"


async def test_q_quits_from_a_failed_connection() -> None:
    backend = MemoryBackend(is_admin=False)

    async def refused() -> object:
        raise ConnectionLost("Cannot reach the cloud", operation="authenticate")

    backend.connect = refused  # type: ignore[method-assign,assignment]
    app = home_app(backend)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: "Cannot connect" in screen_text(pilot))
        await pilot.press("q")
        await pilot.pause()
    assert app.return_code == 1, "ended on an error"


@pytest.fixture
def clouds_yaml(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Only this clouds.yaml: none of openstacksdk's usual places (./, ~/.config, /etc)."""
    from openstack.config import loader

    for name in ("CONFIG_FILES", "SECURE_FILES", "VENDOR_FILES"):
        monkeypatch.setattr(loader, name, [])
    path = tmp_path / "clouds.yaml"
    path.write_text(CLOSED_PORT_CLOUD)
    monkeypatch.setenv("OS_CLIENT_CONFIG_FILE", str(path))
    for var in ("OS_AUTH_URL", "OS_USERNAME", "OS_PASSWORD", "OS_PROJECT_NAME"):
        monkeypatch.delenv(var, raising=False)
    return path


def real_cloud_app(cloud: str | None) -> StackdeckApp:
    from tui.backend.openstack import OpenStackBackend

    return home_app(OpenStackBackend(cloud), cloud=cloud)


async def problem_shown(pilot: Pilot[None], *fragments: str) -> str:
    def shown() -> bool:
        text = screen_text(pilot)
        return all(f in text for f in ("Cannot connect", "q quit", *fragments))

    await wait_for(pilot, shown, rounds=400)
    text = screen_text(pilot)
    assert isinstance(pilot.app.screen, ConnectingScreen)
    assert "Traceback" not in text
    return text


@pytest.mark.usefixtures("clouds_yaml")
async def test_an_unreachable_keystone_says_so_with_a_hint() -> None:
    app = real_cloud_app("lab")
    async with app.run_test(size=(100, 30)) as pilot:
        text = await problem_shown(pilot, "Cannot reach the cloud", "127.0.0.1:1", "auth_url")
        assert "not-a-secret" not in text
        screen = app.screen
        assert isinstance(screen, ConnectingScreen)
        first = screen.error
        await pilot.press("r")  # fails again, the same way, still no crash
        await wait_for(pilot, lambda: screen.error is not None and screen.error is not first)
        await problem_shown(pilot, "Cannot reach the cloud")


async def test_a_broken_clouds_yaml_names_the_line_and_r_reads_it_again(
    clouds_yaml: Path,
) -> None:
    clouds_yaml.write_text("clouds:\n  lab:\n    auth: [\n")
    app = real_cloud_app("lab")
    async with app.run_test(size=(100, 30)) as pilot:
        await problem_shown(pilot, "line 4, column 1", "not valid YAML", "Fix clouds.yaml")
        clouds_yaml.write_text(CLOSED_PORT_CLOUD)  # fixed, in another window
        await pilot.press("r")
        await wait_for(pilot, lambda: "Cannot reach the cloud" in screen_text(pilot), rounds=400)
        assert "not valid YAML" not in screen_text(pilot)


@pytest.mark.usefixtures("clouds_yaml")
async def test_an_unknown_cloud_lists_the_known_ones() -> None:
    app = real_cloud_app("prod")
    async with app.run_test(size=(100, 30)) as pilot:
        await problem_shown(pilot, "Cloud “prod” is not in", "(it defines: lab)")


async def test_missing_auth_settings_are_said(clouds_yaml: Path) -> None:
    clouds_yaml.write_text("clouds:\n  lab:\n    region_name: RegionOne\n")
    app = real_cloud_app("lab")
    async with app.run_test(size=(100, 30)) as pilot:
        await problem_shown(pilot, "Cloud “lab”", "were not given: auth_url", "Fix clouds.yaml")


# -- the terminal's size ------------------------------------------------------------------


def notice_shown(pilot: Pilot[None], size: str) -> bool:
    text = screen_text(pilot)
    return "The terminal is too small" in text and f"needs 80x24, now {size}" in text


async def test_a_small_terminal_shows_a_notice_and_resumes_when_resized() -> None:
    app = demo_app()
    async with app.run_test(size=(60, 20)) as pilot:
        await settle(pilot)
        await wait_for(pilot, lambda: notice_shown(pilot, "60x20"))
        assert "web-01" not in screen_text(pilot)
        await pilot.resize_terminal(80, 23)
        await wait_for(pilot, lambda: notice_shown(pilot, "80x23"))
        await pilot.resize_terminal(80, 24)
        await wait_for(pilot, lambda: not app.screen.query(SmallTerminalNotice))
        text = screen_text(pilot)
        assert "stackdeck" in text.splitlines()[0] and "web-01" in text
        await pilot.press("j")  # the list still has the keys
        screen = app.screen
        assert isinstance(screen, ResourceScreen)
        assert screen.table.selected is not None and screen.table.selected.name == "db-02"


async def test_the_notice_follows_screen_changes_while_small() -> None:
    backend = MemoryBackend(is_admin=False)
    answer = slow_to_connect(backend)
    app = home_app(backend)
    async with app.run_test(size=(70, 20)) as pilot:
        await wait_for(pilot, lambda: notice_shown(pilot, "70x20"))
        answer.set()  # the connecting screen gives way to the servers list
        await wait_for(pilot, lambda: isinstance(app.screen, ResourceScreen))
        await settle(pilot)
        await wait_for(pilot, lambda: notice_shown(pilot, "70x20"))
        await pilot.press("colon")  # a dialog over it is covered too
        await wait_for(pilot, lambda: not isinstance(app.screen, ResourceScreen))
        await wait_for(pilot, lambda: notice_shown(pilot, "70x20"))
        await pilot.press("escape")
        await pilot.resize_terminal(100, 30)
        await wait_for(pilot, lambda: "web-01" in screen_text(pilot))
        await pilot.pause(0.1)
        assert not app.screen.query(SmallTerminalNotice)


@pytest.mark.parametrize("last", [(100, 30), (50, 12)])
async def test_a_resize_storm_ends_in_the_layout_of_the_last_size(last: tuple[int, int]) -> None:
    from textual import events
    from textual.geometry import Size

    app = demo_app()
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        sizes = [(20 + (i * 37) % 140, 5 + (i * 11) % 45) for i in range(60)] + [last]
        for index, (width, height) in enumerate(sizes):
            if index % 3:  # no pause at all between most of them
                size = Size(width, height)
                app._driver._size = size  # type: ignore[union-attr]  # what resize_terminal does
                app.post_message(events.Resize(size, size))
            else:
                await pilot.resize_terminal(width, height)
        await pilot.pause(0.2)
        width, height = last
        text = screen_text(pilot)
        lines = text.splitlines()
        assert len(lines) == height and all(len(line) == width for line in lines)
        if width >= 80 and height >= 24:
            assert not app.screen.query(SmallTerminalNotice)
            assert "stackdeck" in lines[0] and "Filter" in lines[-1]
            assert app.screen.query_one("#table").size.width == width
        else:
            assert notice_shown(pilot, f"{width}x{height}")
