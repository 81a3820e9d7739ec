"""Helpers for pilot tests: a demo app, waiting for lists to settle, reading the screen."""

from __future__ import annotations

from collections.abc import Callable

from textual.pilot import Pilot

from tui.app import StackdeckApp
from tui.backend.memory import MemoryBackend
from tui.backend.memory.clock import FIXED
from tui.config import Settings


def demo_app(*, servers: int = 40, start: str = "servers", **backend_args: object) -> StackdeckApp:
    """The demo on the fixed clock unless told otherwise: screens look the same every run."""
    backend_args.setdefault("clock", FIXED)
    backend = MemoryBackend(servers=servers, **backend_args)  # type: ignore[arg-type]
    settings = Settings(demo=True, refresh_seconds=0, start_resource=start)
    return StackdeckApp(backend, settings)


async def settle(pilot: Pilot[None], *, rounds: int = 40) -> None:
    """Wait until the current resource screen has finished loading (or failed), past the
    screen shown while the first connection decides which list comes first."""
    from tui.screens.home import ConnectingScreen
    from tui.screens.resource import ResourceScreen

    for _ in range(rounds):
        await pilot.pause()
        screen = pilot.app.screen
        if isinstance(screen, ConnectingScreen):
            await pilot.pause(0.01)
            continue
        if not isinstance(screen, ResourceScreen):
            break
        if (
            isinstance(screen, ResourceScreen)
            and screen.is_mounted
            and not screen.fetching
            and (screen.loaded or screen.error)
        ):
            break
        await pilot.pause(0.01)
    await pilot.pause()


def screen_text(pilot: Pilot[None]) -> str:
    """Everything currently drawn on the terminal, as plain text lines."""
    app = pilot.app
    width, height = app.size
    lines = app.screen._compositor.render_update(full=True, screen_stack=app._background_screens)
    from io import StringIO

    from rich.console import Console

    console = Console(
        width=width, height=height, file=StringIO(), color_system=None, legacy_windows=False
    )
    console.print(lines)
    return console.file.getvalue()  # type: ignore[attr-defined]


async def wait_for(pilot: Pilot[None], check: Callable[[], object], rounds: int = 200) -> None:
    """Poll until `check()` is true (50 ms steps); fail the test when it never is."""
    for _ in range(rounds):
        if check():
            return
        await pilot.pause(0.05)
    raise AssertionError("condition not reached")


async def select(pilot: Pilot[None], label: str) -> None:
    """Put the cursor on the row whose label (usually its name) is `label`."""
    from tui.screens.resource import ResourceScreen

    screen = pilot.app.screen
    assert isinstance(screen, ResourceScreen), screen
    row = next(r for r in screen.table.rows_in_view() if screen.resource.label(r) == label)
    assert screen.table.select_key(screen.resource.key(row))
    await pilot.pause()
