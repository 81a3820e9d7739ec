"""The in-memory cloud's VNC consoles (a fixed URL); its agents are in services.py."""

from __future__ import annotations

from tui.backend.memory.core import MemoryCore

VNC_URL = "https://novnc.demo.invalid:6080/vnc_auto.html?path=%3Ftoken%3D{token}"


class AgentsMemory(MemoryCore):
    async def vnc_console_url(self, server_id: str) -> str:
        if not any(s.id == server_id for s in self._cloud.servers):
            raise self.not_found("instance", server_id, "open VNC console")
        return VNC_URL.format(token=server_id[:8])
