"""The in-memory cloud is deterministic, pages, filters, and refuses like a real one."""

from __future__ import annotations

import pytest

from tui.backend.errors import Forbidden, NotFound
from tui.backend.memory import MemoryBackend


async def collect(pages) -> list:  # type: ignore[no-untyped-def]
    return [item async for page in pages for item in page]


async def test_default_size_and_determinism() -> None:
    a, b = MemoryBackend(), MemoryBackend()
    servers_a = await collect(a.servers(all_projects=True))
    servers_b = await collect(b.servers(all_projects=True))
    assert len(servers_a) == 40
    assert servers_a == servers_b
    assert len(await collect(a.hypervisors())) == 4
    assert len(await collect(a.projects())) == 3


async def test_pages_of_the_requested_size() -> None:
    backend = MemoryBackend(servers=2500)
    sizes = [len(page) async for page in backend.servers(all_projects=True, page_size=1000)]
    assert sizes == [1000, 1000, 500]


async def test_filters() -> None:
    backend = MemoryBackend()
    on_host = await collect(backend.servers(host="compute2"))
    assert on_host and {s.host for s in on_host} == {"compute2"}
    mine = await collect(backend.servers())
    assert {s.project for s in mine} == {"admin"}
    demo_id = (await collect(backend.projects()))[1].id
    theirs = await collect(backend.servers(project_id=demo_id))
    assert {s.project for s in theirs} == {"demo"}


async def test_hypervisor_usage_counts_servers() -> None:
    hvs = await collect(MemoryBackend().hypervisors())
    assert sum(h.running_vms for h in hvs) == 40
    assert [h.status for h in hvs].count("disabled") == 1


async def test_non_admin_is_refused_admin_lists() -> None:
    backend = MemoryBackend(is_admin=False)
    with pytest.raises(Forbidden) as refused:
        await collect(backend.hypervisors())
    assert refused.value.status == 403 and refused.value.request_id
    with pytest.raises(Forbidden):
        await collect(backend.servers(all_projects=True))


async def test_show_missing_is_not_found() -> None:
    with pytest.raises(NotFound) as missing:
        await MemoryBackend().server("nope")
    assert missing.value.status == 404
    assert "nope" in missing.value.summary()
