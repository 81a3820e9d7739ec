"""Compute services against devcloud's real Nova (network agents: tests/contract)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui.backend.audit import AuditLog
from tui.backend.errors import Forbidden
from tui.backend.openstack import OpenStackBackend


async def collect(pages) -> list:  # type: ignore[no-untyped-def]
    return [item async for page in pages for item in page]


async def test_compute_services_disable_with_reason_and_enable(
    devcloud: Path, tmp_path: Path
) -> None:
    audit = AuditLog(tmp_path / "audit.jsonl")
    backend = OpenStackBackend("devcloud-admin", audit=audit)
    await backend.connect()
    services = await collect(backend.compute_services())
    binaries = {(s.binary, s.host) for s in services}
    assert {("nova-compute", "compute1"), ("nova-compute", "compute2")} <= binaries
    assert any(s.binary == "nova-conductor" for s in services)
    compute2 = next(s for s in services if s.binary == "nova-compute" and s.host == "compute2")
    assert (compute2.status, compute2.state) == ("enabled", "up")
    try:
        await backend.set_compute_service(compute2, enabled=False, reason="stackdeck test")
        fresh = await backend.compute_service(compute2.id)
        assert (fresh.status, fresh.disabled_reason) == ("disabled", "stackdeck test")
        hv = next(h for h in await collect(backend.hypervisors()) if h.host == "compute2")
        assert (hv.status, hv.disabled_reason) == ("disabled", "stackdeck test")
    finally:
        await backend.set_compute_service(compute2, enabled=True)
    assert (await backend.compute_service(compute2.id)).status == "enabled"
    assert [(r.action, r.result) for r in audit.records()] == [
        ("disable-service", "ok"),
        ("enable-service", "ok"),
    ]
    await backend.close()


async def test_services_are_admin_only(devcloud: Path) -> None:
    backend = OpenStackBackend("devcloud-demo")
    await backend.connect()
    with pytest.raises(Forbidden) as refused:
        await collect(backend.compute_services())
    assert refused.value.status == 403 and refused.value.request_id
    await backend.close()
