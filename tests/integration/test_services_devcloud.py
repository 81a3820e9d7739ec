"""Network agents against devcloud's real Neutron (compute services: tests/contract/)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui.backend.openstack import OpenStackBackend


async def collect(pages) -> list:  # type: ignore[no-untyped-def]
    return [item async for page in pages for item in page]


async def test_network_agents_and_what_they_host(devcloud: Path) -> None:
    backend = OpenStackBackend("devcloud-admin")
    await backend.connect()
    agents = await collect(backend.network_agents())
    dhcp = [a for a in agents if a.binary == "neutron-dhcp-agent"]
    if not dhcp:
        pytest.skip(
            "devcloud runs without the DHCP agent (start it with `devcloud/run up --with-dhcp`)"
        )
    agent = dhcp[0]
    assert agent.host == "netnode1" and agent.alive and agent.admin_state_up
    networks = await backend.networks_of_dhcp_agent(agent.id)
    names = {n.name for n in networks}
    assert "demo-net" in names
    demo_net = next(n for n in networks if n.name == "demo-net")
    assert [a.id for a in await backend.dhcp_agents_of_network(demo_net.id)] == [agent.id]
    await backend.close()
