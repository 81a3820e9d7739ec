"""Identity models parse the real Keystone payloads captured from devcloud, and the demo
cloud's identity payloads are shaped like them (tests/fixtures/capture_identity.py)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tui.backend.memory import MemoryBackend
from tui.backend.models import (
    CatalogService,
    Endpoint,
    Role,
    RoleAssignment,
    TokenInfo,
    User,
    UserSpec,
    identity_change,
)
from tui.backend.openstack import error_message
from tui.screens.resources.token import from_now, token_lines

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "api"


def load(name: str) -> Any:
    return json.loads((FIXTURES / f"{name}.json").read_text())


def test_roles() -> None:
    roles = {r.name: r for r in map(Role.from_api, load("roles")["roles"])}
    assert {"admin", "member", "reader"} <= set(roles)
    assert roles["admin"].id and roles["admin"].domain_id == ""


def test_role_assignments_of_a_project_have_names() -> None:
    rows = [
        RoleAssignment.from_api(d) for d in load("role_assignments_project")["role_assignments"]
    ]
    demo = next(r for r in rows if r.actor_name == "demo")
    assert (demo.actor_kind, demo.role_name, demo.scope_kind, demo.scope_name) == (
        "user",
        "member",
        "project",
        "demo",
    )
    assert demo.actor_domain == "Default" and not demo.inherited
    assert demo.name == "demo member on project demo"
    assert len({r.id for r in rows}) == len(rows)


def test_role_assignments_of_a_user_include_the_system_scope() -> None:
    rows = [RoleAssignment.from_api(d) for d in load("role_assignments_user")["role_assignments"]]
    assert {r.actor_name for r in rows} == {"admin"}
    system = [r for r in rows if r.scope_kind == "system"]
    assert system and system[0].scope_name == "all" and system[0].role_name == "admin"
    assert {r.scope_name for r in rows if r.scope_kind == "project"} >= {"admin"}


def test_services_and_endpoints() -> None:
    services = {s.id: s for s in map(CatalogService.from_api, load("services")["services"])}
    types = {s.type for s in services.values()}
    assert {"compute", "identity", "image", "network", "block-storage", "placement"} <= types
    nova = next(s for s in services.values() if s.type == "compute")
    assert (nova.name, nova.enabled) == ("nova", True)
    endpoints = [Endpoint.from_api(d) for d in load("endpoints")["endpoints"]]
    of_nova = [e.with_service(nova) for e in endpoints if e.service_id == nova.id]
    assert {e.interface for e in of_nova} == {"public", "internal", "admin"}
    assert {(e.service_type, e.service_name, e.region) for e in of_nova} == {
        ("compute", "nova", "RegionOne")
    }
    assert of_nova[0].url.startswith("http://127.0.0.1:8774")
    assert of_nova[0].name.startswith("nova ")


def test_token_body_without_its_id() -> None:
    token = TokenInfo.from_api(load("auth_tokens")["token"])
    assert (token.user_name, token.user_domain, token.project_name) == ("admin", "Default", "admin")
    assert "admin" in token.roles and token.methods == ("password",)
    assert token.audit_ids and token.issued_at < token.expires_at
    assert {e.service_type for e in token.catalog} >= {"compute", "identity", "image", "network"}
    assert {e.interface for e in token.catalog} == {"public", "internal", "admin"}
    assert "id" not in token.raw


def test_token_lines_say_when_and_hide_the_token() -> None:
    token = TokenInfo.from_api(load("auth_tokens")["token"])
    issued = datetime.fromisoformat(token.issued_at.replace("Z", "+00:00"))
    lines = {line.item: line for line in token_lines(token, issued)}
    assert lines["Expires"].value.startswith("in 1 h (")
    assert lines["Token id"].value == "hidden (it is a secret)"
    assert lines["User"].value == "admin, domain Default"
    assert lines["User id"].value == token.user_id
    assert lines["Project"].value == "admin, domain Default"
    assert "compute public (nova)" in lines


def test_from_now() -> None:
    at = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
    assert from_now("2026-01-01T12:59:30.000000Z", at) == "in 59 min"
    assert from_now("2026-01-01T10:55:00Z", at) == "expired 1 h 5 min ago"
    assert from_now("2026-01-04T13:00:00Z", at) == "in 3 d 1 h"
    assert from_now("not a time", at) == ""


def test_created_user_and_the_member_403() -> None:
    user = User.from_api(load("user_created")["user"])
    assert user.name.startswith("sdcapture-") and user.email == "cap@example.org" and user.enabled
    assert "password" not in json.dumps(load("user_created")).replace("password_expires_at", "")
    message = error_message(load("error_403_identity_users"), "Forbidden")
    assert message == "You are not authorized to perform the requested action: identity:list_users."


def test_passwords_are_not_in_reprs() -> None:
    assert "hunter22" not in repr(UserSpec(name="alice", password="hunter22"))


def test_identity_change_names_the_audit_action() -> None:
    assert identity_change("user", False, email=None) == ("disable-user", {"enabled": False})
    assert identity_change("project", None, description="x") == (
        "update-project",
        {"description": "x"},
    )


async def test_demo_payloads_are_shaped_like_keystones() -> None:
    backend = MemoryBackend()

    def keys(items: list[Any]) -> set[str]:
        return {key for item in items for key in item.raw}

    real_roles = load("roles")["roles"]
    assert keys([r async for page in backend.roles() for r in page]) == set(real_roles[0])
    assignments = [a async for page in backend.role_assignments() for a in page]
    real = load("role_assignments_project")["role_assignments"][0]
    assert {k for a in assignments for k in a.raw} == set(real)
    assert set(assignments[0].raw["scope"]["project"]) == set(real["scope"]["project"])
    services = [s async for page in backend.catalog_services() for s in page]
    assert keys(services) == set(load("services")["services"][0])
    endpoints = [e async for page in backend.endpoints() for e in page]
    assert keys(endpoints) == set(load("endpoints")["endpoints"][0])
    token = await backend.token_info()
    assert set(token.raw) == set(load("auth_tokens")["token"])
    users = [u async for page in backend.users() for u in page]
    assert keys(users) <= set(load("users")["users"][0]) | {"email", "default_project_id"}


async def test_demo_seeds_one_user_per_own_project_even_after_creating_projects() -> None:
    from tui.backend.models import ProjectSpec

    backend = MemoryBackend()
    await backend.create_project(ProjectSpec(name="sdtest-new"))
    users = [u.name async for page in backend.users() for u in page]
    assert users == ["admin", "demo-user", "ops-user"]
    assignments = [a async for page in backend.role_assignments() for a in page]
    assert len(assignments) == 3
