"""Neutron: networks, subnets, ports, routers, floating IPs, security groups.

Neutron shows an admin every project's resources unless filtered, and pages by
limit/marker with ``<resource>_links``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Mapping
from typing import Any, TypeVar

from tui.backend import models
from tui.backend.base import DEFAULT_PAGE_SIZE
from tui.backend.models import Json
from tui.backend.openstack.core import OpenStackCore
from tui.backend.openstack.replies import Read

T = TypeVar("T")


def _filters(**values: object) -> dict[str, Any]:
    return {key: value for key, value in values.items() if value is not None}


class NetworkAPI(OpenStackCore):
    async def _neutron_list(
        self,
        collection: str,
        parse: Callable[[Json], T],
        params: Mapping[str, Any],
        page_size: int,
    ) -> AsyncIterator[list[T]]:
        key = collection.replace("-", "_")
        async for page in self._collection(
            "network", f"/{collection}", key, parse, params, page_size=page_size
        ):
            yield page

    async def _neutron_show(self, collection: str, ident: str, parse: Callable[[Json], T]) -> T:
        key = collection.replace("-", "_").removesuffix("s")
        return await self._show(
            "network", f"/{collection}/{ident}", key, parse, kind=key.replace("_", " ")
        )

    async def networks(
        self, *, external: bool | None = None, page_size: int = DEFAULT_PAGE_SIZE
    ) -> AsyncIterator[list[models.Network]]:
        params = {} if external is None else {"router:external": str(external).lower()}
        async for page in self._neutron_list(
            "networks", models.Network.from_api, params, page_size
        ):
            yield page

    async def subnets(
        self, *, network_id: str | None = None, page_size: int = DEFAULT_PAGE_SIZE
    ) -> AsyncIterator[list[models.Subnet]]:
        params = _filters(network_id=network_id)
        async for page in self._neutron_list("subnets", models.Subnet.from_api, params, page_size):
            yield page

    async def ports(
        self,
        *,
        network_id: str | None = None,
        device_id: str | None = None,
        page_size: int = DEFAULT_PAGE_SIZE,
    ) -> AsyncIterator[list[models.Port]]:
        params = _filters(network_id=network_id, device_id=device_id)
        async for page in self._neutron_list("ports", models.Port.from_api, params, page_size):
            yield page

    async def routers(
        self, *, page_size: int = DEFAULT_PAGE_SIZE
    ) -> AsyncIterator[list[models.Router]]:
        async for page in self._neutron_list("routers", models.Router.from_api, {}, page_size):
            yield page

    async def floating_ips(
        self,
        *,
        project_id: str | None = None,
        port_id: str | None = None,
        page_size: int = DEFAULT_PAGE_SIZE,
    ) -> AsyncIterator[list[models.FloatingIP]]:
        params = _filters(project_id=project_id, port_id=port_id)
        async for page in self._neutron_list(
            "floatingips", models.FloatingIP.from_api, params, page_size
        ):
            yield page

    async def security_groups(
        self, *, project_id: str | None = None, page_size: int = DEFAULT_PAGE_SIZE
    ) -> AsyncIterator[list[models.SecurityGroup]]:
        params = _filters(project_id=project_id)
        async for page in self._neutron_list(
            "security-groups", models.SecurityGroup.from_api, params, page_size
        ):
            yield page

    async def network(self, network_id: str) -> models.Network:
        return await self._neutron_show("networks", network_id, models.Network.from_api)

    async def port(self, port_id: str) -> models.Port:
        return await self._neutron_show("ports", port_id, models.Port.from_api)

    async def floating_ip(self, floating_ip_id: str) -> models.FloatingIP:
        return await self._neutron_show("floatingips", floating_ip_id, models.FloatingIP.from_api)

    async def security_group(self, security_group_id: str) -> models.SecurityGroup:
        return await self._neutron_show(
            "security-groups", security_group_id, models.SecurityGroup.from_api
        )

    # -- floating IPs: the writes ------------------------------------------------------------

    async def _floating_ip_write(
        self, action: str, target: str, method: str, path: str, body: Json, made: str = ""
    ) -> models.FloatingIP:
        read = Read("floatingip", models.FloatingIP.from_api, made=made)
        ip: models.FloatingIP = await self._write(
            action, target, method, "network", path, body=body, read=read
        )
        return ip

    async def allocate_floating_ip(
        self, network_id: str, *, project_id: str | None = None, description: str = ""
    ) -> models.FloatingIP:
        wanted = _filters(
            floating_network_id=network_id, project_id=project_id, description=description or None
        )
        return await self._floating_ip_write(
            "allocate-floating-ip",
            f"network {network_id}",
            "POST",
            "/floatingips",
            {"floatingip": wanted},
            made="floating IP",
        )

    async def associate_floating_ip(
        self, floating_ip_id: str, port_id: str, fixed_ip: str | None = None
    ) -> models.FloatingIP:
        return await self._floating_ip_write(
            "associate-floating-ip",
            f"floating ip {floating_ip_id} to port {port_id}",
            "PUT",
            f"/floatingips/{floating_ip_id}",
            {"floatingip": _filters(port_id=port_id, fixed_ip_address=fixed_ip)},
        )

    async def disassociate_floating_ip(self, floating_ip_id: str) -> models.FloatingIP:
        return await self._floating_ip_write(
            "disassociate-floating-ip",
            f"floating ip {floating_ip_id}",
            "PUT",
            f"/floatingips/{floating_ip_id}",
            {"floatingip": {"port_id": None}},
        )

    async def release_floating_ip(self, floating_ip_id: str) -> None:
        await self._write(
            "release-floating-ip",
            f"floating ip {floating_ip_id}",
            "DELETE",
            "network",
            f"/floatingips/{floating_ip_id}",
        )
