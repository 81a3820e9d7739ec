"""The in-memory cloud is deterministic: the same knobs, the same demo cloud.

What it shares with the real one (paging, filters, refusals) is pinned by tests/contract/.
"""

from __future__ import annotations

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


async def test_hypervisor_usage_counts_servers() -> None:
    backend = MemoryBackend()
    hvs = await collect(backend.hypervisors())
    servers = await collect(backend.servers(all_projects=True))
    unplaced = [s for s in servers if not s.host]  # ERROR: "No valid host was found"
    assert {s.status for s in unplaced} == {"ERROR"}
    assert sum(h.running_vms for h in hvs) == 40 - len(unplaced)
    assert [h.status for h in hvs].count("disabled") == 1
