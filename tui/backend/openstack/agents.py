"""Where to reach a server from: the DHCP agents hosting its network, and its VNC console."""

from __future__ import annotations

from tui.backend.models.network import NetworkAgent, agent_hosts
from tui.backend.openstack.core import COMPUTE_SERVERS_MV, OpenStackCore, read_reply
from tui.backend.openstack.replies import Read

# POST /servers/{id}/remote-consoles exists from compute microversion 2.6 on.
REMOTE_CONSOLES_MV = (2, 6)


class AgentsAPI(OpenStackCore):
    async def dhcp_agent_hosts(self, network_id: str) -> list[str]:
        """The hosts of the DHCP agents serving a network (admin API; [] when none)."""
        operation = "list DHCP agents of network"

        def fetch() -> list[str]:
            body = self._get(
                "network",
                f"/networks/{network_id}/dhcp-agents",
                operation=operation,
                key="agents",
                kind="list",
            )
            agents = (body or {}).get("agents") or ()
            return agent_hosts(NetworkAgent.from_api(a) for a in agents)

        return await self._call(operation, fetch)

    async def vnc_console_url(self, server_id: str) -> str:
        """A noVNC console URL for a server (a read: allowed when read-only, not audited)."""
        operation = "open VNC console"

        def fetch() -> str:
            wanted = max(REMOTE_CONSOLES_MV, _parse(self._compute_version(COMPUTE_SERVERS_MV)))
            response = self._request(
                "POST",
                "compute",
                f"/servers/{server_id}/remote-consoles",
                body={"remote_console": {"protocol": "vnc", "type": "novnc"}},
                microversion=f"{wanted[0]}.{wanted[1]}",
                operation=operation,
            )
            read = Read("remote_console", lambda d: str(d.get("url") or ""))
            _, url = read_reply(response, "Nova", operation, read)
            return str(url)

        return await self._call(operation, fetch)


def _parse(version: str) -> tuple[int, int]:
    major, _, minor = version.partition(".")
    return int(major), int(minor or 0)
