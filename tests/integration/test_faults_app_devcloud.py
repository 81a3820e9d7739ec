"""A flaky cloud, as the operator meets it: stackdeck on devcloud behind a fault-injecting proxy.

No fault crashes the app; each failed request shows its status and request id; keys answer
while a request hangs; a form keeps what was typed; the screen recovers once the fault clears.
"""

from __future__ import annotations

import contextlib
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from textual.widgets import Static

from tests.app_helpers import screen_text, select, settle, wait_for
from tests.faultproxy import Fail, FaultProxy, Hang, Replace, Truncate, devcloud_proxies
from tui.app import StackdeckApp
from tui.backend.errors import BackendError, NotFound
from tui.backend.openstack import OpenStackBackend
from tui.config import Settings
from tui.screens.confirm import ConfirmScreen
from tui.screens.describe import DescribeScreen
from tui.screens.form import FormScreen
from tui.screens.help import HelpScreen
from tui.screens.resource import ResourceScreen

CLOUD = "faults-app-admin"
TIMEOUT = 3.0
RUN = uuid.uuid4().hex[:6]
SIZE = (160, 45)
SLOW = 400  # 20 s in 50 ms steps

Proxies = dict[str, FaultProxy]


@pytest.fixture(scope="module")
def proxies(devcloud: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Proxies]:
    workdir = tmp_path_factory.mktemp("faults-app")
    with devcloud_proxies(devcloud, workdir, name=CLOUD, timeout=TIMEOUT) as opened:
        yield opened


@pytest.fixture(autouse=True)
def no_rules(proxies: Proxies) -> Iterator[None]:
    for proxy in proxies.values():
        proxy.clear()
    yield
    for proxy in proxies.values():
        proxy.clear()  # and every hang released


def app_on(start: str) -> StackdeckApp:
    settings = Settings(cloud=CLOUD, refresh_seconds=0, start_resource=start)
    return StackdeckApp(OpenStackBackend(CLOUD), settings)


def current(app: StackdeckApp) -> ResourceScreen:
    assert isinstance(app.screen, ResourceScreen), app.screen
    return app.screen


def notes(app: StackdeckApp) -> list[str]:
    return [f"{n.title}\n{n.message}" for n in app._notifications]


def noted(app: StackdeckApp, *parts: str) -> bool:
    return any(all(part in note for part in parts) for note in notes(app))


async def test_a_failing_list_shows_why_and_recovers_on_refresh(
    devcloud: Path, proxies: Proxies
) -> None:
    proxies["compute"].set(Fail(path="/servers/detail", status=500, message="cell down"))
    app = app_on("servers")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, rounds=400)
        servers = current(app)
        assert servers.error is not None and not list(servers.table.rows_in_view())
        assert noted(app, "HTTP 500: Nova: cell down", "request id: req-fault-"), notes(app)
        assert "Could not list servers: Nova: cell down" in screen_text(pilot)

        proxies["compute"].set()
        await pilot.press("r")
        await settle(pilot, rounds=400)
        assert servers.error is None and list(servers.table.rows_in_view())


async def test_keys_answer_while_a_list_hangs_and_it_recovers(
    devcloud: Path, proxies: Proxies
) -> None:
    app = app_on("servers")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, rounds=400)
        servers = current(app)
        assert list(servers.table.rows_in_view())

        proxies["compute"].set(Hang(path="/servers/detail"))
        await pilot.press("r")
        await wait_for(pilot, lambda: servers.fetching)
        started = time.monotonic()
        await pilot.press("question_mark")
        await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen))
        assert time.monotonic() - started < 1.5 and servers.fetching, "help opened mid-hang"
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is servers)

        await wait_for(pilot, lambda: not servers.fetching, SLOW)
        assert noted(app, "list servers failed", "timed out"), notes(app)
        assert list(servers.table.rows_in_view()), "the rows already shown stay"

        proxies["compute"].set()
        await pilot.press("r")
        await settle(pilot, rounds=400)
        assert servers.error is None and list(servers.table.rows_in_view())


async def test_describe_with_an_unreadable_reply_says_what_came(
    devcloud: Path, proxies: Proxies
) -> None:
    app = app_on("servers")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, rounds=400)
        row = current(app).table.selected
        assert row is not None
        proxies["compute"].set(Replace(path=f"/servers/{row.id}$", body=b"<html>oops</html>"))
        await pilot.press("d")
        await wait_for(pilot, lambda: isinstance(app.screen, DescribeScreen))
        await wait_for(pilot, lambda: noted(app, "show server failed"), SLOW)
        assert noted(
            app,
            "HTTP 200: Nova answered 200 without a 'server' object (got: non-JSON text "
            "'<html>oops</html>')",
            "request id: req-",
        ), notes(app)
        assert row.id in screen_text(pilot), "the record already known stays shown"


async def test_a_failed_action_names_status_and_request_id(
    devcloud: Path, proxies: Proxies
) -> None:
    app = app_on("servers")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, rounds=400)
        servers = current(app)
        row = next(s for s in servers.table.rows_in_view() if not s.locked)
        await select(pilot, row.name)
        path = f"/servers/{row.id}/action"
        proxies["compute"].set(Fail(method="POST", path=path, status=503, message="try later"))
        await pilot.press("L")
        if isinstance(app.screen, ConfirmScreen):
            await pilot.click("#confirm-yes")
        await wait_for(pilot, lambda: noted(app, "lock failed"), SLOW)
        assert noted(app, "HTTP 503: Nova: try later", "request id: req-fault-"), notes(app)
        await wait_for(pilot, lambda: not servers.in_flight)
        assert isinstance(app.screen, ResourceScreen)


async def test_the_overview_error_lines_carry_the_request_id(
    devcloud: Path, proxies: Proxies
) -> None:
    proxies["compute"].set(Fail(path="/servers/detail", status=500, message="cell down"))
    app = app_on("overview")
    async with app.run_test(size=(200, 45)) as pilot:
        overview = current(app)
        await wait_for(pilot, lambda: overview.loaded, SLOW)
        await wait_for(
            pilot,
            lambda: any(r.state == "error" for r in overview.table.rows_in_view()),
            SLOW,
        )
        failed = {r.id: r.detail for r in overview.table.rows_in_view() if r.state == "error"}
        assert failed["servers-error"].startswith(
            "HTTP 500: Nova: cell down (request id req-fault-"
        )
        assert "(request id req-fault-" in screen_text(pilot)


# -- create forms: a failed submit keeps everything typed ------------------------------------


async def open_form(pilot, key: str = "n") -> FormScreen:  # type: ignore[no-untyped-def]
    await pilot.press(key)
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, FormScreen))
    screen = pilot.app.screen
    assert isinstance(screen, FormScreen)
    return screen


async def fill(pilot, form: FormScreen, values: dict[str, str]) -> None:  # type: ignore[no-untyped-def]
    for field, text in values.items():
        box = form.query_one(f"#input-{field}")
        box.focus()
        box.value = ""  # type: ignore[attr-defined]
        await pilot.press(*text)


async def submit_fails(pilot, form: FormScreen) -> str:  # type: ignore[no-untyped-def]
    """Submit; the form stays, with the error: the error box's text."""
    await pilot.press("ctrl+s")
    await wait_for(pilot, lambda: form.last_error is not None and not form.submitting, SLOW)
    assert pilot.app.screen is form
    return str(form.query_one("#form-error", Static).content)


async def test_boot_form_keeps_what_was_typed_and_an_unreadable_reply_shows_the_server(
    devcloud: Path, proxies: Proxies, admin: OpenStackBackend
) -> None:
    from tests.app.test_compute_network_volume_screens import pick

    app = app_on("servers")
    name = f"faults-{RUN}-ui-boot"
    nova = proxies["compute"]
    try:
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot, rounds=400)
            servers = current(app)
            nova.set(Fail(method="POST", path="/servers$", status=500, message="no"))
            form = await open_form(pilot)
            await fill(pilot, form, {"name": name})
            await pick(pilot, "flavor", "m1.tiny")
            await pick(pilot, "image", "cirros")
            await pick(pilot, "networks", "public")
            typed = form.raw_values()
            shown = await submit_fails(pilot, form)
            assert "boot failed (HTTP 500)" in shown and "request id: req-fault-" in shown
            assert form.raw_values() == typed and typed["name"] == name and typed["flavor"]

            # sent again as typed: Nova boots it, but its answer is not JSON
            nova.set(Replace(method="POST", path="/servers$", body=b"<html>ok</html>"))
            form.last_error = None
            shown = await submit_fails(pilot, form)
            assert "Nova answered 200 without a 'server' object" in shown
            assert "the server may have been created: refresh to check" in shown
            assert len(nova.requests("POST", "/servers$")) == 2
            await wait_for(
                pilot, lambda: any(s.name == name for s in servers.table.rows_in_view()), SLOW
            )
    finally:
        for server in [s async for page in admin.servers() for s in page if s.name == name]:
            with contextlib.suppress(NotFound):
                await admin.server_action(server.id, "delete")


async def test_aggregate_form_keeps_what_was_typed_when_nova_is_unavailable(
    devcloud: Path, proxies: Proxies
) -> None:
    app = app_on("aggregates")
    name = f"faults-{RUN}-ui-agg"
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, rounds=400)
        proxies["compute"].set(Fail(method="POST", path="/os-aggregates$", status=503))
        form = await open_form(pilot)
        await fill(pilot, form, {"name": name, "availability_zone": "zone-x"})
        shown = await submit_fails(pilot, form)
        assert "create-aggregate failed (HTTP 503)" in shown
        assert "request id: req-fault-" in shown
        assert form.raw_values() == {"name": name, "availability_zone": "zone-x"}


async def test_volume_create_cut_short_says_it_may_exist_and_the_list_shows_it(
    devcloud: Path, proxies: Proxies, admin: OpenStackBackend
) -> None:
    app = app_on("volumes")
    name = f"faults-{RUN}-ui-vol"
    try:
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot, rounds=400)
            volumes = current(app)
            proxies["block_storage"].set(Truncate(method="POST", path="/volumes$"))
            form = await open_form(pilot)
            await fill(pilot, form, {"name": name})
            shown = await submit_fails(pilot, form)
            assert "the volume may have been created: refresh to check" in shown
            assert form.raw_values()["name"] == name
            await wait_for(
                pilot, lambda: any(v.name == name for v in volumes.table.rows_in_view()), SLOW
            )
    finally:
        await remove_volume(admin, name)


async def test_project_create_with_another_reply_says_it_may_exist_and_the_list_shows_it(
    devcloud: Path, proxies: Proxies, admin: OpenStackBackend
) -> None:
    app = app_on("projects")
    name = f"faults-{RUN}-ui-project"
    try:
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot, rounds=400)
            projects = current(app)
            reply = Replace(method="POST", path="/projects$", body=b"Created", status=201)
            proxies["identity"].set(reply)
            form = await open_form(pilot)
            await fill(pilot, form, {"name": name, "description": "made through a fault"})
            shown = await submit_fails(pilot, form)
            assert "Keystone answered 201 without a 'project' object" in shown
            assert "the project may have been created: refresh to check" in shown
            assert form.raw_values()["description"] == "made through a fault"
            await wait_for(
                pilot, lambda: any(p.name == name for p in projects.table.rows_in_view()), SLOW
            )
    finally:
        async for page in admin.projects():
            for project in page:
                if project.name == name:
                    await admin.delete_project(project)


async def remove_volume(admin: OpenStackBackend, name: str) -> None:
    """Clean-up: the volume, once Cinder lets it go (it may still be creating)."""
    import asyncio

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        found = [v async for page in admin.volumes() for v in page if v.name == name]
        if not found:
            return
        for volume in found:
            with contextlib.suppress(NotFound, BackendError):
                await admin.delete_volume(volume.id)
        await asyncio.sleep(1)
