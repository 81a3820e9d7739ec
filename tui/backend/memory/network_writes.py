"""In-memory Neutron writes for networks and subnets, with Neutron's refusals in its words.

The memory cloud's ML2 is like devcloud's: type drivers flat, vlan, vxlan, geneve and local;
flat networks on the physical network ``public`` only; no VLAN ranges (a VLAN network is
refused, as on devcloud); tenant networks are geneve. A member may set none of the provider
attributes, nor share a network or make it external (Neutron's policy, 403). Deleting a
network with ports other than DHCP ports, or a subnet with addresses in use, is refused
(409) as Neutron does; the texts are devcloud's (tests/contract/test_network_building_contract.py).
"""

from __future__ import annotations

import ipaddress
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any

from tui.backend import models
from tui.backend.base import DEFAULT_PAGE_SIZE
from tui.backend.memory import data
from tui.backend.memory.network import NetworkMemory

TYPE_DRIVERS = ("flat", "vlan", "vxlan", "geneve", "local")
FLAT_NETWORKS = ("public",)
TENANT_TYPE = "geneve"
AUTO_DELETE_OWNERS = ("network:dhcp", "network:floatingip_agent_gateway", "network:distributed")

Net = ipaddress.IPv4Network | ipaddress.IPv6Network

if TYPE_CHECKING:
    from tui.backend.models.network_specs import Pair


def _policy(verb: str, attributes: list[str]) -> str:
    """Neutron's words for the attributes its policy refuses, nested as it nests them."""
    rule = f"rule:{verb}_network"
    for attribute in attributes:
        rule = f"({rule} and rule:{verb}_network:{attribute})"
    return f"{rule} is disallowed by policy"


def default_pools(network: Net, gateway: str | None) -> list[Pair]:
    """Neutron's pools when none are given: the usable range without the gateway."""
    base, top = int(network.network_address), int(network.broadcast_address)
    first, last = base + 1, top - 1 if network.version == 4 else top
    if network.version == 4 and network.prefixlen > 30:
        first, last = base, top
    if first > last:
        return []

    def text(n: int) -> str:
        return str(ipaddress.ip_address(n) if network.version == 4 else ipaddress.IPv6Address(n))

    gw = int(ipaddress.ip_address(gateway)) if gateway else None
    if gw is None or not first <= gw <= last:
        return [(text(first), text(last))]
    pools: list[Pair] = []
    if gw > first:
        pools.append((text(first), text(gw - 1)))
    if gw < last:
        pools.append((text(gw + 1), text(last)))
    return pools


class NetworkWritesMemory(NetworkMemory):
    # -- reads --------------------------------------------------------------------------------

    def _subnet_visible(self, subnet: models.Subnet) -> bool:
        network = self._cloud.networks.get(subnet.network_id)
        return self._owned(subnet) or (network is not None and self._network_visible(network))

    def _subnet_of(self, subnet_id: str) -> models.Subnet:
        return self._neutron(self._cloud.subnets, subnet_id, "subnet", self._subnet_visible)

    async def subnet(self, subnet_id: str) -> models.Subnet:
        return self._subnet_of(subnet_id)

    def _pools_store(self) -> list[models.SubnetPool]:
        return self._cloud.kept("subnet_pools", list)

    async def subnet_pools(
        self, *, page_size: int = DEFAULT_PAGE_SIZE
    ) -> AsyncIterator[list[models.SubnetPool]]:
        visible = [p for p in self._pools_store() if p.shared or self._owned(p)]
        async for page in self._pages(visible, page_size):
            yield page

    # -- networks -----------------------------------------------------------------------------

    def _network_of(self, network_id: str) -> models.Network:
        return self._neutron(self._cloud.networks, network_id, "network", self._network_visible)

    def _writable_network(self, network_id: str) -> models.Network:
        """A network the caller may change: its own (an admin: any); others' are hidden."""
        return self._neutron(self._cloud.networks, network_id, "network", self._owned)

    def _check_owner_project(self, project_id: str) -> None:
        if project_id and project_id != self._info.project_id and not self._is_admin:
            raise self.refused(
                403,
                "(rule:create_network and rule:create_network:project_id) is disallowed by policy",
            )

    def _provider(self, spec: models.NetworkSpec) -> dict[str, Any]:
        """The provider attributes ML2 gives a new network, or its refusal."""
        kind = spec.network_type or TENANT_TYPE
        physnet = spec.physical_network or None
        segment: int | None = spec.segmentation_id
        invalid = "Invalid input for operation: {}."
        if kind not in TYPE_DRIVERS:
            raise self.refused(400, invalid.format(f"network_type value '{kind}' not supported"))
        if kind == "flat":
            if physnet not in FLAT_NETWORKS:
                raise self.refused(
                    400,
                    invalid.format(
                        f"physical_network '{physnet}' unknown for flat provider network"
                    ),
                )
            if any(
                n.network_type == "flat" and n.physical_network == physnet
                for n in self._cloud.networks
            ):
                raise self.refused(
                    409,
                    f"Unable to create the flat network. Physical network {physnet} is in use.",
                )
            segment = None
        elif kind == "vlan":
            raise self.refused(
                400,
                invalid.format(f"physical_network '{physnet}' unknown for VLAN provider network"),
            )
        elif kind == "local":
            physnet, segment = None, None
        else:  # a tunnel: its own id, or the next free one
            used = {str(n.segmentation_id) for n in self._cloud.networks if n.network_type == kind}
            if segment is None:
                segment = next(k for k in range(2000, 1 << 24) if str(k) not in used)
            elif str(segment) in used:
                raise self.refused(
                    409, f"Unable to create the network. The tunnel ID {segment} is in use."
                )
            physnet = None
        return {
            "provider:network_type": kind,
            "provider:physical_network": physnet,
            "provider:segmentation_id": segment,
        }

    async def create_network(self, spec: models.NetworkSpec) -> models.Network:
        def change() -> models.Network:
            if not self._is_admin:
                refused = [
                    name
                    for name, asked in (
                        ("shared", spec.shared),
                        ("router:external", spec.external),
                        ("provider:network_type", spec.network_type),
                        ("provider:physical_network", spec.physical_network),
                        ("provider:segmentation_id", spec.segmentation_id is not None),
                    )
                    if asked
                ]
                if refused:
                    raise self.refused(403, _policy("create", refused))
            self._check_owner_project(spec.project_id)
            n = self._cloud.serial()
            project_id = spec.project_id or self._info.project_id
            raw = {
                **data.network_json(0, project_id),
                **data._neutron_common(project_id, self._cloud.now()),
                "id": data.fixed_id("built-network", n),
                "name": spec.name,
                "description": spec.description,
                "admin_state_up": spec.admin_state_up,
                "mtu": spec.mtu or 1442,
                "subnets": [],
                "shared": spec.shared,
                "router:external": spec.external,
                "port_security_enabled": spec.port_security,
                "availability_zones": [],
                **self._provider(spec),
            }
            return self._as_seen(self._cloud.networks.add(models.Network.from_api(raw)))

        return await self._write("create-network", f"network {spec.name}", change)

    async def update_network(self, network_id: str, change: models.NetworkChange) -> models.Network:
        def update() -> models.Network:
            network = self._writable_network(network_id)
            if not self._is_admin:
                refused = [
                    name
                    for name, asked in (
                        ("shared", change.shared),
                        ("router:external", change.external),
                    )
                    if asked is not None
                ]
                if refused:
                    raise self.refused(403, _policy("update", refused))
            if change.mtu is not None and change.mtu < 68:
                raise self.refused(
                    400,
                    f"Invalid input for mtu. Reason: '{change.mtu}' is too small - must be "
                    "at least '68'.",
                )
            names = {
                "name": "name",
                "description": "description",
                "admin_state_up": "admin_state_up",
                "shared": "shared",
                "external": "router:external",
                "port_security": "port_security_enabled",
                "mtu": "mtu",
            }
            changes = {
                key: getattr(change, attr)
                for attr, key in names.items()
                if getattr(change, attr) is not None
            }
            changes["revision_number"] = int(network.raw.get("revision_number") or 0) + 1
            return self._as_seen(self._cloud.update(self._cloud.networks, network, changes))

        return await self._write("update-network", f"network {network_id}", update)

    def _ports_on(self, network_id: str) -> list[models.Port]:
        return [p for p in self._cloud.ports if p.network_id == network_id]

    async def delete_network(self, network_id: str) -> None:
        def change() -> None:
            network = self._writable_network(network_id)
            ports = self._ports_on(network.id)
            in_use = [p.id for p in ports if p.device_owner not in AUTO_DELETE_OWNERS]
            if in_use:
                raise self.refused(
                    409,
                    f"Unable to complete operation on network {network.id}. There are one or "
                    "more ports still in use on the network, id for these ports is: "
                    f"{','.join(in_use)}.",
                )
            for port in ports:
                self._cloud.ports.remove(port.id)
            for subnet_id in network.subnet_ids:
                if self._cloud.subnets.get(subnet_id) is not None:
                    self._cloud.subnets.remove(subnet_id)
            self._cloud.networks.remove(network.id)

        await self._write("delete-network", f"network {network_id}", change)

    # -- subnets ------------------------------------------------------------------------------

    def _check_pools(self, cidr: Net, pools: tuple[Pair, ...], gateway: str | None) -> None:
        """Neutron's order: each pool inside the CIDR (400), no overlaps (409), the gateway
        outside every pool (409)."""
        base, top = int(cidr.network_address), int(cidr.broadcast_address)
        if cidr.version == 4 and cidr.prefixlen <= 30:
            first, last = base + 1, top - 1
        elif cidr.version == 4:
            first, last = base, top
        else:
            first, last = base + 1, top
        ranges: list[tuple[int, int, str]] = []
        for start_text, end_text in pools:
            start_ip, end_ip = ipaddress.ip_address(start_text), ipaddress.ip_address(end_text)
            start, end = int(start_ip), int(end_ip)
            text = f"{start_ip}-{end_ip}"
            if start_ip.version != cidr.version or end_ip.version != cidr.version or start > end:
                raise self.refused(400, f"The allocation pool {text} is not valid.")
            if start < first or end > last:
                raise self.refused(
                    400, f"The allocation pool {text} spans beyond the subnet cidr {cidr}."
                )
            ranges.append((start, end, text))
        for k, (start, end, text) in enumerate(ranges):
            for other_start, other_end, other_text in ranges[k + 1 :]:
                if start <= other_end and other_start <= end:
                    raise self.refused(
                        409,
                        f"Found overlapping allocation pools: {text} {other_text} "
                        f"for subnet {cidr}.",
                    )
        if gateway:
            address = int(ipaddress.ip_address(gateway))
            for start, end, text in ranges:
                if start <= address <= end:
                    raise self.refused(
                        409, f"Gateway ip {gateway} conflicts with allocation pool {text}."
                    )

    def _from_pool(self, spec: models.SubnetSpec, network: models.Network) -> Net:
        pool = next((p for p in self._pools_store() if p.id == spec.subnetpool_id), None)
        if pool is None or not (pool.shared or self._owned(pool)):
            raise self.refused(404, f"Subnet pool {spec.subnetpool_id} could not be found.")
        length = spec.prefixlen or pool.default_prefixlen
        taken = [
            ipaddress.ip_network(s.cidr) for s in self._cloud.subnets if s.subnetpool_id == pool.id
        ]
        for prefix in pool.prefixes:
            for candidate in ipaddress.ip_network(prefix).subnets(new_prefix=length):
                if not any(candidate.overlaps(t) for t in taken):
                    return candidate
        raise self.refused(
            409,
            f"Unable to allocate subnet with prefix length {length}, maximum allowed "
            "prefix is reached.",
        )

    async def create_subnet(self, spec: models.SubnetSpec) -> models.Subnet:
        def change() -> models.Subnet:
            network = self._writable_network(spec.network_id)
            self._check_owner_project(spec.project_id)
            invalid = "Invalid input for operation: {}."
            if spec.subnetpool_id:
                cidr = self._from_pool(spec, network)
            elif not spec.cidr:
                raise self.refused(
                    400,
                    "Bad subnets request: a subnetpool must be specified in the absence of a cidr.",
                )
            else:
                try:
                    cidr = ipaddress.ip_network(spec.cidr, strict=False)
                except ValueError:
                    raise self.refused(
                        400,
                        f"Invalid input for cidr. Reason: '{spec.cidr}' is not a valid IP subnet.",
                    ) from None
            if cidr.version != spec.ip_version:
                raise self.refused(
                    400,
                    invalid.format(
                        f"cidr '{cidr}' does not match the ip_version '{spec.ip_version}'"
                    ),
                )
            if cidr.prefixlen == 0:
                raise self.refused(400, invalid.format("0 is not allowed as CIDR prefix length"))
            for other_id in network.subnet_ids:
                other = self._cloud.subnets.get(other_id)
                if other is not None and ipaddress.ip_network(other.cidr).overlaps(cidr):
                    raise self.refused(
                        400,
                        invalid.format(
                            f"Requested subnet with cidr: {cidr} for network: {network.id} "
                            "overlaps with another subnet"
                        ),
                    )
            if spec.no_gateway:
                gateway = None
            elif spec.gateway_ip:
                gateway = spec.gateway_ip
            else:
                gateway = str(cidr.network_address + 1)
            pools = spec.allocation_pools or tuple(default_pools(cidr, gateway))
            self._check_pools(cidr, pools, gateway)
            n = self._cloud.serial()
            project_id = spec.project_id or network.project_id
            raw = {
                **data._neutron_common(project_id, self._cloud.now()),
                "id": data.fixed_id("built-subnet", n),
                "name": spec.name,
                "description": spec.description,
                "network_id": network.id,
                "ip_version": cidr.version,
                "cidr": str(cidr),
                "gateway_ip": gateway,
                "enable_dhcp": spec.enable_dhcp,
                "allocation_pools": [{"start": s, "end": e} for s, e in pools],
                "dns_nameservers": list(spec.dns_nameservers),
                "host_routes": [{"destination": d, "nexthop": h} for d, h in spec.host_routes],
                "ipv6_ra_mode": spec.ipv6_ra_mode or None,
                "ipv6_address_mode": spec.ipv6_address_mode or None,
                "subnetpool_id": spec.subnetpool_id or None,
                "service_types": [],
                "revision_number": 0,
            }
            subnet = self._cloud.subnets.add(models.Subnet.from_api(raw))
            self._cloud.update(
                self._cloud.networks, network, {"subnets": [*network.subnet_ids, subnet.id]}
            )
            return subnet

        target = f"subnet {spec.name or spec.cidr} on network {spec.network_id}"
        return await self._write("create-subnet", target, change)

    def _writable_subnet(self, subnet_id: str) -> models.Subnet:
        return self._lookup(
            self._cloud.subnets, subnet_id, "subnet", self._owned, "Subnet {} could not be found."
        )

    async def update_subnet(self, subnet_id: str, change: models.SubnetChange) -> models.Subnet:
        def update() -> models.Subnet:
            subnet = self._writable_subnet(subnet_id)
            cidr = ipaddress.ip_network(subnet.cidr)
            gateway: str | None = subnet.gateway_ip or None
            if change.no_gateway:
                gateway = None
            elif change.gateway_ip is not None:
                gateway = change.gateway_ip or None
            pools = (
                subnet.pool_pairs if change.allocation_pools is None else change.allocation_pools
            )
            self._check_pools(cidr, pools, gateway)
            changes: dict[str, Any] = {
                "gateway_ip": gateway,
                "allocation_pools": [{"start": s, "end": e} for s, e in pools],
                "revision_number": int(subnet.raw.get("revision_number") or 0) + 1,
            }
            for key in ("name", "description", "enable_dhcp"):
                if (value := getattr(change, key)) is not None:
                    changes[key] = value
            if change.dns_nameservers is not None:
                changes["dns_nameservers"] = list(change.dns_nameservers)
            if change.host_routes is not None:
                changes["host_routes"] = [
                    {"destination": d, "nexthop": h} for d, h in change.host_routes
                ]
            return self._cloud.update(self._cloud.subnets, subnet, changes)

        return await self._write("update-subnet", f"subnet {subnet_id}", update)

    async def delete_subnet(self, subnet_id: str) -> None:
        def change() -> None:
            subnet = self._writable_subnet(subnet_id)
            using = [
                p
                for p in self._ports_on(subnet.network_id)
                if any(ip.subnet_id == subnet.id for ip in p.fixed_ips)
            ]
            if any(p.device_owner not in AUTO_DELETE_OWNERS for p in using):
                raise self.refused(
                    409,
                    f"Unable to complete operation on subnet {subnet.id}: One or more ports "
                    "have an IP allocation from this subnet.",
                )
            self._cloud.subnets.remove(subnet.id)
            network = self._cloud.networks.get(subnet.network_id)
            if network is not None:
                kept = [i for i in network.subnet_ids if i != subnet.id]
                self._cloud.update(self._cloud.networks, network, {"subnets": kept})

        await self._write("delete-subnet", f"subnet {subnet_id}", change)
