"""The memory cloud keeps Nova and Neutron in step when a server's port is deleted."""

from __future__ import annotations

from tui.backend.memory import MemoryBackend


async def test_a_deleted_port_leaves_its_servers_addresses() -> None:
    backend = MemoryBackend(servers=6)
    servers = [s async for page in backend.servers(all_projects=True) for s in page]
    server = next(s for s in servers if s.fixed_ips)
    (port,) = [p async for page in backend.ports(device_id=server.id) for p in page]
    await backend.delete_port(port.id)
    after = await backend.server(server.id)
    assert not {a.addr for a in after.fixed_ips} & {ip.ip_address for ip in port.fixed_ips}
    assert [p async for page in backend.ports(device_id=server.id) for p in page] == []
