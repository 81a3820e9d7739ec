"""OpenStackBackend against the real Keystone, Nova and friends of devcloud."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui.backend.errors import ConfigError, Unauthorized
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


async def test_projects(admin: OpenStackBackend) -> None:
    names = {p.name for p in await collect(admin.projects())}
    assert {"admin", "demo", "service"} <= names


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
