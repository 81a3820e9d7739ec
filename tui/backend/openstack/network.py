"""Neutron: networks, subnets, ports, routers, floating IPs, security groups.

Neutron shows an admin every project's resources unless filtered, and pages by
limit/marker with ``<resource>_links``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from tui.backend import models
from tui.backend.base import DEFAULT_PAGE_SIZE
from tui.backend.models import Json
from tui.backend.openstack.core import OpenStackCore
from tui.backend.openstack.replies import Read

if TYPE_CHECKING:
    from tui.backend.models.network_specs import Pair

T = TypeVar("T")


def given(**values: object) -> dict[str, Any]:
    """The values that are not None: a filter, or a request body of what was asked for."""
    return {key: value for key, value in values.items() if value is not None}


def route_list(routes: Iterable[Pair]) -> list[Json]:
    """Neutron's routes (a subnet's host routes, a router's static routes)."""
    return [{"destination": destination, "nexthop": nexthop} for destination, nexthop in routes]


def _singular(collection: str) -> str:
    """The JSON key of one item of a Neutron collection: security-groups → security_group."""
    return collection.replace("-", "_").removesuffix("s")


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
        key = _singular(collection)
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
        params = given(network_id=network_id)
        async for page in self._neutron_list("subnets", models.Subnet.from_api, params, page_size):
            yield page

    async def ports(
        self,
        *,
        network_id: str | None = None,
        device_id: str | None = None,
        project_id: str | None = None,
        page_size: int = DEFAULT_PAGE_SIZE,
    ) -> AsyncIterator[list[models.Port]]:
        params = given(network_id=network_id, device_id=device_id, project_id=project_id)
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
        params = given(project_id=project_id, port_id=port_id)
        async for page in self._neutron_list(
            "floatingips", models.FloatingIP.from_api, params, page_size
        ):
            yield page

    async def security_groups(
        self, *, project_id: str | None = None, page_size: int = DEFAULT_PAGE_SIZE
    ) -> AsyncIterator[list[models.SecurityGroup]]:
        params = given(project_id=project_id)
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

    # -- writes: one item of a collection, created (POST), changed (PUT) or deleted ----------

    async def _neutron_send(
        self,
        action: str,
        target: str,
        collection: str,
        fields: Json,
        parse: Callable[[Json], T],
        *,
        ident: str = "",
        made: str = "",
    ) -> T:
        """POST `fields` to the collection (`made` names what was made), or PUT them to
        the item `ident`; answers with the item as Neutron returns it."""
        key = _singular(collection)
        method, path = ("PUT", f"/{collection}/{ident}") if ident else ("POST", f"/{collection}")
        item: T = await self._write(
            action,
            target,
            method,
            "network",
            path,
            body={key: fields},
            read=Read(key, parse, made=made),
        )
        return item

    async def _neutron_delete(self, action: str, target: str, collection: str, ident: str) -> None:
        await self._write(action, target, "DELETE", "network", f"/{collection}/{ident}")

    # -- floating IPs: the writes ------------------------------------------------------------

    async def _floating_ip_write(
        self, action: str, target: str, fields: Json, ident: str = ""
    ) -> models.FloatingIP:
        parse = models.FloatingIP.from_api
        made = "" if ident else "floating IP"
        return await self._neutron_send(
            action, target, "floatingips", fields, parse, ident=ident, made=made
        )

    async def allocate_floating_ip(
        self, network_id: str, *, project_id: str | None = None, description: str = ""
    ) -> models.FloatingIP:
        wanted = given(
            floating_network_id=network_id, project_id=project_id, description=description or None
        )
        return await self._floating_ip_write(
            "allocate-floating-ip", f"network {network_id}", wanted
        )

    async def associate_floating_ip(
        self, floating_ip_id: str, port_id: str, fixed_ip: str | None = None
    ) -> models.FloatingIP:
        return await self._floating_ip_write(
            "associate-floating-ip",
            f"floating ip {floating_ip_id} to port {port_id}",
            given(port_id=port_id, fixed_ip_address=fixed_ip),
            floating_ip_id,
        )

    async def disassociate_floating_ip(self, floating_ip_id: str) -> models.FloatingIP:
        return await self._floating_ip_write(
            "disassociate-floating-ip",
            f"floating ip {floating_ip_id}",
            {"port_id": None},
            floating_ip_id,
        )

    async def release_floating_ip(self, floating_ip_id: str) -> None:
        await self._neutron_delete(
            "release-floating-ip", f"floating ip {floating_ip_id}", "floatingips", floating_ip_id
        )
