"""What a token may do, from its roles and scope (role names are settings), and from one
admin-only read when the names cannot tell; and what one context keeps apart from another."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from tui.backend.errors import ConnectionLost
from tui.backend.memory import MemoryBackend
from tui.backend.models import CloudInfo
from tui.config import Settings, SettingsError, load_settings
from tui.context import Context, decide, needs_probe


def token(*roles: str, system: bool = False) -> CloudInfo:
    return CloudInfo(cloud="c", roles=roles, system_scope=system)


def test_keystones_admin_role_gives_the_cloud_wide_rights() -> None:
    caps = decide(token("admin", "member", "reader"))
    assert caps.admin and caps.all_projects and not caps.reader_only
    assert caps.basis == "role admin, project scope"
    assert not needs_probe(token("admin", "member", "reader"), ("admin",), ("reader",))


def test_a_member_is_no_admin_and_may_write_and_no_probe_is_needed() -> None:
    caps = decide(token("member", "reader"))
    assert not caps.admin and not caps.all_projects and not caps.reader_only
    assert not needs_probe(token("member", "reader"), ("admin",), ("reader",))
    assert not needs_probe(token("_member_"), ("admin",), ("reader",))
    assert not needs_probe(token("manager", "member", "reader"), ("admin",), ("reader",))


def test_an_admin_role_named_otherwise_is_configured_not_guessed() -> None:
    info = token("Cloud-Admin", "member")
    assert not decide(info).admin  # not known by default: the probe decides
    assert needs_probe(info, ("admin",), ("reader",))
    caps = decide(info, admin_roles=("cloud-admin",))
    assert caps.admin and caps.basis.startswith("role cloud-admin")
    assert not needs_probe(info, ("cloud-admin",), ("reader",))
    # and the literal name "admin" is nothing special once the settings name another
    assert not decide(token("admin"), admin_roles=("cloud-admin",)).admin


def test_a_reader_may_look_but_not_change() -> None:
    caps = decide(token("reader"))
    assert caps.reader_only and not caps.admin and not caps.all_projects
    assert not needs_probe(token("reader"), ("admin",), ("reader",))
    viewer = decide(token("viewer"), reader_roles=("viewer", "reader"))
    assert viewer.reader_only
    # a reader role next to a writing one: the token may write
    assert not decide(token("reader", "member")).reader_only


def test_system_scope_reader_sees_every_project_and_system_admin_is_admin() -> None:
    reader = decide(token("reader", system=True))
    assert reader.system_scope and reader.reader_only and reader.all_projects
    assert not reader.admin and reader.basis.endswith("system scope")
    admin = decide(token("admin", "member", "reader", system=True))
    assert admin.admin and admin.system_scope and admin.all_projects


def test_the_probe_answers_when_the_roles_cannot_tell() -> None:
    info = token("operator")
    assert needs_probe(info, ("admin",), ("reader",))
    allowed = decide(info, probe=True)
    assert allowed.admin and "admin-only read was allowed" in allowed.basis
    refused = decide(info, probe=False)
    assert not refused.admin and "was refused" in refused.basis
    assert not decide(info, probe=None).admin  # no answer: no admin rights assumed


def count_probes(backend: MemoryBackend) -> list[int]:
    calls: list[int] = []
    original = backend.compute_services

    def counted(**kwargs: object):  # type: ignore[no-untyped-def]
        calls.append(1)
        return original(**kwargs)  # type: ignore[arg-type]

    backend.compute_services = counted  # type: ignore[method-assign]
    return calls


@pytest.mark.parametrize(("policy_admin", "expected"), [(True, True), (False, False)])
async def test_a_context_probes_once_for_an_unknown_role(
    policy_admin: bool, expected: bool
) -> None:
    backend = MemoryBackend(servers=2, is_admin=policy_admin, roles=("operator",))
    probes = count_probes(backend)
    context = Context(backend, Settings())
    await context.connect()
    assert (await context.settled_capabilities()).admin is expected
    await context.connect()
    assert probes == [1]


async def test_no_probe_when_the_roles_tell() -> None:
    backend = MemoryBackend(servers=2, roles=("cloud-admin", "member"))
    probes = count_probes(backend)
    context = Context(backend, Settings(admin_roles=("cloud-admin",)))
    await context.connect()
    assert (await context.settled_capabilities()).admin and probes == []


async def test_connecting_does_not_wait_for_the_probe() -> None:
    backend = MemoryBackend(servers=2, roles=("operator",))
    backend.fault("compute_services", hang=True)
    context = Context(backend)
    await asyncio.wait_for(context.connect(), 2)  # the probe hangs: connecting does not
    assert not context.capabilities.admin  # not known yet: no admin rights assumed
    with pytest.raises(TimeoutError):
        await asyncio.wait_for(asyncio.shield(context.settled_capabilities()), 0.1)
    await context.close()


async def test_a_probe_that_gets_no_answer_assumes_no_admin_rights() -> None:
    backend = MemoryBackend(servers=2, roles=("operator",))
    backend.fault("compute_services", error=ConnectionLost("gone", operation="probe"))
    context = Context(backend)
    await context.connect()
    caps = await context.settled_capabilities()
    assert not caps.admin and "roles operator" in caps.basis


async def test_a_reader_only_token_makes_its_context_read_only() -> None:
    reader = Context(MemoryBackend(servers=2, is_admin=False, roles=("reader",)))
    member = Context(MemoryBackend(servers=2, is_admin=False))
    await reader.connect()
    await member.connect()
    assert reader.read_only and not member.read_only
    member.set_read_only(True)
    assert member.read_only


def test_role_names_come_from_the_settings_file(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('[access]\nadmin_roles = ["cloud_admin", "admin"]\nreader_roles = ["viewer"]\n')
    settings = load_settings(path)
    assert settings.admin_roles == ("cloud_admin", "admin")
    assert settings.reader_roles == ("viewer",)
    path.write_text('[access]\nadmin_roles = "admin"\n')
    with pytest.raises(SettingsError, match="admin_roles"):
        load_settings(path)
