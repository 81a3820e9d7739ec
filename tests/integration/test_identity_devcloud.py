"""Identity against devcloud's real Keystone: passwords (checked by really authenticating)
and kept out of the audit, read-only, and the screens; what each Keystone call promises on
both backends is tests/contract/test_identity_contract.py."""

from __future__ import annotations

import contextlib
from pathlib import Path
from uuid import uuid4

import pytest

from tests.app_helpers import screen_text, settle
from tui.app import StackdeckApp
from tui.backend.audit import AuditLog
from tui.backend.errors import BackendError, Forbidden, ReadOnlyError
from tui.backend.models import Project, ProjectSpec, User, UserSpec
from tui.backend.openstack import OpenStackBackend
from tui.config import Settings

AUTH_URL = "http://127.0.0.1:5000/v3"


async def collect(pages) -> list:  # type: ignore[no-untyped-def]
    return [item async for page in pages for item in page]


def authenticate(user: str, password: str, project: str) -> str:
    """Get a token as `user` (a fresh keystoneauth session); returns the scoped user id."""
    import openstack

    conn = openstack.connect(
        auth_url=AUTH_URL,
        username=user,
        password=password,
        project_name=project,
        user_domain_name="Default",
        project_domain_name="Default",
        region_name="RegionOne",
        identity_api_version="3",
    )
    try:
        access = conn.session.auth.get_access(conn.session)
        return str(access.user_id)
    finally:
        conn.close()


def cannot_authenticate(user: str, password: str, project: str) -> bool:
    from keystoneauth1 import exceptions as ksa

    try:
        authenticate(user, password, project)
    except ksa.Unauthorized:
        return True
    return False


async def test_project_user_password_assignment_lifecycle(devcloud: Path, tmp_path: Path) -> None:
    audit_file = tmp_path / "audit.jsonl"
    backend = OpenStackBackend("devcloud-admin", audit=AuditLog(audit_file))
    await backend.connect()
    tag = uuid4().hex[:6]
    first, second = f"Pw-{uuid4().hex}", f"Pw2-{uuid4().hex}"
    project: Project | None = None
    user: User | None = None
    try:
        project = await backend.create_project(
            ProjectSpec(name=f"sdtest-idp-{tag}", description="stackdeck identity test")
        )
        assert (project.domain_id, project.enabled) == ("default", True)
        project = await backend.update_project(project, description="edited")
        assert (await backend.project(project.id)).description == "edited"
        user = await backend.create_user(
            UserSpec(
                name=f"sdtest-idu-{tag}",
                password=first,
                email=f"{tag}@example.org",
                default_project_id=project.id,
            )
        )
        assert (user.email, user.default_project_id, user.enabled) == (
            f"{tag}@example.org",
            project.id,
            True,
        )
        assert any(u.id == user.id for u in await collect(backend.users()))
        roles = {r.name: r for r in await collect(backend.roles())}
        assert {"admin", "member", "reader"} <= set(roles)
        member = roles["member"]
        await backend.grant_role(user_id=user.id, project_id=project.id, role_id=member.id)
        of_user = await collect(backend.role_assignments(user_id=user.id))
        of_project = await collect(backend.role_assignments(project_id=project.id))
        for rows in (of_user, of_project):
            assert [(a.actor_name, a.role_name, a.scope_kind, a.scope_name) for a in rows] == [
                (user.name, "member", "project", project.name)
            ]

        assert authenticate(user.name, first, project.name) == user.id
        await backend.set_user_password(user, second)
        assert authenticate(user.name, second, project.name) == user.id
        assert cannot_authenticate(user.name, first, project.name)

        user = await backend.update_user(user, enabled=False)
        assert not user.enabled
        assert cannot_authenticate(user.name, second, project.name)
        user = await backend.update_user(user, enabled=True)

        project = await backend.update_project(project, enabled=False)
        assert not (await backend.project(project.id)).enabled
        project = await backend.update_project(project, enabled=True)

        await backend.revoke_role(user_id=user.id, project_id=project.id, role_id=member.id)
        assert await collect(backend.role_assignments(user_id=user.id)) == []
    finally:
        if user is not None:
            with contextlib.suppress(BackendError):
                await backend.delete_user(user)
        if project is not None:
            with contextlib.suppress(BackendError):
                await backend.update_project(project, enabled=False)
            with contextlib.suppress(BackendError):
                await backend.delete_project(project)
    assert user is not None and project is not None
    assert not any(u.id == user.id for u in await collect(backend.users()))
    assert not any(p.id == project.id for p in await collect(backend.projects()))
    audit = audit_file.read_text()
    for secret in (first, second):
        assert secret not in audit
    actions = [line.split('"action": "')[1].split('"')[0] for line in audit.splitlines()]
    assert actions[:3] == ["create-project", "update-project", "create-user"]
    assert {"grant-role", "set-password", "disable-user", "revoke-role", "delete-user"} <= set(
        actions
    )
    await backend.close()


async def test_a_refused_password_never_shows_the_password(devcloud: Path, tmp_path: Path) -> None:
    """A refused password change says why (status, request id) and shows no password."""
    audit_file = tmp_path / "audit.jsonl"
    backend = OpenStackBackend("devcloud-admin", audit=AuditLog(audit_file))
    await backend.connect()
    secret = f"Sd-{uuid4().hex}"
    missing = User.from_api({"id": "00000000000000000000000000dead01", "name": "nobody"})
    with pytest.raises(BackendError) as refused:
        await backend.set_user_password(missing, secret)
    assert refused.value.status == 404 and refused.value.request_id
    assert secret not in str(refused.value) and secret not in audit_file.read_text()
    await backend.close()


async def test_read_only_sends_no_identity_write(devcloud: Path) -> None:
    backend = OpenStackBackend("devcloud-admin", read_only=True)
    await backend.connect()
    with pytest.raises(ReadOnlyError):
        await backend.create_project(ProjectSpec(name=f"sdtest-ro-{uuid4().hex[:6]}"))
    with pytest.raises(ReadOnlyError):
        await backend.create_user(UserSpec(name=f"sdtest-ro-{uuid4().hex[:6]}", password="x"))
    await backend.close()


async def test_demo_gets_a_clear_403_for_users(demo: OpenStackBackend) -> None:
    with pytest.raises(Forbidden) as refused:
        await collect(demo.users())
    assert refused.value.status == 403 and refused.value.request_id
    token = await demo.token_info()
    assert token.user_name == "demo" and "admin" not in token.roles
    from tui.context import Context
    from tui.screens.resources.projects import create_project

    values = {"name": f"sdtest-nope-{uuid4().hex[:6]}", "domain_id": "default", "enabled": True}
    with pytest.raises(Forbidden) as write:
        await create_project(Context(demo), demo, None, values)
    assert write.value.message.startswith("needs admin rights here: Keystone: You are not")


async def test_app_shows_403_and_the_token_on_devcloud(devcloud: Path) -> None:
    app = StackdeckApp(
        OpenStackBackend("devcloud-demo"),
        Settings(cloud="devcloud-demo", refresh_seconds=0, start_resource="users"),
    )
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot, rounds=400)
        assert "Users need admin rights here (HTTP 403)" in screen_text(pilot)
        await pilot.press("colon", *"whoami", "enter")
        await settle(pilot, rounds=400)
        text = screen_text(pilot)
        assert "demo, domain Default" in text and "member" in text
        assert "hidden (it is a secret)" in text
        expires = next(ln for ln in text.splitlines() if ln.startswith("Expires"))
        assert " in " in expires and "expired" not in expires, "a fresh token expires later"
        await pilot.press("d")
        await pilot.pause(0.5)
        described = screen_text(pilot)
        assert "audit_ids" in described
        token_id = app.backend._connection().session.get_token()  # type: ignore[attr-defined]
        assert token_id not in text and token_id not in described


async def test_keys_create_a_user_and_set_its_password_on_devcloud(
    devcloud: Path, tmp_path: Path
) -> None:
    from tests.app.test_compute_network_volume_screens import goto, pick, type_into
    from tests.app.test_identity_screens import confirm_yes, names, open_form
    from tests.app_helpers import select, wait_for
    from tui.screens.confirm import ConfirmScreen

    audit_file = tmp_path / "audit.jsonl"
    backend = OpenStackBackend("devcloud-admin", audit=AuditLog(audit_file))
    app = StackdeckApp(backend, Settings(cloud="devcloud-admin", refresh_seconds=0))
    name = f"sdtest-idk-{uuid4().hex[:6]}"
    first, second = f"Pw-{uuid4().hex}", f"Pw2-{uuid4().hex}"
    seen: list[str] = []
    try:
        async with app.run_test(size=(160, 40)) as pilot:
            await settle(pilot, rounds=400)
            users = await goto(pilot, "users")
            await settle(pilot, rounds=400)
            await open_form(pilot, "n")
            await type_into(pilot, "name", name)
            await type_into(pilot, "password", first)
            await type_into(pilot, "password_again", first)
            await pick(pilot, "default_project_id", "demo")
            seen.append(screen_text(pilot))
            await pilot.press("ctrl+s")
            await wait_for(pilot, lambda: name in names(users), rounds=400)
            await select(pilot, name)
            await open_form(pilot, "A")
            await pick(pilot, "role_id", "member")
            await pick(pilot, "project_id", "demo")
            await pilot.press("ctrl+s")
            await wait_for(pilot, lambda: app.screen is users, rounds=400)
            assert authenticate(name, first, "demo")
            await open_form(pilot, "P")
            await type_into(pilot, "password", second)
            await type_into(pilot, "password_again", second)
            seen.append(screen_text(pilot))
            await pilot.press("ctrl+s")
            await wait_for(pilot, lambda: app.screen is users, rounds=400)
            await wait_for(pilot, lambda: not users.in_flight, rounds=400)
            assert authenticate(name, second, "demo")
            await pilot.press("D")
            await confirm_yes(pilot)
            await wait_for(pilot, lambda: not users.table.selected.enabled, rounds=400)
            assert cannot_authenticate(name, second, "demo")
            await wait_for(pilot, lambda: not users.in_flight, rounds=400)
            await pilot.press("ctrl+d")
            await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
            await pilot.press(*name, "enter")
            await wait_for(pilot, lambda: name not in names(users), rounds=400)
            seen.append(screen_text(pilot))
    finally:
        cleanup = OpenStackBackend("devcloud-admin")
        await cleanup.connect()
        for user in await collect(cleanup.users()):
            if user.name == name:
                await cleanup.delete_user(user)
        await cleanup.close()
    audit = audit_file.read_text()
    for secret in (first, second):
        assert secret not in audit and all(secret not in text for text in seen)
    for action in ("create-user", "grant-role", "set-password", "disable-user", "delete-user"):
        assert f'"action": "{action}"' in audit
