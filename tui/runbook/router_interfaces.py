"""Removing every interface of a router, one Neutron call each, so that it can be deleted:
the calls are previewed (and counted) before any is sent, and after a restart each
interface's port says whether its call went through."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from tui.backend.errors import NotFound
from tui.runbook.items import Item
from tui.runbook.recipe import Found, ItemRun, Params, Probe, Recipe, RunbookRequest

if TYPE_CHECKING:
    from tui.backend.base import Backend
    from tui.backend.models import Port, Router

REMOVE_INTERFACES = "remove-router-interfaces"


def remove_interfaces_request(router: Router) -> RunbookRequest:
    return RunbookRequest(REMOVE_INTERFACES, {"router_id": router.id, "router": router.name})


def _where(port: Port) -> str:
    return ", ".join(f"{ip.ip_address} on subnet {ip.subnet_id}" for ip in port.fixed_ips)


class RemoveInterfaces(Recipe):
    name = REMOVE_INTERFACES
    concurrency = 1  # Neutron changes one router at a time

    def title(self, params: Params) -> str:
        return f"Remove every interface of router {params.get('router')}"

    async def plan(
        self, backend: Backend, params: Params, targets: Sequence[Any] = ()
    ) -> list[Item]:
        router_id = str(params["router_id"])
        items: list[Item] = []
        async for page in backend.ports(device_id=router_id):
            for port in page:
                if port.role != "interface":
                    continue
                items.append(
                    Item(
                        port.id,
                        f"interface {_where(port) or port.id}",
                        calls=[f"remove interface port {port.id} from router {router_id}"],
                    )
                )
        return items

    async def run(self, run: ItemRun) -> None:
        router_id = str(run.params["router_id"])
        run.sending(run.item.calls[0])
        await run.backend.remove_router_interface(router_id, port_id=run.item.key)

    async def probe(self, backend: Backend, item: Item, params: Params) -> Probe:
        try:
            port = await backend.port(item.key)
        except NotFound:
            return Probe(Found.DONE, "the interface's port is gone")
        if port.device_id == params["router_id"] and port.role == "interface":
            return Probe(Found.NOT_STARTED, "still an interface of the router")
        return Probe(Found.DONE, "no longer on the router")
