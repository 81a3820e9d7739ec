"""Identity (Keystone) on the in-memory cloud: projects, users and passwords, role
assignments, the catalog and the token screen, driven by keys."""

from __future__ import annotations

from pathlib import Path

from tests.app.test_compute_network_volume_screens import current, goto, pick, type_into
from tests.app_helpers import demo_app, screen_text, select, settle, wait_for
from tui.backend.audit import AuditLog
from tui.screens.confirm import ConfirmScreen
from tui.screens.form import FormScreen
from tui.screens.resource import ResourceScreen

SECRET = "S3cret-Horse-battery"
NEW_SECRET = "An0ther-Staple-42"


def names(screen: ResourceScreen) -> set[str]:
    return {screen.resource.label(row) for row in screen.table.rows_in_view()}


async def open_form(pilot, key: str) -> FormScreen:  # type: ignore[no-untyped-def]
    await pilot.press(key)
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, FormScreen))
    return pilot.app.screen


async def confirm_yes(pilot) -> None:  # type: ignore[no-untyped-def]
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, ConfirmScreen))
    await pilot.click("#confirm-yes")


async def test_create_project_edit_disable_enable_delete(tmp_path: Path) -> None:
    audit = AuditLog(tmp_path / "audit.jsonl")
    app = demo_app(audit=audit)
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        projects = await goto(pilot, "projects")
        await open_form(pilot, "n")
        await type_into(pilot, "name", "sdtest-proj")
        await type_into(pilot, "description", "made by keys")
        await pick(pilot, "parent_id", "ops")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: "sdtest-proj" in screen_text(pilot))
        await settle(pilot)
        created = next(p for p in projects.table.rows_in_view() if p.name == "sdtest-proj")
        assert created.description == "made by keys" and created.enabled
        assert created.domain_id == "default"
        ops = next(p for p in projects.table.rows_in_view() if p.name == "ops")
        assert created.parent_id == ops.id
        await select(pilot, "sdtest-proj")
        await open_form(pilot, "e")
        await type_into(pilot, "description", "edited")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: projects.table.selected.description == "edited")
        await wait_for(pilot, lambda: not projects.in_flight)
        await pilot.press("D")
        await confirm_yes(pilot)
        await wait_for(pilot, lambda: not projects.table.selected.enabled)
        await wait_for(pilot, lambda: not projects.in_flight)
        await pilot.press("E")
        await confirm_yes(pilot)
        await wait_for(pilot, lambda: projects.table.selected.enabled)
        await wait_for(pilot, lambda: not projects.in_flight)
        await pilot.press("ctrl+d")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        text = screen_text(pilot)
        assert "NOT deleted" in text and "servers, volumes" in text
        await pilot.press(*"sdtest-pro", "enter")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen), "a wrong name does not delete"
        await pilot.press("j", "enter")
        await wait_for(pilot, lambda: not names(projects) & {"sdtest-proj"})
    assert [r.action for r in audit.records()] == [
        "create-project",
        "update-project",
        "disable-project",
        "enable-project",
        "delete-project",
    ]


async def test_create_user_passwords_must_match_and_stay_secret(tmp_path: Path) -> None:
    audit_file = tmp_path / "audit.jsonl"
    app = demo_app(audit=AuditLog(audit_file))
    backend = app.backend
    seen: list[str] = []
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        users = await goto(pilot, "users")
        assert "ops-user" in screen_text(pilot) and "ops@example.org" in screen_text(pilot)
        form = await open_form(pilot, "n")
        await type_into(pilot, "name", "sdtest-alice")
        await type_into(pilot, "password", SECRET)
        await type_into(pilot, "password_again", SECRET + "x")
        await type_into(pilot, "email", "alice@example.org")
        await pick(pilot, "default_project_id", "demo")
        await pilot.press("ctrl+s")
        await pilot.pause()
        seen.append(screen_text(pilot))
        assert "the two passwords differ" in seen[-1]
        assert isinstance(app.screen, FormScreen) and not backend.writes
        assert form.raw_values()["name"] == "sdtest-alice", "what was typed is kept"
        await type_into(pilot, "password_again", SECRET)
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: "sdtest-alice" in screen_text(pilot))
        await settle(pilot)
        seen.append(screen_text(pilot))
        alice = next(u for u in users.table.rows_in_view() if u.name == "sdtest-alice")
        assert "demo" in seen[-1].split("sdtest-alice", 1)[1].splitlines()[0], "project by name"
        assert backend.password_matches(alice.id, SECRET)
        await select(pilot, "sdtest-alice")
        await open_form(pilot, "P")
        await type_into(pilot, "password", NEW_SECRET)
        await type_into(pilot, "password_again", NEW_SECRET)
        seen.append(screen_text(pilot))
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: backend.password_matches(alice.id, NEW_SECRET))
        seen.append(screen_text(pilot))
        await pilot.press("D")
        await confirm_yes(pilot)
        await wait_for(pilot, lambda: not users.table.selected.enabled)
        assert not backend.password_matches(alice.id, NEW_SECRET), "disabled: no login"
        await wait_for(pilot, lambda: not users.in_flight)
        await pilot.press("E")
        await confirm_yes(pilot)
        await wait_for(pilot, lambda: users.table.selected.enabled)
        await wait_for(pilot, lambda: not users.in_flight)
        await pilot.press("ctrl+d")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press(*"sdtest-alice", "enter")
        await wait_for(pilot, lambda: not names(users) & {"sdtest-alice"})
        seen.append(screen_text(pilot))
    audit_text = audit_file.read_text()
    assert [a for a, _ in backend.writes] == [
        "create-user",
        "set-password",
        "disable-user",
        "enable-user",
        "delete-user",
    ]
    for secret in (SECRET, NEW_SECRET):
        assert secret not in audit_text
        assert all(secret not in text for text in seen)
    assert secret not in repr(backend.writes)


async def test_assign_role_from_a_user_and_remove_it() -> None:
    app = demo_app()
    backend = app.backend
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        await goto(pilot, "users")
        await select(pilot, "ops-user")
        await pilot.press("enter")
        await settle(pilot)
        assignments = current(app)
        assert assignments.resource.name == "role-assignments"
        assert [a.name for a in assignments.table.rows_in_view()] == [
            "ops-user member on project ops"
        ]
        await open_form(pilot, "n")
        await pick(pilot, "user_id", "ops-user")
        await pick(pilot, "role_id", "reader")
        await pick(pilot, "project_id", "demo")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: len(assignments.table.rows_in_view()) == 2)
        await settle(pilot)
        assert "reader" in screen_text(pilot)
        await select(pilot, "ops-user reader on project demo")
        await pilot.press("p")
        await settle(pilot)
        assert {a.actor_name for a in current(app).table.rows_in_view()} == {
            "ops-user",
            "demo-user",
        }
        await pilot.press("escape")
        await settle(pilot)
        await select(pilot, "ops-user reader on project demo")
        await pilot.press("ctrl+d")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        assert "Remove role reader of user ops-user on project demo" in screen_text(pilot)
        await pilot.click("#confirm-yes")
        await wait_for(pilot, lambda: len(assignments.table.rows_in_view()) == 1)
    assert [a for a, _ in backend.writes] == ["grant-role", "revoke-role"]


async def test_grant_from_a_user_row_and_from_a_project_row() -> None:
    app = demo_app()
    backend = app.backend
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        await goto(pilot, "users")
        await select(pilot, "demo-user")
        form = await open_form(pilot, "A")
        assert [f.name for f in form.form.fields] == ["role_id", "project_id"]
        assert "demo-user" in screen_text(pilot)
        await pick(pilot, "role_id", "reader")
        await pick(pilot, "project_id", "ops")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: len(backend.writes) == 1)
        await goto(pilot, "projects")
        await select(pilot, "ops")
        form = await open_form(pilot, "A")
        assert [f.name for f in form.form.fields] == ["user_id", "role_id"]
        await pick(pilot, "user_id", "admin")
        await pick(pilot, "role_id", "manager")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: len(backend.writes) == 2)
        await wait_for(pilot, lambda: not isinstance(app.screen, FormScreen))
        await pilot.press("R")
        await settle(pilot)
        assert names(current(app)) == {
            "ops-user member on project ops",
            "demo-user reader on project ops",
            "admin manager on project ops",
        }


async def test_project_drills_to_its_assignments_and_roles_to_holders() -> None:
    app = demo_app()
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        await goto(pilot, "projects")
        await select(pilot, "demo")
        await pilot.press("R")
        await settle(pilot)
        assert [a.name for a in current(app).table.rows_in_view()] == [
            "demo-user member on project demo"
        ]
        await goto(pilot, "roles")
        assert {"admin", "member", "reader", "manager"} <= set(screen_text(pilot).split())
        await select(pilot, "admin")
        await pilot.press("enter")
        await settle(pilot)
        assert [a.name for a in current(app).table.rows_in_view()] == [
            "admin admin on project admin"
        ]


async def test_catalog_and_endpoints() -> None:
    app = demo_app()
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        catalog = await goto(pilot, "catalog")
        types = {s.type for s in catalog.table.rows_in_view()}
        assert {"compute", "identity", "image", "network"} <= types
        await select(pilot, "nova")
        await pilot.press("enter")
        await settle(pilot)
        endpoints = current(app)
        assert endpoints.resource.name == "endpoints"
        rows = list(endpoints.table.rows_in_view())
        assert {e.interface for e in rows} == {"public", "internal", "admin"}
        assert {e.service_type for e in rows} == {"compute"}
        assert "http://cloud.example.org:8774/v2.1" in screen_text(pilot)
        everything = await goto(pilot, "ep")
        assert len(everything.table.rows_in_view()) > len(rows)


async def test_token_screen_shows_who_and_never_the_token() -> None:
    app = demo_app()
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        await goto(pilot, "whoami")
        text = screen_text(pilot)
        assert "admin, domain Default" in text
        assert "admin, member, reader" in text
        assert "expired" in text  # the demo's token is from January
        assert "hidden (it is a secret)" in text
        assert "compute public (nova)" in text and "http://cloud.example.org:8774" in text
        await goto(pilot, "servers")
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"Open My token")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await settle(pilot)
        assert current(app).resource.name == "token"


async def test_token_error_is_shown_with_status_and_request_id() -> None:
    from tui.backend.errors import Unauthorized

    app = demo_app()

    async def refused() -> None:
        raise Unauthorized(
            "The request you have made requires authentication.",
            status=401,
            request_id="req-0123",
            operation="validate token",
        )

    app.backend.token_info = refused  # type: ignore[method-assign]
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        await goto(pilot, "token")
        text = screen_text(pilot)
        assert "Token not validated" in text and "401" in text
        assert "requires authentication" in text and "req-0123" in text


async def test_non_admin_gets_clear_403_for_identity_lists() -> None:
    app = demo_app(is_admin=False)
    async with app.run_test(size=(160, 30)) as pilot:
        await settle(pilot)
        for name, title in (
            ("users", "Users"),
            ("roles", "Roles"),
            ("assignments", "Role assignments"),
            ("catalog", "Catalog services"),
            ("endpoints", "Endpoints"),
        ):
            await goto(pilot, name)
            assert f"{title} need admin rights here (HTTP 403)" in screen_text(pilot)
        await goto(pilot, "token")
        assert "demo, domain Default" in screen_text(pilot), "anyone may see their own token"


async def test_read_only_offers_no_identity_writes() -> None:
    app = demo_app(read_only=True)
    backend = app.backend
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        for name, keys in (
            ("projects", ("n", "e", "D", "ctrl+d")),
            ("users", ("n", "P", "e", "D", "ctrl+d")),
            ("assignments", ("n", "ctrl+d")),
        ):
            screen = await goto(pilot, name)
            for action in screen.resource.actions:
                assert screen.check_action("act", (action.name,)) is False
            for key in keys:
                await pilot.press(key)
                await pilot.pause()
                assert current(app) is screen, f"{name}: {key} opened nothing"
    assert backend.writes == []


async def test_a_members_write_is_refused_as_needing_admin(tmp_path: Path) -> None:
    import pytest

    from tui.backend.errors import Forbidden
    from tui.backend.memory import MemoryBackend
    from tui.context import Context
    from tui.screens.resources.projects import create_project

    audit = AuditLog(tmp_path / "audit.jsonl")
    backend = MemoryBackend(is_admin=False, audit=audit)
    values = {"name": "sdtest-nope", "domain_id": "default", "enabled": True}
    with pytest.raises(Forbidden) as refused:
        await create_project(Context(backend), backend, None, values)
    assert refused.value.summary().startswith("create-project failed (HTTP 403)")
    assert refused.value.message == (
        "needs admin rights here: You are not authorized to perform the requested action: "
        "identity:create_project."
    )
    assert refused.value.request_id
    assert [(r.action, r.result.split(":")[0]) for r in audit.records()] == [
        ("create-project", "error")
    ]
