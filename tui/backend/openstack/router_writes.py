"""Neutron: building routers (gateway, interfaces, static routes) and ports.

Each write sends only what the operator gave, so Neutron's defaults apply to the rest;
Neutron's refusals come back as they are (RouterInUse names the ports still attached).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from tui.backend import models
from tui.backend.models import Json
from tui.backend.openstack.network import NetworkAPI, given, route_list
from tui.backend.openstack.replies import Read

if TYPE_CHECKING:
    from tui.backend.models import Pair, PortChange, PortSpec, RouterChange, RouterSpec


def _pairs(pairs: Iterable[Pair]) -> list[dict[str, str]]:
    return [{"ip_address": ip, **({"mac_address": mac} if mac else {})} for ip, mac in pairs]


def _gateway(network_id: str, enable_snat: bool | None) -> dict[str, Any]:
    return {"network_id": network_id, **given(enable_snat=enable_snat)}


def _interface_body(subnet_id: str, port_id: str) -> dict[str, str]:
    return {k: v for k, v in (("subnet_id", subnet_id), ("port_id", port_id)) if v}


class RouterWritesAPI(NetworkAPI):
    async def router(self, router_id: str) -> models.Router:
        return await self._neutron_show("routers", router_id, models.Router.from_api)

    async def _router_write(
        self, action: str, router_id: str, body: Json, target: str = ""
    ) -> models.Router:
        target = target or f"router {router_id}"
        parse = models.Router.from_api
        return await self._neutron_send(action, target, "routers", body, parse, ident=router_id)

    async def create_router(self, spec: RouterSpec) -> models.Router:
        body = given(
            name=spec.name,
            description=spec.description or None,
            project_id=spec.project_id or None,
            admin_state_up=None if spec.admin_state_up else False,
        )
        if spec.external_network_id:
            body["external_gateway_info"] = _gateway(spec.external_network_id, spec.enable_snat)
        return await self._neutron_send(
            "create-router",
            f"router {spec.name}",
            "routers",
            body,
            models.Router.from_api,
            made="router",
        )

    async def update_router(self, router_id: str, change: RouterChange) -> models.Router:
        body = given(
            name=change.name,
            description=change.description,
            admin_state_up=change.admin_state_up,
            routes=None if change.routes is None else route_list(change.routes),
        )
        return await self._router_write("update-router", router_id, body)

    async def set_router_gateway(
        self, router_id: str, network_id: str, *, enable_snat: bool | None = None
    ) -> models.Router:
        body = {"external_gateway_info": _gateway(network_id, enable_snat)}
        return await self._router_write(
            "set-router-gateway", router_id, body, f"router {router_id} network {network_id}"
        )

    async def clear_router_gateway(self, router_id: str) -> models.Router:
        return await self._router_write(
            "clear-router-gateway", router_id, {"external_gateway_info": {}}
        )

    async def add_router_interface(
        self, router_id: str, *, subnet_id: str = "", port_id: str = ""
    ) -> str:
        reply = await self._write(
            "add-router-interface",
            f"router {router_id} {'port ' + port_id if port_id else 'subnet ' + subnet_id}",
            "PUT",
            "network",
            f"/routers/{router_id}/add_router_interface",
            body=_interface_body(subnet_id, port_id),
            read=Read("port_id", kind="text"),
        )
        return str(reply)

    async def remove_router_interface(
        self, router_id: str, *, subnet_id: str = "", port_id: str = ""
    ) -> None:
        await self._write(
            "remove-router-interface",
            f"router {router_id} {'port ' + port_id if port_id else 'subnet ' + subnet_id}",
            "PUT",
            "network",
            f"/routers/{router_id}/remove_router_interface",
            body=_interface_body(subnet_id, port_id),
        )

    async def delete_router(self, router_id: str) -> None:
        await self._neutron_delete("delete-router", f"router {router_id}", "routers", router_id)

    # -- ports -------------------------------------------------------------------------------

    async def create_port(self, spec: PortSpec) -> models.Port:
        body = given(
            network_id=spec.network_id,
            name=spec.name or None,
            description=spec.description or None,
            project_id=spec.project_id or None,
            mac_address=spec.mac_address or None,
            port_security_enabled=spec.port_security,
            admin_state_up=None if spec.admin_state_up else False,
        )
        if spec.fixed_ips:
            body["fixed_ips"] = [
                {k: v for k, v in (("subnet_id", subnet), ("ip_address", ip)) if v}
                for subnet, ip in spec.fixed_ips
            ]
        if spec.security_group_ids is not None:
            body["security_groups"] = list(spec.security_group_ids)
        return await self._neutron_send(
            "create-port",
            f"network {spec.network_id}",
            "ports",
            body,
            models.Port.from_api,
            made="port",
        )

    async def update_port(self, port_id: str, change: PortChange) -> models.Port:
        body = given(
            name=change.name,
            description=change.description,
            admin_state_up=change.admin_state_up,
            port_security_enabled=change.port_security,
        )
        if change.security_group_ids is not None:
            body["security_groups"] = list(change.security_group_ids)
        if change.allowed_address_pairs is not None:
            body["allowed_address_pairs"] = _pairs(change.allowed_address_pairs)
        parse = models.Port.from_api
        return await self._neutron_send(
            "update-port", f"port {port_id}", "ports", body, parse, ident=port_id
        )

    async def delete_port(self, port_id: str) -> None:
        await self._neutron_delete("delete-port", f"port {port_id}", "ports", port_id)
