"""What is typed into a secret field never shows again: not on the screen, in a
notification, the audit log, a log or the terminal's bytes, even when the cloud echoes it
back in its error message in any encoding."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Static

from tests.app_forms import form_actions, rows_by_resource, submit_refused, target_of
from tests.app_helpers import screen_text, settle, wait_for
from tests.leaks import echoed, found_in, leaks, terminal_output, terminal_text
from tui.app import StackdeckApp
from tui.backend.audit import AuditLog
from tui.backend.errors import BackendError
from tui.backend.memory import MemoryBackend
from tui.config import Settings
from tui.context import Context
from tui.resource import bind
from tui.screens.resource import ResourceScreen
from tui.screens.resources.registry import RESOURCES

PASSWORD = 'Pä$$ wörd/+é"x-42'


class EchoingKeystone(MemoryBackend):
    """The demo cloud refusing every write with a 400 that quotes the request sent (JSON,
    as HTTP clients send it: non-ASCII escaped), like an echoing Keystone."""

    echoing = False

    async def _write(self, action: str, target: str, change: Callable[[], Any]) -> Any:
        if not self.echoing:
            return await super()._write(action, target, change)
        body = json.dumps({"user": {"name": target, "password": PASSWORD}})

        def refused() -> Any:
            raise self.refused(400, echoed(body))

        return await super()._write(action, target, refused)


def recorded_notifications(app: StackdeckApp) -> list[str]:
    seen: list[str] = []
    add = app._notifications.add

    def recording(notification: Any) -> Any:
        seen.append(f"{notification.title}\n{notification.message}")
        return add(notification)

    app._notifications.add = recording  # type: ignore[method-assign]
    return seen


async def secret_forms(backend: MemoryBackend) -> list[tuple[str, str, Any]]:
    """Every (resource, action, row) whose form has a secret field."""
    rows = await rows_by_resource(backend)
    found = []
    seen: list[object] = []
    for resource_name, action_name in form_actions():
        declared = RESOURCES[resource_name].action(action_name)
        if any(declared is other for other in seen):
            continue  # the same declaration on another list (a parent's servers): once is enough
        seen.append(declared)
        action = bind(RESOURCES[resource_name], Context(backend)).action(action_name)
        assert action is not None and action.form is not None
        target = target_of(action, rows.get(resource_name, []))
        if target is not None and any(f.kind == "secret" for f in action.form(target).fields):
            found.append((resource_name, action_name, target))
    return found


async def test_every_secret_field_stays_secret_when_the_cloud_echoes_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    audit_file = tmp_path / "audit.jsonl"
    backend = EchoingKeystone(servers=4, audit=AuditLog(audit_file))
    forms = await secret_forms(backend)
    backend.echoing = True
    assert {(r, a) for r, a, _ in forms} >= {("users", "create"), ("users", "set_password")}
    app = StackdeckApp(backend, Settings(demo=True, refresh_seconds=0, start_resource="servers"))
    seen: list[str] = []
    refusals: list[BackendError] = []
    with terminal_output(monkeypatch) as written:
        async with app.run_test(size=(120, 40), notifications=True) as pilot:
            notifications = recorded_notifications(app)
            await settle(pilot)
            for resource_name, action_name, target in forms:
                form = await submit_refused(pilot, resource_name, action_name, target, PASSWORD)
                assert form.last_error.status == 400
                refusals.append(form.last_error)
                seen.append(screen_text(pilot))
                seen.append(str(form.query_one("#form-error", Static).render()))
                assert "Invalid input for field" in seen[-1], "the service's words are shown"
                await pilot.press("escape")
                await wait_for(pilot, lambda: isinstance(app.screen, ResourceScreen))
    assert len(refusals) == len(forms) and backend.writes == []
    outputs = {
        "screen": "\n".join(seen),
        "errors": "\n".join(f"{e}\n{e.args}" for e in refusals),
        "notifications": "\n".join(notifications),
        "audit": audit_file.read_text(),
        "logs": "\n".join(r.getMessage() for r in caplog.records),
        "terminal": terminal_text("".join(written)),
    }
    assert "set-password" in outputs["audit"] and "create-user" in outputs["audit"]
    assert found_in(outputs, PASSWORD) == {}


async def test_a_notification_quoting_a_secret_shows_it_masked(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    backend = MemoryBackend(servers=2)
    app = StackdeckApp(backend, Settings(demo=True, refresh_seconds=0))
    with terminal_output(monkeypatch) as written:
        async with app.run_test(size=(100, 30), notifications=True) as pilot:
            notifications = recorded_notifications(app)
            await settle(pilot)
            backend.secrets.add(PASSWORD)
            body = json.dumps({"auth": {"password": PASSWORD}})
            app.notify_error(BackendError(echoed(body), status=400, operation="set password"))
            app.notify(f"echo {PASSWORD}", title=PASSWORD)
            await wait_for(pilot, lambda: "set password failed" in screen_text(pilot))
            shown = screen_text(pilot)
    assert "set password failed" in shown and "****" in shown
    for text in (shown, "\n".join(notifications), terminal_text("".join(written))):
        assert leaks(text, PASSWORD) == []
