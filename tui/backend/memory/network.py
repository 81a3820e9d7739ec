"""In-memory Neutron: networks, subnets, ports, routers, floating IPs, security groups.

Like Neutron, an admin sees every project's resources; anyone else sees their own
project's and the shared or external networks, without their provider attributes. What is
missing or refused is said in Neutron's own words (tests/contract/test_networks_contract.py).
"""

from __future__ import annotations

import ipaddress
from collections.abc import AsyncIterator, Callable, Iterable

from tui.backend import models
from tui.backend.base import DEFAULT_PAGE_SIZE
from tui.backend.memory import data
from tui.backend.memory.core import MemoryCore, R
from tui.backend.memory.store import Store

# Neutron's 404 for each kind (its wording differs from kind to kind)
_MISSING = {
    "network": "Network {} could not be found.",
    "port": "Port {} could not be found.",
    "floatingip": "Floating IP {} could not be found",
    "security group": "Security group {} does not exist",
    "router": "Router {} could not be found",
    "subnet": "Subnet {} could not be found.",
}


class NetworkMemory(MemoryCore):
    def _network_visible(self, network: models.Network) -> bool:
        return network.shared or network.external or self._owned(network)

    def _neutron(self, store: Store[R], ident: str, kind: str, visible: Callable[[R], bool]) -> R:
        return self._lookup(store, ident, kind, visible, _MISSING[kind])

    def _as_seen(self, network: models.Network) -> models.Network:
        """A member does not see the provider attributes (segmentation, physical network)."""
        if self._is_admin:
            return network
        raw = {k: v for k, v in network.raw.items() if not k.startswith("provider:")}
        return models.Network.from_api(raw)

    async def networks(
        self, *, external: bool | None = None, page_size: int = DEFAULT_PAGE_SIZE
    ) -> AsyncIterator[list[models.Network]]:
        async for page in self._select(
            self._cloud.networks, page_size, self._network_visible, external=external
        ):
            yield [self._as_seen(n) for n in page]

    async def subnets(
        self, *, network_id: str | None = None, page_size: int = DEFAULT_PAGE_SIZE
    ) -> AsyncIterator[list[models.Subnet]]:
        async for page in self._select(
            self._cloud.subnets, page_size, self._owned, network_id=network_id
        ):
            yield page

    async def ports(
        self,
        *,
        network_id: str | None = None,
        device_id: str | None = None,
        project_id: str | None = None,
        page_size: int = DEFAULT_PAGE_SIZE,
    ) -> AsyncIterator[list[models.Port]]:
        candidates = self._ports_of_device(device_id) if device_id else self._cloud.ports
        async for page in self._select(
            candidates,
            page_size,
            self._owned,
            network_id=network_id,
            device_id=device_id,
            project_id=project_id,
        ):
            yield page

    def _ports_of_device(self, device_id: str) -> Iterable[models.Port]:
        """A server's ports without walking every port of a huge cloud."""
        if self._cloud.routers.get(device_id) is not None:
            return self._cloud.ports
        return self._cloud.ports_of(device_id)

    async def routers(
        self, *, page_size: int = DEFAULT_PAGE_SIZE
    ) -> AsyncIterator[list[models.Router]]:
        async for page in self._select(self._cloud.routers, page_size, self._owned):
            yield page

    async def floating_ips(
        self,
        *,
        project_id: str | None = None,
        port_id: str | None = None,
        page_size: int = DEFAULT_PAGE_SIZE,
    ) -> AsyncIterator[list[models.FloatingIP]]:
        candidates = self._floating_ips_of_port(port_id) if port_id else self._cloud.floating_ips
        async for page in self._select(
            candidates, page_size, self._owned, project_id=project_id, port_id=port_id
        ):
            yield page

    def _floating_ips_of_port(self, port_id: str) -> list[models.FloatingIP]:
        port = self._cloud.ports.get(port_id)
        return self._cloud.floating_ips_on(port) if port else []

    async def security_groups(
        self, *, project_id: str | None = None, page_size: int = DEFAULT_PAGE_SIZE
    ) -> AsyncIterator[list[models.SecurityGroup]]:
        async for page in self._select(
            self._cloud.security_groups, page_size, self._owned, project_id=project_id
        ):
            yield page

    async def network(self, network_id: str) -> models.Network:
        found = self._neutron(self._cloud.networks, network_id, "network", self._network_visible)
        return self._as_seen(found)

    async def port(self, port_id: str) -> models.Port:
        return self._port_of(port_id)

    def _port_of(self, port_id: str) -> models.Port:
        return self._neutron(self._cloud.ports, port_id, "port", self._owned)

    async def floating_ip(self, floating_ip_id: str) -> models.FloatingIP:
        return self._floating_ip(floating_ip_id)

    def _floating_ip(self, floating_ip_id: str) -> models.FloatingIP:
        return self._neutron(self._cloud.floating_ips, floating_ip_id, "floatingip", self._owned)

    async def security_group(self, security_group_id: str) -> models.SecurityGroup:
        return self._group(security_group_id)

    def _group(self, group_id: str) -> models.SecurityGroup:
        groups = self._cloud.security_groups
        return self._neutron(groups, group_id, "security group", self._owned)

    # -- floating IPs ------------------------------------------------------------------------

    async def allocate_floating_ip(
        self, network_id: str, *, project_id: str | None = None, description: str = ""
    ) -> models.FloatingIP:
        def change() -> models.FloatingIP:
            network = self._neutron(self._cloud.networks, network_id, "network", bool)
            if not network.external:
                raise self.refused(
                    400,
                    f"Bad floatingip request: Network {network_id} is not a valid external "
                    "network.",
                )
            if project_id and project_id != self._info.project_id and not self._is_admin:
                raise self.refused(
                    400,
                    "Specifying 'project_id' other than the authenticated project in request "
                    "is not allowed for the current user.",
                )
            n = self._cloud.serial()
            raw = data.floating_ip_json(
                data.fixed_id("floating-ip", 1000 + n),
                data.new_address(data.PUBLIC_CIDR, n % 512),
                project_id or self._info.project_id,
                description=description,
                minutes=self._cloud.now(),
            )
            return self._cloud.floating_ips.add(models.FloatingIP.from_api(raw))

        return await self._write("allocate-floating-ip", f"network {network_id}", change)

    async def associate_floating_ip(
        self, floating_ip_id: str, port_id: str, fixed_ip: str | None = None
    ) -> models.FloatingIP:
        def change() -> models.FloatingIP:
            fip = self._floating_ip(floating_ip_id)
            port = self._neutron(self._cloud.ports, port_id, "port", self._owned)
            address = self._fixed_ip_of(port, fixed_ip)
            for other in self._cloud.floating_ips_on(port):
                if other.id != fip.id and other.fixed_ip == address:
                    raise self.refused(
                        409,
                        f"Cannot associate floating IP {fip.address} ({fip.id}) with port "
                        f"{port.id} using fixed IP {address}, as that fixed IP already has a "
                        f"floating IP on external network {other.network_id}.",
                    )
            if not self._reachable(port.network_id, fip.network_id):
                raise self.refused(
                    404,
                    f"External network {fip.network_id} is not reachable from subnet "
                    f"{port.fixed_ips[0].subnet_id}.  Therefore, cannot associate Port "
                    f"{port.id} with a Floating IP.",
                )
            return self._cloud.link_floating_ip(fip, port, address)

        target = f"floating ip {floating_ip_id} to port {port_id}"
        return await self._write("associate-floating-ip", target, change)

    def _reachable(self, network_id: str, external_id: str) -> bool:
        """Whether a router with a gateway on the external network has an interface here."""
        router_id = self._cloud.router_of_network.get(network_id)
        router = self._cloud.routers.get(router_id) if router_id else None
        return router is not None and router.external_network_id == external_id

    def _fixed_ip_of(self, port: models.Port, wanted: str | None) -> str:
        addresses = [ip.ip_address for ip in port.fixed_ips]
        if not addresses:
            raise self.refused(400, f"Bad floatingip request: Port {port.id} has no fixed IP.")
        if wanted is None:
            return next(
                (a for a in addresses if ipaddress.ip_address(a).version == 4), addresses[0]
            )
        if wanted not in addresses:
            raise self.refused(
                400, f"Bad floatingip request: Port {port.id} does not have fixed ip {wanted}."
            )
        return wanted

    async def disassociate_floating_ip(self, floating_ip_id: str) -> models.FloatingIP:
        def change() -> models.FloatingIP:
            return self._cloud.unlink_floating_ip(self._floating_ip(floating_ip_id))

        target = f"floating ip {floating_ip_id}"
        return await self._write("disassociate-floating-ip", target, change)

    async def release_floating_ip(self, floating_ip_id: str) -> None:
        def change() -> None:
            fip = self._cloud.unlink_floating_ip(self._floating_ip(floating_ip_id))
            self._cloud.floating_ips.remove(fip.id)

        await self._write("release-floating-ip", f"floating ip {floating_ip_id}", change)
