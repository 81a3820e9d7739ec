"""`stackdeck` starts with the cyclic GC off (tui/cli.py); the app turns it back on."""

from __future__ import annotations

import gc

from tests.app_helpers import demo_app, settle


async def test_the_app_turns_the_collector_back_on_after_start() -> None:
    frozen = gc.get_freeze_count()
    gc.disable()  # as `stackdeck` does before it imports the app
    try:
        app = demo_app(start="servers")
        async with app.run_test(size=(100, 30)) as pilot:
            await settle(pilot)
            await pilot.pause(1.2)
            assert gc.isenabled() and gc.get_freeze_count() > frozen
    finally:
        gc.enable()
        gc.unfreeze()  # the test process is not stackdeck: let it collect all again


async def test_the_app_leaves_the_collector_alone_when_it_was_on() -> None:
    gc.enable()
    app = demo_app(start="servers")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.pause(1.2)
        assert gc.isenabled() and gc.get_freeze_count() == 0
