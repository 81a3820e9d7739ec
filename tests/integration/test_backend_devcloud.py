"""OpenStackBackend against the real Keystone, Nova and friends of devcloud."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui.backend.errors import ConfigError, Forbidden, NotFound, Unauthorized
from tui.backend.openstack import OpenStackBackend


async def collect(pages) -> list:  # type: ignore[no-untyped-def]
    return [item async for page in pages for item in page]


async def test_connect_says_who_and_where(admin: OpenStackBackend) -> None:
    info = admin.info
    assert (info.cloud, info.project, info.user, info.region) == (
        "devcloud-admin",
        "admin",
        "admin",
        "RegionOne",
    )
    assert "admin" in info.roles and not info.system_scope
    # the token's catalog: what devcloud runs, and nothing it does not
    assert {"compute", "identity", "image", "network", "placement"} <= set(info.services)
    assert info.has_service("volumev3", "block-storage")
    assert not info.has_service("orchestration")


async def test_servers_all_projects(admin: OpenStackBackend) -> None:
    servers = await collect(admin.servers(all_projects=True))
    assert len(servers) >= 5
    assert {"ACTIVE", "SHUTOFF", "ERROR"} <= {s.status for s in servers}
    projects = {s.project for s in servers}
    assert len(projects) >= 2, projects
    assert "demo" in projects, f"project ids must be resolved to names: {projects}"
    active = [s for s in servers if s.status == "ACTIVE"]
    assert all(s.host in ("compute1", "compute2") for s in active)
    assert all(s.power_state == "RUNNING" for s in active)
    assert all(s.flavor for s in servers)
    assert any(s.fixed_ips for s in active)


async def test_servers_page_by_marker(admin: OpenStackBackend) -> None:
    whole = await collect(admin.servers(all_projects=True))
    pages = [page async for page in admin.servers(all_projects=True, page_size=2)]
    assert len(pages) >= 3
    assert all(len(p) <= 2 for p in pages)
    assert sorted(s.id for p in pages for s in p) == sorted(s.id for s in whole)


async def test_own_project_only_without_all_projects(admin: OpenStackBackend) -> None:
    mine = await collect(admin.servers())
    assert all(s.project_id == admin.info.project_id for s in mine)


async def test_hypervisors_and_their_servers(admin: OpenStackBackend) -> None:
    hypervisors = await collect(admin.hypervisors())
    assert sorted(h.host for h in hypervisors) == ["compute1", "compute2"]
    assert all(h.state == "up" and h.type == "fake" for h in hypervisors)
    servers = await collect(admin.servers(all_projects=True))
    for hv in hypervisors:
        on_host = await collect(admin.servers(host=hv.host))
        assert {s.host for s in on_host} <= {hv.host}
        assert sorted(s.id for s in on_host) == sorted(s.id for s in servers if s.host == hv.host)


async def test_projects(admin: OpenStackBackend) -> None:
    names = {p.name for p in await collect(admin.projects())}
    assert {"admin", "demo", "service"} <= names


async def test_project_servers(admin: OpenStackBackend) -> None:
    demo_project = next(p for p in await collect(admin.projects()) if p.name == "demo")
    servers = await collect(admin.servers(project_id=demo_project.id))
    assert servers and {s.project for s in servers} == {"demo"}


async def test_show_server_matches_list(admin: OpenStackBackend) -> None:
    listed = (await collect(admin.servers(all_projects=True)))[0]
    shown = await admin.server(listed.id)
    assert (shown.id, shown.name, shown.host, shown.status) == (
        listed.id,
        listed.name,
        listed.host,
        listed.status,
    )
    assert shown.raw["id"] == listed.id


async def test_missing_server_is_a_clear_404(admin: OpenStackBackend) -> None:
    with pytest.raises(NotFound) as missing:
        await admin.server("0e0e0e0e-0000-4000-8000-000000000000")
    err = missing.value
    assert err.status == 404
    assert err.request_id and err.request_id.startswith("req-")
    assert "could not be found" in err.message and err.message.startswith("Nova: ")
    assert "HTTP 404" in err.summary()


async def test_demo_user_is_refused_hypervisors_with_403(demo: OpenStackBackend) -> None:
    assert "admin" not in demo.info.roles
    with pytest.raises(Forbidden) as refused:
        await collect(demo.hypervisors())
    err = refused.value
    assert err.status == 403 and err.request_id and err.request_id.startswith("req-")
    assert "Policy" in err.message or "policy" in err.message


async def test_demo_user_sees_own_servers(demo: OpenStackBackend) -> None:
    servers = await collect(demo.servers())
    assert all(s.project_id == demo.info.project_id for s in servers)


async def test_wrong_password_is_unauthorized(devcloud: Path, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    text = devcloud.read_text()
    bad = tmp_path / "clouds.yaml"
    import re

    bad.write_text(re.sub(r"(password:\s*)\S+", r"\1wrong-password", text))
    monkeypatch.setenv("OS_CLIENT_CONFIG_FILE", str(bad))
    backend = OpenStackBackend("devcloud-admin")
    with pytest.raises(Unauthorized) as refused:
        await backend.connect()
    assert refused.value.status == 401
    assert "wrong-password" not in refused.value.summary()


async def test_unknown_cloud_is_a_config_error(devcloud: Path) -> None:
    with pytest.raises(ConfigError) as err:
        await OpenStackBackend("no-such-cloud").connect()
    assert "no-such-cloud" in err.value.summary()
