"""Neutron writes for networks and subnets: create, update, delete; subnet pools.

A request body holds only what the operator asked for: what was left as Neutron's default
(not shared, not external, port security on, no MTU, no provider attributes) is left out,
so a member's create carries no attribute its policy would refuse.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any

from tui.backend import models
from tui.backend.base import DEFAULT_PAGE_SIZE
from tui.backend.models import Json
from tui.backend.openstack.network import NetworkAPI, route_list

if TYPE_CHECKING:
    from tui.backend.models.network_specs import Pair


def network_body(spec: models.NetworkSpec) -> Json:
    body: dict[str, Any] = {"name": spec.name}
    if spec.project_id:
        body["project_id"] = spec.project_id
    if spec.description:
        body["description"] = spec.description
    if not spec.admin_state_up:
        body["admin_state_up"] = False
    if spec.shared:
        body["shared"] = True
    if spec.external:
        body["router:external"] = True
    if not spec.port_security:
        body["port_security_enabled"] = False
    if spec.mtu is not None:
        body["mtu"] = spec.mtu
    if spec.network_type:
        body["provider:network_type"] = spec.network_type
    if spec.physical_network:
        body["provider:physical_network"] = spec.physical_network
    if spec.segmentation_id is not None:
        body["provider:segmentation_id"] = spec.segmentation_id
    return body


def network_change_body(change: models.NetworkChange) -> Json:
    names = {
        "name": "name",
        "description": "description",
        "admin_state_up": "admin_state_up",
        "shared": "shared",
        "external": "router:external",
        "port_security": "port_security_enabled",
        "mtu": "mtu",
    }
    return {
        key: getattr(change, attr)
        for attr, key in names.items()
        if getattr(change, attr) is not None
    }


def _pools(pairs: tuple[Pair, ...]) -> list[Json]:
    return [{"start": start, "end": end} for start, end in pairs]


def subnet_body(spec: models.SubnetSpec) -> Json:
    body: dict[str, Any] = {"network_id": spec.network_id, "ip_version": spec.ip_version}
    optional = {
        "name": spec.name,
        "cidr": spec.cidr,
        "subnetpool_id": spec.subnetpool_id,
        "description": spec.description,
        "project_id": spec.project_id,
        "ipv6_ra_mode": spec.ipv6_ra_mode,
        "ipv6_address_mode": spec.ipv6_address_mode,
    }
    body.update({key: value for key, value in optional.items() if value})
    if spec.prefixlen is not None:
        body["prefixlen"] = spec.prefixlen
    if spec.no_gateway:
        body["gateway_ip"] = None
    elif spec.gateway_ip:
        body["gateway_ip"] = spec.gateway_ip
    if not spec.enable_dhcp:
        body["enable_dhcp"] = False
    if spec.allocation_pools:
        body["allocation_pools"] = _pools(spec.allocation_pools)
    if spec.dns_nameservers:
        body["dns_nameservers"] = list(spec.dns_nameservers)
    if spec.host_routes:
        body["host_routes"] = route_list(spec.host_routes)
    return body


def subnet_change_body(change: models.SubnetChange) -> Json:
    body: dict[str, Any] = {}
    for key in ("name", "description", "enable_dhcp"):
        if (value := getattr(change, key)) is not None:
            body[key] = value
    if change.no_gateway:
        body["gateway_ip"] = None
    elif change.gateway_ip is not None:
        body["gateway_ip"] = change.gateway_ip
    if change.allocation_pools is not None:
        body["allocation_pools"] = _pools(change.allocation_pools)
    if change.dns_nameservers is not None:
        body["dns_nameservers"] = list(change.dns_nameservers)
    if change.host_routes is not None:
        body["host_routes"] = route_list(change.host_routes)
    return body


class NetworkWritesAPI(NetworkAPI):
    async def subnet(self, subnet_id: str) -> models.Subnet:
        return await self._neutron_show("subnets", subnet_id, models.Subnet.from_api)

    async def subnet_pools(
        self, *, page_size: int = DEFAULT_PAGE_SIZE
    ) -> AsyncIterator[list[models.SubnetPool]]:
        async for page in self._neutron_list(
            "subnetpools", models.SubnetPool.from_api, {}, page_size
        ):
            yield page

    async def create_network(self, spec: models.NetworkSpec) -> models.Network:
        return await self._neutron_send(
            "create-network",
            f"network {spec.name}",
            "networks",
            network_body(spec),
            models.Network.from_api,
            made="network",
        )

    async def update_network(self, network_id: str, change: models.NetworkChange) -> models.Network:
        return await self._neutron_send(
            "update-network",
            f"network {network_id}",
            "networks",
            network_change_body(change),
            models.Network.from_api,
            ident=network_id,
        )

    async def delete_network(self, network_id: str) -> None:
        await self._neutron_delete(
            "delete-network", f"network {network_id}", "networks", network_id
        )

    async def create_subnet(self, spec: models.SubnetSpec) -> models.Subnet:
        what = spec.cidr or f"from pool {spec.subnetpool_id}"
        return await self._neutron_send(
            "create-subnet",
            f"subnet {spec.name or what} on network {spec.network_id}",
            "subnets",
            subnet_body(spec),
            models.Subnet.from_api,
            made="subnet",
        )

    async def update_subnet(self, subnet_id: str, change: models.SubnetChange) -> models.Subnet:
        return await self._neutron_send(
            "update-subnet",
            f"subnet {subnet_id}",
            "subnets",
            subnet_change_body(change),
            models.Subnet.from_api,
            ident=subnet_id,
        )

    async def delete_subnet(self, subnet_id: str) -> None:
        await self._neutron_delete("delete-subnet", f"subnet {subnet_id}", "subnets", subnet_id)
