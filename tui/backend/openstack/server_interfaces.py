"""Nova's os-interface: a network interface attached to a server (a new port on a network,
or an existing one) or detached from it."""

from __future__ import annotations

from typing import Any

from tui.backend.openstack.core import COMPUTE_SERVERS_MV, OpenStackCore
from tui.backend.openstack.replies import Read


def attach_body(network_id: str, port_id: str, fixed_ip: str) -> dict[str, Any]:
    """POST /servers/{id}/os-interface: `net_id` (with `fixed_ips`) or `port_id`."""
    attachment: dict[str, Any] = {}
    if network_id:
        attachment["net_id"] = network_id
    if port_id:
        attachment["port_id"] = port_id
    if fixed_ip:
        attachment["fixed_ips"] = [{"ip_address": fixed_ip}]
    return {"interfaceAttachment": attachment}


def _port_id(attachment: Any) -> str:
    return str(attachment["port_id"])


class ServerInterfacesAPI(OpenStackCore):
    def _interfaces_mv(self) -> str:
        return self._compute_version(COMPUTE_SERVERS_MV)

    async def attach_interface(
        self, server_id: str, *, network_id: str = "", port_id: str = "", fixed_ip: str = ""
    ) -> str:
        what = f"network {network_id}" if network_id else f"port {port_id}"
        made: str = await self._write(
            "attach-interface",
            f"{what} to server {server_id}",
            "POST",
            "compute",
            f"/servers/{server_id}/os-interface",
            body=attach_body(network_id, port_id, fixed_ip),
            microversion=self._interfaces_mv,
            read=Read("interfaceAttachment", _port_id, made="interface"),
        )
        return made

    async def detach_interface(self, server_id: str, port_id: str) -> None:
        await self._write(
            "detach-interface",
            f"port {port_id} from server {server_id}",
            "DELETE",
            "compute",
            f"/servers/{server_id}/os-interface/{port_id}",
            microversion=self._interfaces_mv,
        )
