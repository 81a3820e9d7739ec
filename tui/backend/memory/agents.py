"""The in-memory cloud's DHCP agents (one, on `netnode1`) and VNC consoles (a fixed URL)."""

from __future__ import annotations

from tui.backend.memory.core import MemoryCore

DHCP_AGENT_HOST = "netnode1"
VNC_URL = "https://novnc.demo.invalid:6080/vnc_auto.html?path=%3Ftoken%3D{token}"


class AgentsMemory(MemoryCore):
    async def dhcp_agent_hosts(self, network_id: str) -> list[str]:
        """Every network of the demo cloud is served by the DHCP agent on netnode1."""
        if not any(n.id == network_id for n in self._cloud.networks):
            raise self.not_found("network", network_id, "list DHCP agents of network")
        return [DHCP_AGENT_HOST]

    async def vnc_console_url(self, server_id: str) -> str:
        if not any(s.id == server_id for s in self._cloud.servers):
            raise self.not_found("instance", server_id, "open VNC console")
        return VNC_URL.format(token=server_id[:8])
