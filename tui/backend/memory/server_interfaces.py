"""In-memory Nova os-interface: a port made on a network (or an unbound port given) goes on
a server, or comes off it. Checked in Nova's order with its words: the request, the lock,
the state table (tui/backend/states.py), then the port or network."""

from __future__ import annotations

import ipaddress

from tui.backend import models
from tui.backend.errors import BackendError
from tui.backend.memory.compute import ComputeMemory
from tui.backend.memory.router_writes import RouterWritesMemory
from tui.backend.models import Json, Server


class ServerInterfacesMemory(ComputeMemory, RouterWritesMemory):
    def _interface_server(self, server_id: str, action: str) -> Server:
        server = self._lookup(self._cloud.servers, server_id, "instance", self._owned)
        self._check_lock(server, action)
        self._check_state(server, action)
        return server

    async def attach_interface(
        self, server_id: str, *, network_id: str = "", port_id: str = "", fixed_ip: str = ""
    ) -> str:
        def change() -> str:
            if network_id and port_id:
                raise self.refused(400, "Must not input both network_id and port_id")
            if fixed_ip and not network_id:
                raise self.refused(400, "Must input network_id when request IP address")
            server = self._interface_server(server_id, "attach_interface")
            if port_id:
                port = self._given_port(server, port_id)
            else:
                port = self._port_on_network(server, network_id, fixed_ip)
            self._cloud.plug(server, port)
            self._action(server, "attach_interface", ("compute_attach_interface", server.host))
            return port.id

        what = f"network {network_id}" if network_id else f"port {port_id}"
        target = f"{what} to {self._server_target(server_id)}"
        return await self._write("attach-interface", target, change)

    def _given_port(self, server: Server, port_id: str) -> models.Port:
        port = self._cloud.ports.get(port_id)
        if port is None or not self._owned(port):
            raise self.refused(404, f"Port id {port_id} could not be found.")
        if port.device_id or port.device_owner:
            raise self.refused(409, f"Port {port.id} is still in use.")
        return self._cloud.bind_port(port, server, server.host)

    def _port_on_network(self, server: Server, network_id: str, fixed_ip: str) -> models.Port:
        network_id = network_id or self._only_network(server)
        network = self._cloud.networks.get(network_id)
        if network is None or not self._network_visible(network):
            raise self.refused(404, f"Network {network_id} could not be found.")
        subnets = [s for s in map(self._cloud.subnets.get, network.subnet_ids) if s is not None]
        if not subnets:
            raise self.refused(
                400, f"Network {network_id} requires a subnet in order to boot instances on."
            )
        taken = self._used(network.id)
        if fixed_ip:
            address = ipaddress.ip_address(fixed_ip)
            subnet = next((s for s in subnets if address in ipaddress.ip_network(s.cidr)), None)
            if subnet is None:
                raise self.refused(
                    400,
                    f"Invalid input received: Fixed IP {fixed_ip} is not a valid ip address "
                    f"for network {network_id}.",
                )
            if str(address) in taken:
                raise self.refused(409, f"Fixed IP {fixed_ip} is already in use.")
            fixed: list[Json] = [{"subnet_id": subnet.id, "ip_address": str(address)}]
        else:
            try:
                fixed = self._fixed_ips(network, (), taken)
            except BackendError:
                raise self.refused(
                    400, f"No fixed IP addresses available for network: {network_id}"
                ) from None
        groups = [g.get("name", "") for g in server.raw.get("security_groups") or ()]
        extra = {
            "security_groups": list(self._cloud.security_group_ids(server.project_id, groups)),
            "binding:host_id": server.host,
            "binding:vif_type": "ovs",
        }
        return self._new_port(
            network.id,
            server.project_id,
            fixed,
            device_id=server.id,
            device_owner=f"compute:{server.availability_zone or 'nova'}",
            extra=extra,
        )

    def _only_network(self, server: Server) -> str:
        """No network or port asked: Nova takes the project's one network, if one only."""
        mine = [
            n
            for n in self._cloud.networks
            if n.project_id == server.project_id and not n.external and n.subnet_ids
        ]
        if not mine:
            raise self.refused(
                400,
                "No specific network was requested and none are available for project "
                f"'{server.project_id}'.",
            )
        if len(mine) > 1:
            raise self.refused(
                400,
                "More than one possible network found. Specify network ID(s) to select "
                "which one(s) to connect to.",
            )
        return mine[0].id

    async def detach_interface(self, server_id: str, port_id: str) -> None:
        """Accepted like Nova's (a cast to the compute): a port not on the server is left
        alone, as the compute does after answering 202."""

        def change() -> None:
            server = self._interface_server(server_id, "detach_interface")
            self._action(server, "detach_interface", ("compute_detach_interface", server.host))
            port = next((p for p in self._cloud.ports_of(server.id) if p.id == port_id), None)
            if port is not None:
                self._cloud.unplug(server, port)

        target = f"port {port_id} from {self._server_target(server_id)}"
        await self._write("detach-interface", target, change)
