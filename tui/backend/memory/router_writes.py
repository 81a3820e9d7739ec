"""In-memory Neutron: building routers (gateway, interfaces, static routes) and ports.

A router's interface is a port with device_owner ``network:router_interface`` and the
router as its device; its gateway a ``network:router_gateway`` port on the external
network (owned by no project, as in Neutron). `Cloud.router_of_network` follows the
interfaces, so floating IP association still checks reachability the way Neutron does.
Refusals are Neutron's, status and words (tests/contract/test_routers_ports_contract.py).
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING

from tui.backend import models
from tui.backend.memory import data
from tui.backend.memory.network_writes import NetworkWritesMemory
from tui.backend.models import Json

if TYPE_CHECKING:
    from tui.backend.models import Pair, PortChange, PortSpec, RouterChange, RouterSpec

# what Neutron's API validator takes for a MAC address (netaddr's EUI-48 forms)
_NEUTRON_MAC = re.compile(r"[0-9a-f]{2}([:-]?)[0-9a-f]{2}(\1[0-9a-f]{2}){4}", re.IGNORECASE)
INTERFACE = "network:router_interface"
GATEWAY = "network:router_gateway"


def _bad_router(message: str) -> str:
    return f"Bad router request: {message}"


def _routes_json(routes: Iterable[Pair]) -> list[dict[str, str]]:
    return [{"destination": d, "nexthop": n} for d, n in routes]


class RouterWritesMemory(NetworkWritesMemory):
    # -- lookups -----------------------------------------------------------------------------

    async def router(self, router_id: str) -> models.Router:
        return self._router(router_id)

    def _router(self, router_id: str) -> models.Router:
        return self._neutron(self._cloud.routers, router_id, "router", self._owned)

    def _router_ports(self, router_id: str) -> list[models.Port]:
        return [p for p in self._cloud.ports if p.device_id == router_id]

    def _interfaces(self, router_id: str) -> list[models.Port]:
        return [p for p in self._router_ports(router_id) if p.device_owner == INTERFACE]

    # -- addresses ---------------------------------------------------------------------------

    def _used(self, network_id: str) -> dict[str, str]:
        """The addresses taken on a network: address -> the port (or floating IP) holding it."""
        used = {
            ip.ip_address: p.id
            for p in self._cloud.ports
            if p.network_id == network_id
            for ip in p.fixed_ips
        }
        network = self._cloud.networks.get(network_id)
        if network is not None and network.external:
            used.update({f.address: f.id for f in self._cloud.floating_ips})
        return used

    def _free_address(self, subnet: models.Subnet, taken: dict[str, str]) -> str:
        for pool in subnet.allocation_pools:
            start, _, end = pool.partition("-")
            first = ipaddress.ip_address(start)
            for offset in range(int(ipaddress.ip_address(end)) - int(first) + 1):
                address = str(first + offset)
                if address not in taken and address != subnet.gateway_ip:
                    return address
        raise self.refused(
            409,
            f"No more IP addresses available on network {subnet.network_id}.",
        )

    def _fixed_ips(
        self, network: models.Network, wanted: tuple[Pair, ...], taken: dict[str, str]
    ) -> list[Json]:
        """Neutron's fixed_ips for a new port: each asked (subnet, address) checked and taken,
        or one address from the network's first subnet when none is asked."""
        subnets = [s for s in map(self._cloud.subnets.get, network.subnet_ids) if s is not None]
        if not wanted:
            return [
                {"subnet_id": s.id, "ip_address": self._free_address(s, taken)} for s in subnets[:1]
            ]
        found: list[Json] = []
        for subnet_id, address in wanted:
            subnet = self._subnet_for(network, subnets, subnet_id, address)
            address = address or self._free_address(subnet, taken)
            if address in taken:
                raise self.refused(
                    409, f"IP address {address} already allocated in subnet {subnet.id}"
                )
            taken[address] = "new"
            found.append({"subnet_id": subnet.id, "ip_address": address})
        return found

    def _subnet_for(
        self,
        network: models.Network,
        subnets: list[models.Subnet],
        subnet_id: str,
        address: str,
    ) -> models.Subnet:
        if subnet_id:
            subnet = next((s for s in subnets if s.id == subnet_id), None)
            if subnet is None:
                raise self.refused(
                    400,
                    f"Invalid input for operation: Failed to create port on network "
                    f"{network.id}, because fixed_ips included invalid subnet {subnet_id}.",
                )
            if address and ipaddress.ip_address(address) not in ipaddress.ip_network(subnet.cidr):
                raise self.refused(
                    400, f"IP address {address} is not a valid IP for the specified subnet."
                )
            return subnet
        holding = next(
            (s for s in subnets if ipaddress.ip_address(address) in ipaddress.ip_network(s.cidr)),
            None,
        )
        if holding is None:
            raise self.refused(
                400,
                f"IP address {address} is not a valid IP for any of the subnets on the "
                "specified network.",
            )
        return holding

    # -- routers -----------------------------------------------------------------------------

    def _snat_policy(self, action: str, enable_snat: bool | None) -> None:
        """Only an admin says whether the gateway does SNAT (Neutron's policy)."""
        if enable_snat is not None and not self._is_admin:
            raise self.refused(
                403,
                f"(rule:{action}_router and (rule:{action}_router:external_gateway_info and "
                f"(rule:{action}_router:external_gateway_info:network_id and "
                f"rule:{action}_router:external_gateway_info:enable_snat))) is disallowed "
                "by policy",
            )

    def _gateway_info(
        self, router: Json, network_id: str, enable_snat: bool | None
    ) -> tuple[Json, models.Port]:
        """A gateway on `network_id`: its info for the router's JSON and its new port."""
        network = self._network_of(network_id)
        if not network.external:
            raise self.refused(
                400, _bad_router(f"Network {network_id} is not an external network.")
            )
        subnet = self._cloud.subnets.get(network.subnet_ids[0]) if network.subnet_ids else None
        fixed = []
        if subnet is not None:
            address = self._free_address(subnet, self._used(network.id))
            fixed = [{"subnet_id": subnet.id, "ip_address": address}]
        port = self._new_port(
            network.id, "", fixed, device_id=str(router["id"]), device_owner=GATEWAY
        )
        info = {
            "network_id": network.id,
            "external_fixed_ips": fixed,
            "enable_snat": True if enable_snat is None else enable_snat,
        }
        return info, port

    def _drop_gateway(self, router: models.Router) -> None:
        for port in self._router_ports(router.id):
            if port.device_owner == GATEWAY:
                self._cloud.ports.remove(port.id)

    async def create_router(self, spec: RouterSpec) -> models.Router:
        def change() -> models.Router:
            self._snat_policy("create", spec.enable_snat)
            n = self._cloud.serial()
            project_id = spec.project_id or self._info.project_id
            raw: dict[str, object] = {
                **data.router_json(0, project_id),
                "id": data.fixed_id("router", 10_000 + n),
                "name": spec.name,
                "description": spec.description,
                "admin_state_up": spec.admin_state_up,
                "external_gateway_info": None,
                "created_at": data.stamp(self._cloud.now()),
                "updated_at": data.stamp(self._cloud.now()),
                "tenant_id": project_id,
                "project_id": project_id,
            }
            if spec.external_network_id:
                raw["external_gateway_info"], _ = self._gateway_info(
                    raw, spec.external_network_id, spec.enable_snat
                )
            return self._cloud.routers.add(models.Router.from_api(raw))

        return await self._write("create-router", f"router {spec.name}", change)

    async def update_router(self, router_id: str, change: RouterChange) -> models.Router:
        def apply() -> models.Router:
            router = self._router(router_id)
            changes: dict[str, object] = {
                key: value
                for key, value in (
                    ("name", change.name),
                    ("description", change.description),
                    ("admin_state_up", change.admin_state_up),
                )
                if value is not None
            }
            if change.routes is not None:
                self._check_routes(router, change.routes)
                changes["routes"] = _routes_json(change.routes)
            return self._cloud.update(self._cloud.routers, router, changes)

        return await self._write("update-router", f"router {router_id}", apply)

    def _check_routes(self, router: models.Router, routes: tuple[Pair, ...]) -> None:
        """Neutron's rule: each next hop lies in a subnet the router is on, and is not the
        router's own address."""
        ports = self._router_ports(router.id)
        addresses = {ip.ip_address for p in ports for ip in p.fixed_ips}
        cidrs = [
            ipaddress.ip_network(s.cidr)
            for s in map(
                self._cloud.subnets.get, {ip.subnet_id for p in ports for ip in p.fixed_ips}
            )
            if s is not None
        ]
        shown = repr(_routes_json(routes))
        for _, nexthop in routes:
            hop = ipaddress.ip_address(nexthop)
            if not any(hop in cidr for cidr in cidrs if cidr.version == hop.version):
                reason = "the nexthop is not connected with router"
            elif nexthop in addresses:
                reason = "the nexthop is used by router"
            else:
                continue
            raise self.refused(400, f"Invalid format for routes: {shown}, {reason}")

    async def set_router_gateway(
        self, router_id: str, network_id: str, *, enable_snat: bool | None = None
    ) -> models.Router:
        def change() -> models.Router:
            router = self._router(router_id)
            self._snat_policy("update", enable_snat)
            if router.external_network_id == network_id:
                info: dict[str, object] = {**(router.raw.get("external_gateway_info") or {})}
                if enable_snat is not None:
                    info["enable_snat"] = enable_snat
                return self._cloud.update(
                    self._cloud.routers, router, {"external_gateway_info": info}
                )
            self._network_of(network_id)  # a 404 before anything changes
            if router.external_network_id:
                self._gateway_in_use(router)
            self._drop_gateway(router)
            gateway, _ = self._gateway_info(router.raw, network_id, enable_snat)
            return self._cloud.update(
                self._cloud.routers, router, {"external_gateway_info": gateway}
            )

        return await self._write("set-router-gateway", f"router {router_id}", change)

    def _gateway_in_use(self, router: models.Router) -> None:
        if any(f.router_id == router.id for f in self._cloud.floating_ips):
            raise self.refused(
                409,
                f"Gateway cannot be updated for router {router.id}, since a gateway to "
                f"external network {router.external_network_id} is required by one or more "
                "floating IPs.",
            )

    async def clear_router_gateway(self, router_id: str) -> models.Router:
        def change() -> models.Router:
            router = self._router(router_id)
            if router.external_network_id:
                self._gateway_in_use(router)
            self._drop_gateway(router)
            return self._cloud.update(self._cloud.routers, router, {"external_gateway_info": None})

        return await self._write("clear-router-gateway", f"router {router_id}", change)

    async def add_router_interface(
        self, router_id: str, *, subnet_id: str = "", port_id: str = ""
    ) -> str:
        def change() -> str:
            router = self._router(router_id)
            if subnet_id and port_id:
                raise self.refused(400, _bad_router("Cannot specify both subnet-id and port-id."))
            if not subnet_id and not port_id:
                raise self.refused(
                    400, _bad_router("Either subnet_id or port_id must be specified.")
                )
            if port_id:
                return self._plug_port(router, self._port_of(port_id)).id
            return self._plug_subnet(router, self._subnet_of(subnet_id)).id

        target = f"router {router_id} {'port ' + port_id if port_id else 'subnet ' + subnet_id}"
        return await self._write("add-router-interface", target, change)

    def _check_new_subnet(self, router: models.Router, subnet: models.Subnet) -> None:
        new = ipaddress.ip_network(subnet.cidr)
        for port in self._interfaces(router.id):
            for ip in port.fixed_ips:
                if ip.subnet_id == subnet.id:
                    raise self.refused(
                        400, _bad_router(f"Router already has a port on subnet {subnet.id}.")
                    )
                other = self._cloud.subnets.get(ip.subnet_id)
                if other is not None and new.overlaps(ipaddress.ip_network(other.cidr)):
                    raise self.refused(
                        400,
                        _bad_router(
                            f"Cidr {subnet.cidr} of subnet {subnet.id} overlaps with cidr "
                            f"{other.cidr} of subnet {other.id}."
                        ),
                    )

    def _plug_subnet(self, router: models.Router, subnet: models.Subnet) -> models.Port:
        if not subnet.gateway_ip:
            raise self.refused(
                400, _bad_router("Subnet for router interface must have a gateway IP.")
            )
        self._check_new_subnet(router, subnet)
        taken = self._used(subnet.network_id)
        if subnet.gateway_ip in taken:
            raise self.refused(
                409, f"IP address {subnet.gateway_ip} already allocated in subnet {subnet.id}"
            )
        fixed = [{"subnet_id": subnet.id, "ip_address": subnet.gateway_ip}]
        port = self._new_port(
            subnet.network_id,
            router.project_id,
            fixed,
            device_id=router.id,
            device_owner=INTERFACE,
        )
        self._cloud.router_of_network[subnet.network_id] = router.id
        return port

    def _plug_port(self, router: models.Router, port: models.Port) -> models.Port:
        if port.device_id or port.device_owner:
            raise self.refused(
                409,
                f"Unable to complete operation on port {port.id} for network "
                f"{port.network_id}. Port already has an attached device {port.device_id}.",
            )
        if not port.fixed_ips:
            raise self.refused(400, _bad_router("Router port must have at least one fixed IP."))
        for ip in port.fixed_ips:
            subnet = self._cloud.subnets.get(ip.subnet_id)
            if subnet is not None:
                self._check_new_subnet(router, subnet)
        self._cloud.router_of_network[port.network_id] = router.id
        return self._cloud.update(
            self._cloud.ports,
            port,
            {"device_id": router.id, "device_owner": INTERFACE, "status": "ACTIVE"},
        )

    async def remove_router_interface(
        self, router_id: str, *, subnet_id: str = "", port_id: str = ""
    ) -> None:
        def change() -> None:
            router = self._router(router_id)
            if not subnet_id and not port_id:
                raise self.refused(
                    400, _bad_router("Either subnet_id or port_id must be specified.")
                )
            port = self._interface(router, subnet_id, port_id)
            for ip in port.fixed_ips:
                self._interface_in_use(router, ip.subnet_id)
            self._cloud.ports.remove(port.id)
            still = any(p.network_id == port.network_id for p in self._interfaces(router.id))
            if not still and self._cloud.router_of_network.get(port.network_id) == router.id:
                del self._cloud.router_of_network[port.network_id]

        target = f"router {router_id} {'port ' + port_id if port_id else 'subnet ' + subnet_id}"
        await self._write("remove-router-interface", target, change)

    def _interface(self, router: models.Router, subnet_id: str, port_id: str) -> models.Port:
        interfaces = self._interfaces(router.id)
        if port_id:
            found = next((p for p in interfaces if p.id == port_id), None)
            if found is None or (subnet_id and subnet_id not in _subnets(found)):
                raise self.refused(
                    404, f"Router {router.id} does not have an interface with id {port_id}"
                )
            return found
        found = next((p for p in interfaces if subnet_id in _subnets(p)), None)
        if found is None:
            raise self.refused(404, f"Router {router.id} has no interface on subnet {subnet_id}")
        return found

    def _interface_in_use(self, router: models.Router, subnet_id: str) -> None:
        subnet = self._cloud.subnets.get(subnet_id)
        if subnet is None:
            return
        cidr = ipaddress.ip_network(subnet.cidr)
        used_by = ""
        if any(ipaddress.ip_address(hop) in cidr for _, hop in router.routes):
            used_by = "routes"
        elif any(
            f.router_id == router.id and f.fixed_ip and ipaddress.ip_address(f.fixed_ip) in cidr
            for f in self._cloud.floating_ips
        ):
            used_by = "floating IPs"
        if used_by:
            raise self.refused(
                409,
                f"Router interface for subnet {subnet_id} on router {router.id} cannot be "
                f"deleted, as it is required by one or more {used_by}.",
            )

    async def delete_router(self, router_id: str) -> None:
        def change() -> None:
            router = self._router(router_id)
            attached = [p.id for p in self._interfaces(router.id)]
            if attached:
                raise self.refused(
                    409, f"Router {router.id} has ports still attached: {', '.join(attached)}"
                )
            if router.external_network_id:
                self._gateway_in_use(router)
            self._drop_gateway(router)
            self._cloud.routers.remove(router.id)

        await self._write("delete-router", f"router {router_id}", change)

    # -- ports -------------------------------------------------------------------------------

    def _new_port(
        self,
        network_id: str,
        project_id: str,
        fixed_ips: Sequence[Json],
        *,
        device_id: str = "",
        device_owner: str = "",
        mac_address: str = "",
        extra: Json | None = None,
    ) -> models.Port:
        n = self._cloud.serial()
        spec = data.PortSpec(
            id=data.fixed_id("port", 10_000 + n),
            network_id=network_id,
            subnet_id="",
            ip="",
            mac=mac_address or data.new_mac(50_000 + n),
            project_id=project_id,
            device_id=device_id,
            device_owner=device_owner,
            status="ACTIVE" if device_owner else "DOWN",
        )
        raw = {
            **data.port_json(spec, self._cloud.now()),
            "fixed_ips": list(fixed_ips),
            **(extra or {}),
        }
        return self._cloud.ports.add(models.Port.from_api(raw))

    def _mac_free(self, network_id: str, address: str) -> str:
        if not _NEUTRON_MAC.fullmatch(address):
            raise self.refused(
                400,
                f"Invalid input for mac_address. Reason: '{address}' is not a valid MAC address.",
            )
        address = address.lower().replace("-", ":")
        if any(p.network_id == network_id and p.mac_address == address for p in self._cloud.ports):
            raise self.refused(
                409,
                f"Unable to complete operation for network {network_id}. The mac address "
                f"{address} is in use.",
            )
        return address

    def _groups(self, project_id: str, wanted: Iterable[str]) -> list[str]:
        groups = []
        for group_id in wanted:
            self._lookup(
                self._cloud.security_groups,
                group_id,
                "security group",
                lambda g: g.project_id == project_id or self._is_admin,
                "Security group {} does not exist",
            )
            groups.append(group_id)
        return groups

    async def create_port(self, spec: PortSpec) -> models.Port:
        def change() -> models.Port:
            network = self._network_of(spec.network_id)
            project_id = spec.project_id or self._info.project_id
            secured = (
                spec.port_security
                if spec.port_security is not None
                else bool(network.raw.get("port_security_enabled", True))
            )
            if spec.security_group_ids and not secured:
                raise self.refused(400, _NEEDS_SECURITY)
            taken = self._used(network.id)
            address = self._mac_free(network.id, spec.mac_address) if spec.mac_address else ""
            fixed = self._fixed_ips(network, spec.fixed_ips, taken)
            if spec.security_group_ids is not None:
                groups = self._groups(project_id, spec.security_group_ids)
            else:
                groups = [
                    g.id
                    for g in self._cloud.security_groups
                    if secured and g.project_id == project_id and g.name == "default"
                ]
            extra = {
                "name": spec.name,
                "description": spec.description,
                "admin_state_up": spec.admin_state_up,
                "security_groups": groups,
                "port_security_enabled": secured,
            }
            return self._new_port(network.id, project_id, fixed, mac_address=address, extra=extra)

        return await self._write("create-port", f"network {spec.network_id}", change)

    async def update_port(self, port_id: str, change: PortChange) -> models.Port:
        def apply() -> models.Port:
            port = self._port_of(port_id)
            secured = port.port_security if change.port_security is None else change.port_security
            groups = change.security_group_ids
            pairs = change.allowed_address_pairs
            if not secured:
                if groups:
                    raise self.refused(400, _NEEDS_SECURITY)
                if pairs or (pairs is None and port.allowed_address_pairs):
                    raise self.refused(
                        409,
                        "Port Security must be enabled in order to have allowed address "
                        "pairs on a port.",
                    )
                if groups is None and port.security_group_ids:
                    raise self.refused(
                        409,
                        "Port has security group associated. Cannot disable port security or "
                        "IP address until security group is removed.",
                    )
            changes: dict[str, object] = {
                key: value
                for key, value in (
                    ("name", change.name),
                    ("description", change.description),
                    ("admin_state_up", change.admin_state_up),
                    ("port_security_enabled", change.port_security),
                )
                if value is not None
            }
            if groups is not None:
                changes["security_groups"] = self._groups(port.project_id, groups)
            if pairs is not None:
                changes["allowed_address_pairs"] = list(_pairs_json(pairs, port.mac_address))
            return self._cloud.update(self._cloud.ports, port, changes)

        return await self._write("update-port", f"port {port_id}", apply)

    async def delete_port(self, port_id: str) -> None:
        def change() -> None:
            port = self._port_of(port_id)
            if port.device_owner in (INTERFACE, GATEWAY):
                raise self.refused(
                    409,
                    f"Port {port.id} cannot be deleted directly via the port API: has device "
                    f"owner {port.device_owner}.",
                )
            for fip in self._cloud.floating_ips_on(port):
                self._cloud.unlink_floating_ip(fip)
            self._cloud.ports.remove(port.id)
            self._server_loses(port)

        await self._write("delete-port", f"port {port_id}", change)

    def _server_loses(self, port: models.Port) -> None:
        """Nova hears of a deleted port and drops its addresses from the server."""
        server = self._cloud.servers.get(port.device_id) if port.device_id else None
        if server is None:
            return
        gone = {ip.ip_address for ip in port.fixed_ips}
        addresses = {
            network: kept
            for network, entries in (server.raw.get("addresses") or {}).items()
            if (kept := [a for a in entries if a.get("addr") not in gone])
        }
        self._cloud.update(self._cloud.servers, server, {"addresses": addresses})


_NEEDS_SECURITY = (
    "Port security must be enabled and port must have an IP address in order to use "
    "security groups."
)


def _subnets(port: models.Port) -> set[str]:
    return {ip.subnet_id for ip in port.fixed_ips}


def _pairs_json(pairs: Iterable[Pair], port_mac: str) -> Iterator[Json]:
    for address, pair_mac in pairs:
        yield {"ip_address": address, "mac_address": pair_mac or port_mac}
